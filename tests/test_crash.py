"""kill -9 at several points of `add` and `index --rebuild`; concurrent writers.

These run the real command in a child process and kill it without warning, as a
power cut or the OOM killer would.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from fieldbrief.search.library import Library

pytestmark = pytest.mark.slow


def no_facts(_article: object) -> list:
    return []


def corpus(path: Path, count: int, start: int = 0) -> Path:
    words = [
        "troops",
        "base",
        "Agadez",
        "Niamey",
        "withdrawal",
        "negotiations",
        "officials",
        "drone",
        "airport",
        "junta",
    ]
    with open(path, "w", encoding="utf-8") as handle:
        for n in range(start, start + count):
            body = " ".join(words[(n + i) % len(words)] for i in range(60)) + f" unique{n}."
            handle.write(
                json.dumps(
                    {"id": f"c{n}", "title": f"Story {n}", "date": "2024-01-02", "body": body}
                )
                + "\n"
            )
    return path


def command(library: Path, *args: str) -> list[str]:
    return [sys.executable, "-m", "fieldbrief", "--library", str(library), *args]


def new_library(library: Path, env: dict[str, str]) -> None:
    """A seeded, indexed library at ``library``, as a first run of the app makes one.

    Not a read command: on a --library path that holds no library they refuse.
    """
    make = (
        "import sys; from fieldbrief.search.library import Library;"
        " Library.open(sys.argv[1], seed=True).close()"
    )
    subprocess.run([sys.executable, "-c", make, str(library)], env=env, check=True)


def child_env(home: Path) -> dict[str, str]:
    env = dict(os.environ, FIELDBRIEF_HOME=str(home), FIELDBRIEF_WORKERS="1")
    return env


def _processes_mentioning(text: str) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                cmdline = (entry / "cmdline").read_bytes().replace(b"\0", b" ")
                status = (entry / "status").read_text()
            except OSError:
                continue
            if text.encode() in cmdline and "State:\tZ" not in status:
                found.append(int(entry.name))
    return found


def kill_after(cmd: list[str], env: dict[str, str], seconds: float) -> int | None:
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    time.sleep(seconds)
    proc.send_signal(signal.SIGKILL)
    return proc.wait()


@pytest.mark.parametrize("delay", [0.5, 1.5, 3.0])
def test_kill_during_add_then_resume(tmp_path: Path, delay: float) -> None:
    home, lib = tmp_path / "home", tmp_path / "lib"
    data = corpus(tmp_path / "c.jsonl", 800)
    env = child_env(home)
    new_library(lib, env)
    kill_after(command(lib, "add", str(data)), env, delay)
    # The next run opens a consistent library, says what it resumed, and a
    # repeated add completes the job without duplicates.
    done = subprocess.run(
        command(lib, "add", str(data), "--json"), env=env, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    assert report["added"] + report["unchanged"] == 800
    check = subprocess.run(
        command(lib, "search", "unique799", "--json"), env=env, capture_output=True, text=True
    )
    assert json.loads(check.stdout)["total"] == 1
    check = subprocess.run(
        command(lib, "search", "troops", "--json", "--limit", "1"),
        env=env,
        capture_output=True,
        text=True,
    )
    assert json.loads(check.stdout)["total"] == 805  # the 800 plus the five seeds


@pytest.mark.parametrize("delay", [0.7, 1.5, 2.5])
def test_kill_during_rebuild_keeps_old_index(tmp_path: Path, delay: float) -> None:
    home, lib = tmp_path / "home", tmp_path / "lib"
    env = child_env(home)
    subprocess.run(
        command(lib, "add", str(corpus(tmp_path / "c.jsonl", 3000))),
        env=env,
        check=True,
        capture_output=True,
    )
    before = (lib / "CURRENT").read_text()
    kill_after(command(lib, "index", "--rebuild"), env, delay)
    after = (lib / "CURRENT").read_text()
    # No worker process (Whoosh writers, extraction pool) outlives the kill.
    deadline = time.monotonic() + 10
    while _processes_mentioning(str(lib)) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert not _processes_mentioning(str(lib))
    done = subprocess.run(
        command(lib, "search", "unique2999", "--json"), env=env, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["total"] == 1
    # Either the old index or a completed new one is current; abandoned
    # rebuild directories are cleaned up by that next run.
    assert after == before or (lib / "indexes" / after.strip()).exists()
    assert len(list((lib / "indexes").iterdir())) == 1


def test_damaged_segment_is_reported_and_rebuilt_from_store(tmp_path: Path) -> None:
    home, lib = tmp_path / "home", tmp_path / "lib"
    env = child_env(home)
    new_library(lib, env)
    folder = lib / "indexes" / (lib / "CURRENT").read_text().strip()
    segment = max(
        (p for p in folder.iterdir() if p.suffix == ".seg"), key=lambda p: p.stat().st_size
    )
    segment.write_bytes(segment.read_bytes()[: segment.stat().st_size // 2])
    done = subprocess.run(
        command(lib, "search", "agadez", "--json"), env=env, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr
    assert "damaged" in done.stderr and "rebuilt from the library store" in done.stderr
    assert json.loads(done.stdout)["total"] == 5


def test_foreign_index_is_refused_until_rebuilt(tmp_path: Path) -> None:
    lib = tmp_path / "lib"
    new_library(lib, child_env(tmp_path / "alice"))
    bob = child_env(tmp_path / "bob")
    done = subprocess.run(command(lib, "search", "agadez"), env=bob, capture_output=True, text=True)
    assert done.returncode == 3
    assert "Traceback" not in done.stderr and "fieldbrief index --rebuild" in done.stderr
    fixed = subprocess.run(
        command(lib, "index", "--rebuild"), env=bob, capture_output=True, text=True
    )
    assert fixed.returncode == 0, fixed.stderr
    done = subprocess.run(
        command(lib, "search", "agadez", "--json"), env=bob, capture_output=True, text=True
    )
    assert json.loads(done.stdout)["total"] == 5


def test_reader_sees_articles_added_by_another_process(tmp_path: Path) -> None:
    lib = tmp_path / "lib"
    reader = Library.open(lib, seed=False, fact_extractor=no_facts)
    assert reader.search("unique7").total == 0
    env = child_env(Path(os.environ["FIELDBRIEF_HOME"]))
    subprocess.run(
        command(lib, "add", str(corpus(tmp_path / "c.jsonl", 10))),
        env=env,
        check=True,
        capture_output=True,
    )
    assert reader.search("unique7").total == 1
    # and a rebuild in another process swaps the index under the reader
    subprocess.run(command(lib, "index", "--rebuild"), env=env, check=True, capture_output=True)
    assert reader.search("unique7").total == 1
    reader.close()


def test_app_picks_up_articles_added_by_another_process(tmp_path: Path) -> None:
    import asyncio

    from fieldbrief.tui.app import create_app
    from fieldbrief.tui.results import ResultsList

    lib = tmp_path / "lib"
    library = Library.open(lib, seed=False, fact_extractor=no_facts)
    env = child_env(Path(os.environ["FIELDBRIEF_HOME"]))

    async def wait_for_query(app, pilot, query: str) -> int:  # type: ignore[no-untyped-def]
        from tests.test_tui_support import wait_for

        listing = app.query_one(ResultsList)
        before = listing.results
        app.main.search_for(query)
        # A new answer, not the page already shown for the same words.
        await wait_for(
            pilot,
            lambda: (
                listing.results is not before
                and listing.results is not None
                and listing.results.query == query
            ),
        )
        return int(listing.results.total)

    async def drive() -> None:
        app = create_app(library=library, state_path=tmp_path / "state.json")
        async with app.run_test(size=(120, 40)) as pilot:
            assert await wait_for_query(app, pilot, "unique3") == 0
            # `fieldbrief add` in another terminal while the app stays open
            adding = subprocess.Popen(
                command(lib, "add", str(corpus(tmp_path / "c.jsonl", 300))), env=env
            )
            while adding.poll() is None:
                await pilot.press("j")  # the app keeps answering meanwhile
                await pilot.pause(0.05)
            assert adding.returncode == 0
            assert app.is_running
            assert await wait_for_query(app, pilot, "unique3") == 1

    asyncio.run(drive())
    library.close()


def _ids_and_total(lib: Path, env: dict[str, str], query: str) -> tuple[list[str], int]:
    done = subprocess.run(
        command(lib, "search", query, "--json", "--limit", "5000"),
        env=env,
        capture_output=True,
        text=True,
    )
    data = json.loads(done.stdout)
    return [hit["id"] for hit in data["hits"]], data["total"]


def _wait_for_lock_holder(lib: Path, pid: int, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    lock = lib / "write.lock"
    while time.monotonic() < deadline:
        # "(adding articles": the add itself, not the first run's seeding,
        # which takes and releases the lock just before.
        if lock.exists() and f"pid {pid} (adding articles," in lock.read_text("utf-8", "replace"):
            return
        time.sleep(0.02)
    raise AssertionError("the first writer never took the library lock")


def test_concurrent_adds_give_the_same_library_as_sequential_ones(tmp_path: Path) -> None:
    env = child_env(tmp_path / "home")
    first = corpus(tmp_path / "a.jsonl", 1500)
    second = corpus(tmp_path / "b.jsonl", 1500, start=1500)
    sequential = tmp_path / "sequential"
    for data in (first, second):
        subprocess.run(command(sequential, "add", str(data)), env=env, check=True)
    expected_ids, expected_total = _ids_and_total(sequential, env, "troops")

    together = tmp_path / "together"
    one = subprocess.Popen(
        command(together, "add", str(first)), env=env, stderr=subprocess.PIPE, text=True
    )
    _wait_for_lock_holder(together, one.pid)
    two = subprocess.Popen(
        command(together, "add", str(second)), env=env, stderr=subprocess.PIPE, text=True
    )
    _, waited = two.communicate(timeout=300)
    one.communicate(timeout=300)
    assert (one.returncode, two.returncode) == (0, 0), waited
    # The second process says why it is not moving, then does its whole job.
    assert "waiting for pid" in waited and "to finish writing this library" in waited
    ids, total = _ids_and_total(together, env, "troops")
    assert total == expected_total == 3000
    assert len(ids) == len(set(ids)) == total
    assert sorted(ids) == sorted(expected_ids)


_HOLD_LOCK = """
import sys, time
from fieldbrief.search.library import Library
library = Library.open(sys.argv[1], seed=False, fact_extractor=lambda a: [])
with library.writing("a test writer"):
    # What a live add looks like between storing a chunk and indexing it.
    library.store.mark_all_unindexed()
    print("holding", flush=True)
    time.sleep(120)
"""


def test_rows_of_a_live_writer_are_left_to_it_until_it_dies(tmp_path: Path) -> None:
    lib = tmp_path / "lib"
    env = child_env(Path(os.environ["FIELDBRIEF_HOME"]))
    Library.open(lib, seed=True, fact_extractor=no_facts).close()  # the five seeds, indexed
    holder = subprocess.Popen(
        [sys.executable, "-c", _HOLD_LOCK, str(lib)], env=env, stdout=subprocess.PIPE, text=True
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "holding"
        reader = Library.open(lib, fact_extractor=no_facts)
        # Not "crash leftovers": the writer is alive, so the reader neither
        # re-indexes its rows nor waits for it, and still searches.
        assert not any("resumed" in m for m in reader.recovered)
        assert reader.store.unindexed_count() == 5
        assert reader.search("agadez").total == 5
        reader.close()
    finally:
        holder.send_signal(signal.SIGKILL)
        holder.wait()
    # The kernel released the dead writer's lock: the next open resumes at once.
    started = time.monotonic()
    after = Library.open(lib, fact_extractor=no_facts)
    assert time.monotonic() - started < 10
    assert any("resumed indexing of 5 articles" in m for m in after.recovered)
    assert after.store.unindexed_count() == 0
    assert after.search("agadez").total == 5
    after.close()
