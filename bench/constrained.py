"""Constrained vs free generation on the starter sheets (bench/run.py --only grammar).

For an evenly spaced sample of facts (every k-th fact of the sheets, the same sample
every run), the bundled model writes the drafting loop's first candidate (greedy, the
pipeline's prompt and parameters) twice: free, and constrained by the fact's GBNF
grammar (handouts/drafting/grammar.py: only the fact's words and numbers, the lexicon's plain
synonyms for its terms, function words and plain everyday words). Each output goes
through the guard; the figures are the share accepted, the Flesch-Kincaid grade of
the accepted outputs and of all outputs, and the seconds per generation.
"""

from __future__ import annotations

import statistics
import time
from dataclasses import replace

from handouts.checks import check_rewrite
from handouts.checks.readability import readability
from handouts.drafting import grammar
from handouts.drafting.drafting import candidate_params
from handouts.drafting.models import LlamaCppModel, bundled_model_path, params_from
from handouts.drafting.prompts import rewrite_messages


def sample_facts(sheets, sample: int):
    facts = [(s, f) for s in sheets for f in s.facts()]
    step = max(1, len(facts) // sample) if sample else 1
    return facts[::step][:sample] if sample else facts


def measure(project, sheets, sample: int, log=print) -> dict:
    settings = project.settings
    # greedy, as the drafting loop's first candidate; a generous time limit: on a shared
    # machine a constrained generation can take minutes, and a cut-off is not a verdict
    params = replace(candidate_params(params_from(settings), 0), timeout_seconds=900)
    model = LlamaCppModel(bundled_model_path(), n_ctx=settings.model.n_ctx, threads=settings.model.threads)
    picked = sample_facts(sheets, sample)
    rows = {"free": [], "constrained": []}
    try:
        for sheet, fact in picked:
            messages = rewrite_messages(fact.text)
            for mode in ("free", "constrained"):
                t0 = time.perf_counter()
                if mode == "free":
                    gen = model.generate(messages, params)
                else:
                    gen = model.generate_constrained(messages, params, grammar.build(fact.text, sheet.glossary))
                seconds = time.perf_counter() - t0
                text = " ".join(gen.text.split())
                ok = gen.finish_reason != "length" and bool(text) and check_rewrite(
                    fact.text, text, section=fact.section, glossary=sheet.glossary).accepted
                changed = ok and text != fact.text
                grade = readability(text).fk_grade if text else None
                rows[mode].append({"fact": f"{sheet.id}:{fact.id}", "accepted": ok, "changed": changed,
                                   "grade": grade, "seconds": round(seconds, 2), "text": text})
                log(f"  {mode:<11} {sheet.id}:{fact.id:<20} {'accepted' if ok else 'rejected'}  "
                    f"FK {grade if grade is None else round(grade, 1)}  {seconds:.1f}s")
    finally:
        model.close()
    out = {"facts": len(picked), "source_fk_median": round(statistics.median(
        readability(f.text).fk_grade for _, f in picked), 2)}
    for mode, rs in rows.items():
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
