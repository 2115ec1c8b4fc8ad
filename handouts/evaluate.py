"""`handouts eval-model`: draft sheets into a scratch folder and measure a model.

Nothing in drafts/ or signoffs/ is touched. The scratch folder is deleted at the end,
unless the drafts are kept in a folder of the user's choosing (`--keep DIR`). Clinics use it to compare the bundled
model with a bigger one before switching.
"""

from __future__ import annotations

import statistics
import tempfile
from collections import defaultdict
from pathlib import Path

from handouts import checks
from handouts.core.drafts import Origin, save_draft, save_provenance
from handouts.core.text import table
from handouts.pipeline import make_drafter


def _grade(text: str) -> tuple[float | None, float | None]:
    try:
        r = checks.readability(text)
        return r.fk_grade, r.smog
    except ValueError:
        return None, None


def _median(values):
    values = [v for v in values if v is not None]
    return round(statistics.median(values), 2) if values else None


def evaluate(project, sheets, model=None, scratch: Path | None = None, progress: bool = True) -> dict:
    """Draft `sheets` with `model` and measure it. The drafts are written to `scratch` and kept
    there; without one, to a temporary folder that is deleted before this returns."""
    if scratch is not None:
        return _evaluate(project, sheets, model, Path(scratch), progress, kept=True)
    with tempfile.TemporaryDirectory(prefix="handouts-eval-") as tmp:
        return _evaluate(project, sheets, model, Path(tmp), progress, kept=False)


def _evaluate(project, sheets, model, scratch: Path, progress: bool, kept: bool) -> dict:
    scratch.mkdir(parents=True, exist_ok=True)
    drafter = make_drafter(project, model, progress=progress)
    per_section = defaultdict(lambda: [0, 0])  # section -> [simplified, facts]
    cand = [0, 0]  # accepted candidates, candidates
    before, after, handouts = [], [], []
    for sheet in sheets:
        d, prov = drafter.draft_sheet(sheet, None, None)
        save_draft(scratch, d)
        save_provenance(scratch, prov)
        for rec in prov.facts.values():
            per_section[rec.section][1] += 1
            per_section[rec.section][0] += rec.origin is Origin.MODEL
            model_cands = [c for c in rec.candidates if c.kind == "model"]
            cand[1] += len(model_cands)
            cand[0] += sum(c.accepted for c in model_cands)
        src_fk, src_smog = _grade("\n".join(f.text for f in sheet.facts()))
        out_fk, out_smog = _grade(d.prose())
        before.append((src_fk, src_smog))
        after.append((out_fk, out_smog))
        facts = d.facts()
        handouts.append({
            "id": sheet.id,
            "facts": len(facts),
            "simplified": sum(f.origin is Origin.MODEL for f in facts),
            "origins": {o.value: n for o in Origin if (n := sum(f.origin is o for f in facts))},
            "grade_before": {"fk": src_fk, "smog": src_smog},
            "grade_after": {"fk": out_fk, "smog": out_smog},
        })
    s = drafter.stats
    model_info = drafter.model.describe() if drafter._model is not None else {}
    return {
        "model": model_info,
        "scratch": str(scratch) if kept else None,
        "tokens_per_second": round(s.tokens_per_second, 1),
        "model_calls": s.model_calls,
        "facts": s.facts,
        "acceptance_rate": round(s.of(Origin.MODEL) / s.facts, 3) if s.facts else 0.0,
        "candidate_acceptance_rate": round(cand[0] / cand[1], 3) if cand[1] else 0.0,
        "origins": {k: round(v / s.facts, 3) for k, v in s.origins.items()} if s.facts else {},
        "per_section": {k: {"simplified": v[0], "facts": v[1], "rate": round(v[0] / v[1], 3)}
                        for k, v in sorted(per_section.items())},
        "median_grade_before": {"fk": _median(b[0] for b in before), "smog": _median(b[1] for b in before)},
        "median_grade_after": {"fk": _median(a[0] for a in after), "smog": _median(a[1] for a in after)},
        "handouts": handouts,
    }


def format_evaluation(ev: dict) -> str:
    lines = [
        f"model: {ev['model'].get('id', '?')} ({ev['model'].get('sha256', '')[:12]})",
        f"drafts kept in: {ev['scratch']}" if ev["scratch"] else "drafts: not kept (--keep DIR keeps them)",
        f"tokens/s: {ev['tokens_per_second']}   model calls: {ev['model_calls']}",
        f"facts: {ev['facts']}   model rewrite kept: {ev['acceptance_rate']:.0%}   "
        f"candidates accepted: {ev['candidate_acceptance_rate']:.0%}",
        "how the texts were made: " + (", ".join(f"{v:.0%} {k}" for k, v in ev["origins"].items()) or "-"),
        f"median grade before: FK {ev['median_grade_before']['fk']}  SMOG {ev['median_grade_before']['smog']}",
        f"median grade after:  FK {ev['median_grade_after']['fk']}  SMOG {ev['median_grade_after']['smog']}",
        "",
        table([[sec, v["simplified"], v["facts"], f"{v['rate']:.0%}"] for sec, v in ev["per_section"].items()],
              ["section", "accepted", "facts", "rate"], ["left", "right", "right", "right"]),
        "",
    ]
    for h in ev["handouts"]:
        lines.append(f"{h['id']:<12} {h['simplified']}/{h['facts']} simplified; FK {h['grade_before']['fk']} -> "
                     f"{h['grade_after']['fk']}, SMOG {h['grade_before']['smog']} -> {h['grade_after']['smog']}")
    return "\n".join(lines)
