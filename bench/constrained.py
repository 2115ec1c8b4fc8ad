"""Constrained vs free generation on the starter sheets (bench/run.py --only grammar).

For an evenly spaced sample of facts (every k-th fact of the sheets, the same sample
every run), the bundled model writes the drafting loop's first candidate (greedy, the
pipeline's prompt and parameters) twice: free, and constrained by the fact's GBNF
grammar (handouts/drafting/grammar.py: only the fact's words and numbers, the lexicon's plain
synonyms for its terms, function words and plain everyday words). Each output goes
through the guard; the figures are the share accepted, the Flesch-Kincaid grade of
the accepted outputs and of all outputs, and the seconds per generation.

With `outputs` (bench/run.py --outputs FILE), every generation is appended to FILE as
one JSON line as soon as it is made, and a fact already in FILE is not generated again:
a run cut short resumes where it stopped. All facts (--sample 0) are taken in an order
whose every prefix is spread evenly over the sheets (every 10th fact first), so a run
stopped early is still a fair sample. `judge` scores saved outputs with the current
guard, no model needed (bench/run.py --only grammar --judge FILE).
"""

from __future__ import annotations

import json
import statistics
import time
from dataclasses import replace
from pathlib import Path

from handouts.checks import check_rewrite
from handouts.checks.readability import readability
from handouts.drafting import grammar
from handouts.drafting.drafting import candidate_params
from handouts.drafting.models import LlamaCppModel, bundled_model_path, params_from
from handouts.drafting.prompts import rewrite_messages


def sample_facts(sheets, sample: int):
    facts = [(s, f) for s in sheets for f in s.facts()]
    if not sample:  # all, every 10th fact first: any prefix is spread over the sheets
        return [facts[i] for i in sorted(range(len(facts)), key=lambda i: (i % 10, i))]
    step = max(1, len(facts) // sample)
    return facts[::step][:sample]


def _saved(outputs: Path | None) -> list[dict]:
    if outputs is None or not outputs.exists():
        return []
    return [json.loads(line) for line in outputs.read_text(encoding="utf-8").splitlines() if line.strip()]


def measure(project, sheets, sample: int, log=print, outputs: Path | None = None) -> dict:
    settings = project.settings
    # greedy, as the drafting loop's first candidate; a generous time limit: on a shared
    # machine a constrained generation can take minutes, and a cut-off is not a verdict
    params = replace(candidate_params(params_from(settings), 0), timeout_seconds=900)
    picked = sample_facts(sheets, sample)
    saved = {(r["fact"], r["mode"]): r for r in _saved(outputs)}
    todo = [(sheet, fact) for sheet, fact in picked
            if any((f"{sheet.id}:{fact.id}", mode) not in saved for mode in ("free", "constrained"))]
    rows = [r for r in saved.values() if r["fact"] in {f"{s.id}:{f.id}" for s, f in picked}]
    if todo:
        model = LlamaCppModel(bundled_model_path(), n_ctx=settings.model.n_ctx, threads=settings.model.threads)
        try:
            for sheet, fact in todo:
                messages = rewrite_messages(fact.text)
                for mode in ("free", "constrained"):
                    if (f"{sheet.id}:{fact.id}", mode) in saved:
                        continue
                    t0 = time.perf_counter()
                    if mode == "free":
                        gen = model.generate(messages, params)
                    else:
                        gen = model.generate_constrained(messages, params, grammar.build(fact.text, sheet.glossary))
                    row = {"fact": f"{sheet.id}:{fact.id}", "mode": mode, "source": fact.text,
                           "section": fact.section, "glossary": dict(sheet.glossary or {}),
                           "text": " ".join(gen.text.split()), "finish_reason": gen.finish_reason,
                           "seconds": round(time.perf_counter() - t0, 2)}
                    rows.append(row)
                    if outputs is not None:
                        with outputs.open("a", encoding="utf-8") as fh:
                            fh.write(json.dumps(row, ensure_ascii=False) + "\n")
                    v = _judged(row)
                    log(f"  {mode:<11} {row['fact']:<26} {'accepted' if v['accepted'] else 'rejected'}  "
                        f"FK {v['grade'] if v['grade'] is None else round(v['grade'], 1)}  {row['seconds']:.1f}s")
        finally:
            model.close()
    return judge(rows)


def _judged(row: dict) -> dict:
    text = row["text"]
    ok = row["finish_reason"] != "length" and bool(text) and check_rewrite(
        row["source"], text, section=row["section"], glossary=row.get("glossary") or None).accepted
    return {**row, "accepted": ok, "changed": ok and text != row["source"],
            "grade": readability(text).fk_grade if text else None}


def judge(rows: list[dict]) -> dict:
    """The figures for saved outputs (one row per fact and mode), judged by the current guard.
    Only facts with both outputs count, so the two modes are compared on the same facts."""
    by_fact: dict[str, dict[str, dict]] = {}
    for r in rows:
        by_fact.setdefault(r["fact"], {})[r["mode"]] = r
    both = {f: m for f, m in by_fact.items() if {"free", "constrained"} <= set(m)}
    sources = {f: m["free"]["source"] for f, m in both.items()}
    out = {"facts": len(both), "source_fk_median": round(statistics.median(
        readability(s).fk_grade for s in sources.values()), 2) if both else None}
    for mode in ("free", "constrained"):
        rs = [_judged(m[mode]) for m in both.values()]
        acc = [r for r in rs if r["accepted"]]
        out[mode] = {
            "accepted": len(acc),
            "accepted_and_changed": sum(r["changed"] for r in rs),
            "acceptance_rate": round(len(acc) / len(rs), 3) if rs else None,
            "fk_median_accepted": round(statistics.median(r["grade"] for r in acc), 2) if acc else None,
            "fk_median_all": round(statistics.median(r["grade"] for r in rs if r["grade"] is not None), 2)
            if rs else None,
            "seconds_per_generation": round(statistics.mean(r["seconds"] for r in rs), 2) if rs else None,
            "outputs": rs,
        }
    return out


def judge_file(outputs: Path) -> dict:
    return judge(_saved(outputs))
