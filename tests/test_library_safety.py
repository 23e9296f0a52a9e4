"""A crafted library folder never reaches outside itself, and a swapped index file is never read.

Each case here was a way a library folder someone else prepared could make a
plain ``fieldbrief search`` delete or read files it should not.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from fieldbrief.cli import main
from fieldbrief.search.errors import UnsafeLayoutError
from fieldbrief.search.index import manifest, trust
from fieldbrief.search.library import Library

from .conftest import no_facts


@pytest.fixture
def library_dir(tmp_path: Path, seed_paths: list[Path]) -> Path:
    with Library.open(tmp_path / "lib", seed=False, fact_extractor=no_facts) as library:
        library.add_paths(seed_paths)
    return tmp_path / "lib"


def victim(tmp_path: Path) -> Path:
    folder = tmp_path / "victim"
    (folder / "sub").mkdir(parents=True)
    (folder / "keep.txt").write_text("precious", "utf-8")
    return folder


def assert_intact(folder: Path) -> None:
    assert (folder / "keep.txt").read_text("utf-8") == "precious"
    assert (folder / "sub").is_dir()


@pytest.mark.parametrize("pointer", ["../../victim", "ABSOLUTE", "ix-../../victim", ".."])
def test_current_naming_a_path_is_refused_and_never_deleted(
    library_dir: Path, tmp_path: Path, pointer: str, capsys: pytest.CaptureFixture[str]
) -> None:
    target = victim(tmp_path)
    (library_dir / "CURRENT").write_text(str(target) if pointer == "ABSOLUTE" else pointer, "utf-8")
    assert main(["--library", str(library_dir), "search", "troops"]) == 3
    assert "not an index folder" in capsys.readouterr().err
    assert_intact(target)
    # The fix the message names works, and still deletes nothing outside.
    assert main(["--library", str(library_dir), "index", "--rebuild"]) == 0
    assert_intact(target)
    assert main(["--library", str(library_dir), "search", "troops"]) == 0


def test_symlinked_indexes_folder_is_refused_and_its_target_kept(
    library_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    elsewhere = victim(tmp_path)
    for child in (library_dir / "indexes").iterdir():
        shutil.move(child, elsewhere / child.name)
    (library_dir / "indexes").rmdir()
    (library_dir / "indexes").symlink_to(elsewhere)
    for _ in range(2):  # the second run used to clean up "abandoned" folders there
        assert main(["--library", str(library_dir), "search", "troops"]) == 3
    assert "symbolic link" in capsys.readouterr().err
    assert_intact(elsewhere)
    assert len(list(elsewhere.glob("ix-*"))) == 1
    assert main(["--library", str(library_dir), "index", "--rebuild"]) == 0
    assert not (library_dir / "indexes").is_symlink()
    assert_intact(elsewhere)
    assert len(list(elsewhere.glob("ix-*"))) == 1
    assert main(["--library", str(library_dir), "search", "troops"]) == 0


def test_symlinked_index_folder_is_refused(library_dir: Path, tmp_path: Path) -> None:
    target = victim(tmp_path)
    (library_dir / "indexes" / "ix-evil").symlink_to(target)
    (library_dir / "CURRENT").write_text("ix-evil", "utf-8")
    with pytest.raises(UnsafeLayoutError, match="not a real folder"):
        Library.open(library_dir, seed=False, fact_extractor=no_facts)
    Library.open(library_dir, seed=False, fact_extractor=no_facts, rebuild_untrusted=True).close()
    assert_intact(target)
    assert (library_dir / "indexes" / "ix-evil").is_symlink()  # a link is never followed


def test_abandoned_cleanup_keeps_links_and_foreign_names(library_dir: Path, tmp_path: Path) -> None:
    target = victim(tmp_path)
    (library_dir / "indexes" / "ix-link").symlink_to(target)
    (library_dir / "indexes" / "notes").mkdir()
    (library_dir / "indexes" / "ix-20200101T000000-abcdef").mkdir()  # a real abandoned rebuild
    Library.open(library_dir, seed=False, fact_extractor=no_facts).close()
    names = sorted(p.name for p in (library_dir / "indexes").iterdir())
    assert "ix-link" in names and "notes" in names
    assert "ix-20200101T000000-abcdef" not in names
    assert_intact(target)


def _run_search(library_dir: Path) -> subprocess.CompletedProcess[str]:
    # A subprocess with a timeout: the failure this guards against is a hang.
    return subprocess.run(
        [sys.executable, "-m", "fieldbrief.cli", "--library", str(library_dir), "search", "niger"],
        capture_output=True,
        text=True,
        timeout=120,
        env=os.environ.copy(),
    )


@pytest.mark.parametrize("stray", ["fifo-toc", "dir-toc", "xtoc", "fifo-segment"])
def test_strange_files_among_index_files_neither_hang_nor_crash(
    library_dir: Path, stray: str
) -> None:
    folder = Library.open(library_dir, seed=False, fact_extractor=no_facts).current_index_dir()
    assert folder is not None
    if stray == "fifo-toc":
        os.mkfifo(folder / "_MAIN_99.toc")
    elif stray == "dir-toc":
        (folder / "_MAIN_99.toc").mkdir()
    elif stray == "xtoc":
        # Whoosh's TOC pattern has an unescaped dot: this is generation 99 to it.
        (folder / "_MAIN_99xtoc").write_bytes(b"not a pickle")
    else:
        segment = next(folder.glob("*.seg"))
        segment.unlink()
        os.mkfifo(segment)
    done = _run_search(library_dir)
    assert done.returncode == 0, done.stderr
    assert "rebuilt from the library store" in done.stderr
    assert "Traceback" not in done.stderr
    assert "5 hits" in done.stdout


def test_a_file_swapped_after_verification_is_not_read(library_dir: Path) -> None:
    folder = Library.open(library_dir, seed=False, fact_extractor=no_facts).current_index_dir()
    assert folder is not None
    ix = trust.open_verified(folder)
    toc = next(folder.glob("_MAIN_*.toc"))
    # Same bytes, another file: a swap that a size or digest check alone would miss.
    data = toc.read_bytes()
    toc.unlink()
    toc.write_bytes(data)
    with pytest.raises(trust.DamagedIndexError, match="replaced or changed"):
        ix.searcher()


def test_unverified_files_are_invisible_to_whoosh(library_dir: Path) -> None:
    folder = Library.open(library_dir, seed=False, fact_extractor=no_facts).current_index_dir()
    assert folder is not None
    (folder / "MAIN_planted.seg").write_bytes(b"planted")
    storage = trust.VerifiedStorage(folder, trust.verify(folder))
    assert "MAIN_planted.seg" not in storage.list()
    with pytest.raises(trust.DamagedIndexError, match="not part of the verified index"):
        storage.open_file("MAIN_planted.seg")


def test_index_files_of_another_user_are_foreign(
    library_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = Library.open(library_dir, seed=False, fact_extractor=no_facts).current_index_dir()
    assert folder is not None
    monkeypatch.setattr(manifest, "_euid", lambda: os.geteuid() + 1)
    with pytest.raises(trust.ForeignIndexError, match="another user"):
        trust.verify(folder)
