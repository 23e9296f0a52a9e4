#!/usr/bin/env python3
"""Evaluate the entity tagger: entity-level P/R/F1 (exact span, conlleval-style).

Reports PER, ORG, LOC and micro scores on ``../shared/eval/conll2003-dev.txt``
(4-column CoNLL-2003, ``-DOCSTART-`` skipped) and on the held-out modern sets
``uner-pud`` and ``gum-test`` (2-column ``token TAG``). Gold MISC counts as ``O``.
Also reports tagging speed on one core (features + CRF decoding, pre-tokenised)
and end-to-end ``entities()`` speed on raw text (splitting + tokenising + tagging).

``--pipeline`` scores what users get instead of the raw tagger: each set is
rebuilt as plain-text documents (CoNLL ``-DOCSTART-`` documents; the 2-column
sets in blocks of 20 consecutive sentences), one sentence per line with its
tokens joined by spaces, and run through ``extract_facts`` (the function behind
``fieldbrief facts --jsonl``). Its person / organization / place facts are
compared with the gold spans by exact character offsets, so a title left in a
name or a place cut short counts as a miss and a false alarm. Speed is then end
to end: sentences per CPU second through ``extract_facts`` (all fact kinds).
Prints JSON.

``--pipeline --cli`` runs the same documents through ``fieldbrief facts
--jsonl`` as a separate process (no speed figure then): the scores must be
the same.

``--own`` also scores ``tools/eval_data/dates.txt`` (dates marked with the value
each should resolve to against the document's publication date: found by
overlap, and ``value_accuracy``), and ``tools/eval_data/newswire.txt``, newswire-style text written
for this project (invented events; organisations and figures marked up by
hand), through ``extract_facts``: organisations by exact span, figures by
overlap with the marked span and the same number (``value``, ``low`` for a
range or a vague figure, or ``orig_value``, the number as written, for a
converted measure).

Usage::

    python tools/eval_ner.py [--model PATH] [--sets NAME ...] [--pipeline [--cli]] [--own]
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import re
import sys
import time
from collections.abc import Iterable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(Path(__file__).resolve().parent))

from train_ner import read_iob  # noqa: E402

try:
    from fieldbrief.search.facts.extract import extract_facts
    from fieldbrief.search.facts.ner import LABELS, EntityTagger, spans_from_iob
except ModuleNotFoundError:  # source checkout without an install
    sys.path.insert(0, str(ROOT))
    from search.facts.extract import extract_facts
    from search.facts.ner import LABELS, EntityTagger, spans_from_iob

EVAL = ROOT.parent / "shared" / "eval"
DEFAULT_SETS = {
    "conll2003-dev": EVAL / "conll2003-dev.txt",
    "uner-pud": EVAL / "ner-train" / "uner-pud.txt",
    "gum-test": EVAL / "ner-train" / "gum-test.txt",
}
OPTIONAL_SETS = {
    "gum-dev": EVAL / "ner-train" / "gum-dev.txt",
}
ALL_SETS = {**DEFAULT_SETS, **OPTIONAL_SETS}


def _prf(tp: int, n_pred: int, n_gold: int) -> dict[str, float | int]:
    p = tp / n_pred if n_pred else 0.0
    r = tp / n_gold if n_gold else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return {
        "precision": round(p, 4),
        "recall": round(r, 4),
        "f1": round(f, 4),
        "gold": n_gold,
        "pred": n_pred,
    }


Span = tuple[str, int, int]


def tally(pairs: Iterable[tuple[set[Span], set[Span]]]) -> dict[str, dict[str, float | int]]:
    """Per-label and micro P/R/F1 over (gold spans, predicted spans) pairs."""
    tp = dict.fromkeys(LABELS, 0)
    n_pred = dict.fromkeys(LABELS, 0)
    n_gold = dict.fromkeys(LABELS, 0)
    for gold, pred in pairs:
        for t, _, _ in gold:
            n_gold[t] += 1
        for t, _, _ in pred:
            n_pred[t] += 1
        for t, _, _ in gold & pred:
            tp[t] += 1
    out = {t: _prf(tp[t], n_pred[t], n_gold[t]) for t in LABELS}
    out["micro"] = _prf(sum(tp.values()), sum(n_pred.values()), sum(n_gold.values()))
    return out


def score(gold: list[list[str]], pred: list[list[str]]) -> dict[str, dict[str, float | int]]:
    return tally(
        (set(spans_from_iob(g)), set(spans_from_iob(p))) for g, p in zip(gold, pred, strict=True)
    )


_KIND_LABEL = {"person": "PER", "organization": "ORG", "place": "LOC"}
LABEL_KIND = {v: k for k, v in _KIND_LABEL.items()}
_BLOCK = 20


def read_documents(path: Path) -> list[list[tuple[list[str], list[str]]]]:
    """Sentences grouped into documents: ``-DOCSTART-`` ones, else blocks of 20."""
    docs: list[list[tuple[list[str], list[str]]]] = []
    has_docstart = "-DOCSTART-" in path.read_text(encoding="utf-8")[:200]
    if has_docstart:
        cur: list[tuple[list[str], list[str]]] = []
        toks: list[str] = []
        labs: list[str] = []
        with path.open(encoding="utf-8") as fh:
            for line in fh:
                if line.startswith("-DOCSTART-"):
                    if cur:
                        docs.append(cur)
                    cur = []
                    continue
                if not line.strip():
                    if toks:
                        cur.append(_repair(toks, labs))
                    toks, labs = [], []
                    continue
                parts = line.rstrip("\n").split(" ")
                toks.append(parts[0])
                labs.append(parts[-1])
        if toks:
            cur.append(_repair(toks, labs))
        if cur:
            docs.append(cur)
        return docs
    sents = list(read_iob(path))
    return [sents[i : i + _BLOCK] for i in range(0, len(sents), _BLOCK)]


def _repair(toks: list[str], labs: list[str]) -> tuple[list[str], list[str]]:
    """MISC to ``O`` and IOB2 repair, as ``read_iob`` does."""
    out: list[str] = []
    for tag in labs:
        typ = tag[2:] if tag[:2] in ("B-", "I-") else ""
        if typ not in LABELS:
            tag = "O"
        elif tag[0] == "I" and (not out or out[-1][2:] != typ):
            tag = "B-" + typ
        out.append(tag)
    return toks, out


def document_text(
    doc: list[tuple[list[str], list[str]]],
) -> tuple[str, set[tuple[str, int, int]]]:
    """A document as text (one sentence a line) and its gold ``(type, start, end)`` spans."""
    lines: list[str] = []
    gold: set[tuple[str, int, int]] = set()
    pos = 0
    for toks, labs in doc:
        offs = []
        p = pos
        for t in toks:
            offs.append((p, p + len(t)))
            p += len(t) + 1
        for typ, a, b in spans_from_iob(labs):
            gold.add((typ, offs[a][0], offs[b - 1][1]))
        line = " ".join(toks)
        lines.append(line)
        pos += len(line) + 1
    return "\n".join(lines), gold


def cli_facts(texts: list[str]) -> list[list[tuple[str, int, int]]]:
    """``(kind, start, end)`` of each text's facts from ``fieldbrief facts --jsonl``
    run as a separate process (the user's path, JSON and all)."""
    import os
    import subprocess
    import tempfile

    lines = "".join(json.dumps({"id": str(i), "text": t}) + "\n" for i, t in enumerate(texts))
    with tempfile.TemporaryDirectory() as home:
        env = {**os.environ, "FIELDBRIEF_HOME": home}
        out = subprocess.run(
            [sys.executable, "-m", "fieldbrief", "facts", "--jsonl"],
            input=lines,
            capture_output=True,
            text=True,
            env=env,
            check=True,
        ).stdout
    got: dict[str, list[tuple[str, int, int]]] = {}
    for line in out.splitlines():
        rec = json.loads(line)
        got[rec["id"]] = [(f["kind"], f["start"], f["end"]) for f in rec["facts"]]
    return [got[str(i)] for i in range(len(texts))]


def score_pipeline(
    docs: list[list[tuple[list[str], list[str]]]], tagger: EntityTagger, cli: bool = False
) -> tuple[dict[str, dict[str, float | int]], float]:
    """Entity P/R/F1 of ``extract_facts`` on ``docs`` and its sentences per CPU second
    (with ``cli``, of ``fieldbrief facts --jsonl``; no speed then)."""
    texts = [document_text(d) for d in docs]
    if cli:
        found = cli_facts([t for t, _ in texts])
        return tally(
            (gold, {(_KIND_LABEL[k], s, e) for k, s, e in facts if k in _KIND_LABEL})
            for (_, gold), facts in zip(texts, found, strict=True)
        ), 0.0
    # Warm up (model, gazetteers, GeoNames tables load once per process).
    extract_facts(texts[0][0] if texts else "", None, tagger=tagger)
    t0 = time.process_time()
    results = [extract_facts(text, None, tagger=tagger) for text, _ in texts]
    elapsed = time.process_time() - t0
    out = tally(
        (gold, {(_KIND_LABEL[f.kind], f.start, f.end) for f in facts if f.kind in _KIND_LABEL})
        for (_, gold), facts in zip(texts, results, strict=True)
    )
    n_sent = sum(len(d) for d in docs)
    return out, n_sent / elapsed if elapsed else 0.0


OWN = Path(__file__).resolve().parent / "eval_data" / "newswire.txt"
_MARK = re.compile(r"\[\[(?P<org>[^\]]+)\]\]|\{\{(?P<fig>[^|}]+)\|(?P<val>[^}]+)\}\}")


def _blocks(path: Path) -> list[str]:
    """The documents of a hand-marked eval file: '#' lines are comments, '---' separates."""
    raw = "\n".join(
        line for line in path.read_text(encoding="utf-8").splitlines() if not line.startswith("#")
    )
    stripped = (block.strip("-\n") for block in raw.split("\n---\n"))
    return [block for block in stripped if block.strip()]


def read_marked(
    path: Path = OWN,
) -> list[tuple[str, set[tuple[int, int]], list[tuple[int, int, float]]]]:
    """Documents of the marked-up file: text, organisation spans, figure spans with values."""
    docs = []
    for block in _blocks(path):
        out: list[str] = []
        orgs: set[tuple[int, int]] = set()
        figures: list[tuple[int, int, float]] = []
        pos = 0
        n = 0
        for m in _MARK.finditer(block):
            out.append(block[pos : m.start()])
            n += m.start() - pos
            inner = m.group("org") or m.group("fig")
            if m.group("org"):
                orgs.add((n, n + len(inner)))
            else:
                figures.append((n, n + len(inner), float(m.group("val"))))
            out.append(inner)
            n += len(inner)
            pos = m.end()
        out.append(block[pos:])
        docs.append(("".join(out), orgs, figures))
    return docs


DATES = Path(__file__).resolve().parent / "eval_data" / "dates.txt"
_DATE_MARK = re.compile(r"<<(?P<span>[^|>]+)\|(?P<val>[^>]+)>>")


def read_dates(
    path: Path = DATES,
) -> list[tuple[str, dt.date | None, list[tuple[int, int, str | None]]]]:
    """Documents of the dates file: text, publication date, marked dates with the
    value each should resolve to (``-``: none, as for an undated article)."""
    docs = []
    for block in _blocks(path):
        head, _, body = block.partition("\n")
        if not head.startswith("@ "):
            raise ValueError(f"a dates document must start with '@ DATE': {head!r}")
        stamp = head[2:].strip()
        published = None if stamp == "none" else dt.date.fromisoformat(stamp)
        out: list[str] = []
        gold: list[tuple[int, int, str | None]] = []
        pos = n = 0
        for m in _DATE_MARK.finditer(body):
            out.append(body[pos : m.start()])
            n += m.start() - pos
            span = m.group("span")
            value = m.group("val")
            gold.append((n, n + len(span), None if value == "-" else value))
            out.append(span)
            n += len(span)
            pos = m.end()
        out.append(body[pos:])
        docs.append(("".join(out), published, gold))
    return docs


def score_dates(tagger: EntityTagger) -> dict[str, float | int]:
    """Dates of ``extract_facts`` against ``dates.txt``: found by overlap (each
    prediction used once), and how many of the found have the expected value."""
    found = n_gold = n_pred = good = right = 0
    for text, published, gold in read_dates():
        pred = [f for f in extract_facts(text, published, tagger=tagger) if f.kind == "date"]
        used: set[int] = set()
        for s, e, want in gold:
            n_gold += 1
            hit = next(
                (i for i, f in enumerate(pred) if i not in used and f.start < e and s < f.end), -1
            )
            if hit >= 0:
                used.add(hit)
                found += 1
                right += pred[hit].value == want
        n_pred += len(pred)
        good += sum(1 for f in pred if any(f.start < e and s < f.end for s, e, _ in gold))
    out = _prf(found, n_pred, n_gold)
    # Precision counts predictions that overlap a marked date.
    p = good / n_pred if n_pred else 0.0
    r = out["recall"]
    out["precision"] = round(p, 4)
    out["f1"] = round(2 * p * r / (p + r), 4) if p + r else 0.0
    out["value_accuracy"] = round(right / n_gold, 4) if n_gold else 0.0
    return out


def score_own(tagger: EntityTagger) -> dict[str, dict[str, float | int]]:
    tp_o = n_po = n_go = tp_f = n_pf = n_gf = 0
    # The text was written by the author of the organisation table, so many of its
    # names are in the table: recall on the others says what the tagger and the
    # document rules do on their own.
    try:
        from fieldbrief.search.facts.orgs import lookup
    except ImportError:  # an older checkout without the table

        def lookup(name: str) -> object:
            return None

    tp_new = n_new = 0
    for text, orgs, figures in read_marked():
        facts = extract_facts(text, None, tagger=tagger)
        pred_o = {(f.start, f.end) for f in facts if f.kind == "organization"}
        for s, e in orgs:
            if lookup(text[s:e]) is None:
                n_new += 1
                tp_new += (s, e) in pred_o
        tp_o += len(pred_o & orgs)
        n_po += len(pred_o)
        n_go += len(orgs)
        pred_f = [f for f in facts if f.kind == "figure"]
        n_pf += len(pred_f)
        n_gf += len(figures)
        for s, e, v in figures:
            for f in pred_f:
                # The stated number: a converted measure ("11,000 feet" is 3.35 km)
                # keeps it as ``orig_value``.
                got = [x for x in (f.value, f.low, f.orig_value) if x is not None]
                if f.start < e and f.end > s and any(abs(float(x) - v) < 1e-6 for x in got):
                    tp_f += 1
                    break
    return {
        "ORG": _prf(tp_o, n_po, n_go),
        "ORG_not_in_table": {"recall": round(tp_new / n_new, 4) if n_new else 0.0, "gold": n_new},
        "figures": _prf(tp_f, n_pf, n_gf),
    }


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--model", type=Path, default=None, help="default: the shipped model")
    ap.add_argument(
        "--sets",
        nargs="*",
        default=list(DEFAULT_SETS),
        help=f"any of {sorted(DEFAULT_SETS) + sorted(OPTIONAL_SETS)}",
    )
    ap.add_argument("--no-speed", action="store_true")
    ap.add_argument("--pipeline", action="store_true", help="score extract_facts (what users get)")
    ap.add_argument(
        "--cli",
        action="store_true",
        help="with --pipeline: run the sets through `fieldbrief facts --jsonl` as a process",
    )
    ap.add_argument(
        "--own", action="store_true", help="also score tools/eval_data/newswire.txt (pipeline)"
    )
    args = ap.parse_args(argv)

    tagger = EntityTagger.load(args.model)
    result: dict[str, object] = {"model": str(tagger.path), "bytes": tagger.path.stat().st_size}
    if args.own:
        result["newswire-own"] = score_own(tagger)
        result["dates-own"] = score_dates(tagger)
    all_paths = {**DEFAULT_SETS, **OPTIONAL_SETS}
    if args.pipeline:
        speeds = {}
        for name in args.sets:
            scores, per_s = score_pipeline(read_documents(all_paths[name]), tagger, cli=args.cli)
            result[name] = scores
            speeds[name] = round(per_s)
        if args.cli:
            result["via"] = "fieldbrief facts --jsonl (subprocess)"
            print(json.dumps(result, indent=2))
            return 0
        result["speed"] = {
            "extract_facts_sentences_per_s": speeds,
            "clock": "process CPU time, one thread (text -> all facts)",
        }
        print(json.dumps(result, indent=2))
        return 0
    for name in args.sets:
        data = list(read_iob(all_paths[name]))
        gold = [labs for _, labs in data]
        pred = [tagger.tag(toks) for toks, _ in data]
        result[name] = score(gold, pred)

    if not args.no_speed:
        data = list(read_iob(DEFAULT_SETS["conll2003-dev"]))
        sents = [toks for toks, _ in data]
        n_tok = sum(map(len, sents))
        # CPU time of this process: a one-core figure even on a busy machine.
        t0 = time.process_time()
        for s in sents:
            tagger.tag(s)
        dt = time.process_time() - t0
        speed: dict[str, object] = {
            "tag_sentences_per_s": round(len(sents) / dt),
            "tag_tokens_per_s": round(n_tok / dt),
            "tag_corpus": "conll2003-dev (pre-tokenised, warm word cache)",
            "clock": "process CPU time, one thread",
        }
        seeds = sorted((ROOT / "seeds").glob("*.txt"))
        if seeds:
            from importlib import import_module

            tok_mod = import_module(EntityTagger.__module__.rsplit(".", 1)[0] + ".tokenize")
            text = "\n\n".join(p.read_text(encoding="utf-8") for p in seeds)
            spans = tok_mod.sentences(text)
            reps = max(1, 5000 // max(1, len(spans)))
            t0 = time.process_time()
            for _ in range(reps):
                tagger.entities(text)
            dt = time.process_time() - t0
            speed["entities_sentences_per_s"] = round(reps * len(spans) / dt)
            speed["entities_corpus"] = f"seeds/*.txt x{reps} (split + tokenise + tag)"
        result["speed"] = speed
    print(json.dumps(result, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
