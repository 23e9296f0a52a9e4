"""The least a cold Whoosh search can cost: one process, nothing but Whoosh.

    python bench/steps.py whoosh-raw --dir /tmp/raw22k --reps 0 CORPUS…   # the index (once)
    hyperfine -N 'python bench/whoosh_floor.py /tmp/raw22k oil' 'rg -il -F oil /tmp/files22k'

Opens a raw Whoosh index (plain schema: id, title and body, Whoosh's own
stemming analyzer) and prints the ids of the 20 best hits for a query parsed
as ``fieldbrief search`` parses words (title and body, AND). No argument
parser, no library, no index seal, no snippets, no JSON: whatever a
Whoosh-based command adds to this, it cannot go below it. With ``--lean``,
Whoosh is imported through ``search/whooshload.py`` (its download helper,
English morphology and phonetic modules left out, as fieldbrief does).
"""

from __future__ import annotations

import sys

if "--lean" in sys.argv:
    sys.argv.remove("--lean")
    import fieldbrief.search.whooshload  # noqa: F401

from whoosh import index, qparser


def main() -> None:
    folder, text = sys.argv[1], sys.argv[2]
    ix = index.open_dir(folder)
    with ix.searcher() as searcher:
        parser = qparser.MultifieldParser(["title", "body"], ix.schema, group=qparser.AndGroup)
        results = searcher.search(parser.parse(text), limit=20)
        print(len(results), " ".join(hit["id"] for hit in results))


if __name__ == "__main__":
    main()
