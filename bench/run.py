#!/usr/bin/env python3
"""Benchmarks for the main job, as ratios against a baseline measured in the same run.

Prints, from one run on a scratch copy of the project:
  1. raw llama-cpp-python tokens/s on the pipeline's own prompts and parameters
     vs the pipeline's tokens/s (drafting wall time, checks included): ratio
  2. cold build time for the starter sheets (no drafts, no cache)
  3. no-change rebuild time vs a bare `mkdocs build` of the same pages: ratio
  4. model calls made by the no-change rebuild (must be 0)
  5. plain language (`--only plain`, no model): on the committed drafts, the share of
     facts by origin (clinician's words unchanged, word swaps, restructured, model
     rewrite, clinician edit), FK and SMOG of each sheet before (the clinician's facts)
     and after (the draft), and the time per fact of the deterministic part of drafting
     (lexicon, sentence rules and the guard on every candidate, model output from the
     provenance cache); the model section adds the cold time per fact with the model
  6. scale (bench/scale.py): a scratch clinic of 3, 100 and 300 handouts (the starters
     copied under new ids, drafts reused, all approved); each command run as a user runs
     it (`python -m handouts ...`), against a bare `mkdocs build` of the same site:
     no-change rebuild, one handout changed and re-approved then rebuilt, `approve`,
     `check` of the whole library, first publish with 1 and 2 PDF workers, peak memory
  7. constrained vs free generation (bench/constrained.py): on an evenly spaced sample of
     the starter facts, the share of greedy outputs the guard accepts and their grade,
     free and constrained by the fact's GBNF grammar (--sample N facts; 0 = all)

Usage: python bench/run.py [--only model|plain|scale|grammar] [--sizes 3 100 300] [--sample 12] [--sheets ...]
                          [--model-lock FILE] [--fluency] [--json]
       python bench/run.py --only grammar --sample 0 --outputs FILE   # all facts; resumable
       python bench/run.py --only grammar --judge FILE                # re-judge saved outputs, no model
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "bench"))

from handouts import pipeline  # noqa: E402
from handouts.core.drafts import load_draft  # noqa: E402
from handouts.drafting.drafting import candidate_params  # noqa: E402
from handouts.drafting.models import Generation, LlamaCppModel, Model, bundled_model_path, params_from  # noqa: E402
from handouts.drafting.prompts import rewrite_messages  # noqa: E402
from handouts.publish import publish  # noqa: E402
from handouts.signoff import signoff  # noqa: E402


class Counting(Model):
    """Wraps the real model to count calls made through the pipeline."""

    def __init__(self, inner: Model):
        self.inner, self.id = inner, inner.id

    @property
    def sha256(self) -> str:
        return self.inner.sha256

    def describe(self) -> dict:
        return self.inner.describe()

    def _generate(self, messages, params) -> Generation:
        return self.inner.generate(messages, params)

    def score_text(self, text):
        return self.inner.score_text(text)

    def generate_constrained(self, messages, params, grammar):
        self.calls += 1
        return self.inner.generate_constrained(messages, params, grammar)


def scratch_project(sheets: list[str]) -> Path:
    root = Path(tempfile.mkdtemp(prefix="handouts-bench-"))
    (root / "sources").mkdir()
    for sid in sheets:
        shutil.copy(REPO / "sources" / f"{sid}.yaml", root / "sources")
    shutil.copytree(REPO / "site_config", root / "site_config")
    return root  # no mkdocs.yml: publishing uses the repository's, as for any clinic folder


def raw_tokens_per_second(model: LlamaCppModel, sheets, params, candidates: int) -> tuple[float, int]:
    """llama-cpp-python called directly with the same prompts and parameters as drafting."""
    llm = model._load()
    tokens, seconds = 0, 0.0
    for sheet in sheets:
        for fact in sheet.facts():
            messages = rewrite_messages(fact.text)
            for i in range(candidates):
                p = candidate_params(params, i)
                t = time.perf_counter()
                out = llm.create_chat_completion(
                    messages=messages, temperature=p.temperature, top_p=p.top_p, top_k=40,
                    repeat_penalty=p.repeat_penalty, max_tokens=p.max_tokens, seed=p.seed)
                seconds += time.perf_counter() - t
                tokens += out["usage"]["completion_tokens"]
    return tokens / seconds, tokens


def bare_mkdocs_seconds(project) -> float:
    """`mkdocs build` of the very pages the pipeline generated, same config, throwaway folder."""
    from mkdocs.commands.build import build
    from mkdocs.config import load_config

    out = Path(tempfile.mkdtemp(prefix="handouts-bench-site-"))
    t = time.perf_counter()
    cfg = load_config(config_file=str(REPO / "mkdocs.yml"), docs_dir=str(publish.docs_dir(project)),
                      site_dir=str(out), strict=True, **publish.branding(project.settings))
    cfg.plugins.on_startup(command="build", dirty=False)
    build(cfg)
    cfg.plugins.on_shutdown()
    seconds = time.perf_counter() - t
    shutil.rmtree(out, ignore_errors=True)
    return seconds


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sheets", nargs="+", default=["acne", "eczema", "melasma"])
    ap.add_argument("--only", choices=["model", "plain", "scale", "grammar"])
    ap.add_argument("--sample", type=int, default=12, help="facts for constrained vs free (0: all)")
    ap.add_argument("--sizes", nargs="+", type=int, default=[3, 100, 300])
    ap.add_argument("--outputs", type=Path, help="constrained vs free: append each generation to this JSONL "
                    "file and resume from it")
    ap.add_argument("--judge", type=Path, help="constrained vs free: judge the outputs saved in this file "
                    "with the current guard (no model)")
    ap.add_argument("--json", action="store_true")
    ap.add_argument("--model-lock", metavar="FILE", default=os.environ.get("HANDOUTS_MODEL_LOCK"),
                    help="scale: hold this file (flock) while drafting the scratch clinic may run the model "
                         "(default $HANDOUTS_MODEL_LOCK)")
    ap.add_argument("--fluency", action="store_true",
                    help="scale: score the scratch clinic's fluency with the model (default: stand-in scores; "
                         "see bench/scale.py stand_in_model)")
    args = ap.parse_args()
    if args.only in (None, "model"):
        model_section(args)
    if args.only in (None, "plain"):
        plain_section(args)
    if args.only in (None, "scale"):
        scale_section(args)
    if args.only in (None, "grammar"):
        grammar_section(args)


def grammar_section(args) -> None:
    import constrained

    say = (lambda *a: print(*a, file=sys.stderr)) if args.json else print
    if args.judge:
        figures = constrained.judge_file(args.judge)
        say(f"constrained vs free generation: {figures['facts']} facts saved in {args.judge}, judged now")
    else:
        root = scratch_project(args.sheets)
        project, sheets = pipeline.load(root)
        say(f"constrained vs free generation: {args.sample or 'all'} facts of {', '.join(args.sheets)} "
            f"(load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores)")
        figures = constrained.measure(project, sheets, args.sample, log=say, outputs=args.outputs)
        shutil.rmtree(root, ignore_errors=True)
    if args.json:
        print(json.dumps({"grammar": figures}, indent=2))
        return
    n = figures["facts"]
    for mode in ("free", "constrained"):
        f = figures[mode]
        print(f"{mode:<12} accepted {f['accepted']}/{n} ({f['acceptance_rate']:.0%}), changed and accepted "
              f"{f['accepted_and_changed']}, FK median accepted {f['fk_median_accepted']} / all "
              f"{f['fk_median_all']} (sources {figures['source_fk_median']}), "
              f"{f['seconds_per_generation']} s per generation")


def _grades(text: str) -> dict:
    from handouts.checks import readability

    r = readability(text)
    return {"fk": round(r.fk_grade, 2), "smog": round(r.smog, 2)}


def plain_section(args) -> None:
    """How the committed drafts were made and how they read; the deterministic cost per fact."""
    import statistics

    from handouts import checks
    from handouts.drafting.drafting import Drafter
    from handouts.core.drafts import Origin, load_provenance
    from handouts.drafting.models import Params

    project, sheets = pipeline.load(REPO, args.sheets)
    per_sheet, origins, facts = [], {o.value: 0 for o in Origin}, 0
    for sheet in sheets:
        d = load_draft(project.drafts, sheet.id)
        for f in d.facts():
            origins[f.origin.value] += 1
        facts += len(d.facts())
        per_sheet.append({"id": sheet.id, "facts": len(d.facts()),
                          "before": _grades("\n".join(f.text for f in sheet.facts())),
                          "after": _grades(d.prose())})

    class Cached(Model):  # the committed model output, by cache key; never generates
        id = "cache"

        def __init__(self, sha: str):
            self._sha = sha

        @property
        def sha256(self) -> str:
            return self._sha

        def describe(self) -> dict:
            return {}

        def _generate(self, messages, params) -> Generation:
            raise RuntimeError("bench: a fact is not in the committed provenance cache")

    t_rules = 0.0
    for sheet in sheets:
        prov = load_provenance(project.drafts, sheet.id)
        params = Params(**{k: v for k, v in prov.params.items() if k in Params.__dataclass_fields__})
        drafter = Drafter(lambda: Cached(prov.model.get("sha256", "")), params,
                          prov.candidates_per_fact or 3, progress=False)
        getattr(checks._check_rewrite, "cache_clear", lambda: None)()  # measure the guard, not its memo
        t0 = time.perf_counter()
        drafter.draft_sheet(sheet, None, prov)
        t_rules += time.perf_counter() - t0
    figures = {
        "facts": facts,
        "origins": {k: {"facts": v, "share": round(v / facts, 3)} for k, v in origins.items()},
        "sheets": per_sheet,
        "median_before": {k: round(statistics.median(s["before"][k] for s in per_sheet), 2) for k in ("fk", "smog")},
        "median_after": {k: round(statistics.median(s["after"][k] for s in per_sheet), 2) for k in ("fk", "smog")},
        "deterministic_seconds_per_fact": round(t_rules / facts, 3) if facts else None,
    }
    if args.json:
        print(json.dumps({"plain": figures}, indent=2))
        return
    print(f"plain language: {facts} facts in the committed drafts")
    for k, v in figures["origins"].items():
        print(f"  {k:<28} {v['facts']:4d}  {v['share']:6.1%}")
    for s in per_sheet:
        print(f"  {s['id']:<10} FK {s['before']['fk']:5.2f} -> {s['after']['fk']:5.2f}   "
              f"SMOG {s['before']['smog']:5.2f} -> {s['after']['smog']:5.2f}")
    print(f"  median     FK {figures['median_before']['fk']:5.2f} -> {figures['median_after']['fk']:5.2f}   "
          f"SMOG {figures['median_before']['smog']:5.2f} -> {figures['median_after']['smog']:5.2f}")
    print(f"  time per fact, lexicon + sentence rules + guard (model output cached): "
          f"{1000 * figures['deterministic_seconds_per_fact']:.0f} ms")


def scale_section(args) -> None:
    import scale

    say = (lambda *a: print(*a, file=sys.stderr)) if args.json else print
    say(f"scale: scratch clinics of {', '.join(map(str, args.sizes))} handouts (load average "
        f"{os.getloadavg()[0]:.1f} on {os.cpu_count()} cores)")
    figures = scale.measure(tuple(args.sizes), log=say, lock=args.model_lock, fluency=args.fluency)
    if args.json:
        print(json.dumps({"scale": figures}, indent=2))
        return
    big = figures["sizes"][max(args.sizes)]
    n = max(args.sizes)
    for size, row in figures["sizes"].items():
        print(f"no-change rebuild at {size:>3}:   {row['no_change_rebuild_seconds']:6.2f} s vs bare mkdocs "
              f"{row['bare_mkdocs_seconds']:.2f} s: {row['no_change_ratio']:.2f}x  (target <= 1.0x)")
    print(f"one changed + re-approved at {n}: {big['one_changed_rebuild_seconds']:6.2f} s: "
          f"{big['one_changed_ratio']:.2f}x  (target <= 2.0x; the changed handout is then "
          f"{big['changed_handout_state']})")
    print(f"approve at {n}:            {big['approve_seconds']:6.2f} s, CPU {big['approve_cpu_seconds']:.2f} s  "
          f"(target <= 0.5 s)")
    print(f"check of {n} handouts:     {big['check_library_seconds']:6.2f} s, CPU {big['check_library_cpu_seconds']:.2f} s  "
          f"(target <= 2 s)")
    print(f"first publish of {n}:      {big['first_publish_2_worker_seconds']:6.2f} s with 2 PDF workers, "
          f"{big['first_publish_1_worker_seconds']:.2f} s with 1: speed-up {big['parallel_pdf_speedup']:.2f}x")
    print(f"peak memory of a build at {n}: {max(big['first_publish_peak_rss_mb'], big['one_changed_peak_rss_mb']):.0f} MB "
          f"(largest process)")
    print(f"load average: {figures['load_average_at_start']} at start, {figures['load_average_at_end']} at end "
          f"({os.cpu_count()} cores)")


def model_section(args) -> None:

    root = scratch_project(args.sheets)
    project, sheets = pipeline.load(root)
    settings = project.settings
    params = params_from(settings)
    real = LlamaCppModel(bundled_model_path(), n_ctx=settings.model.n_ctx, threads=settings.model.threads)
    model = Counting(real)

    # 1 + 2: cold build = the drafting stage (timed on its own for tokens/s) + the rest
    drafter = pipeline.make_drafter(project, model, progress=False)
    t0 = time.perf_counter()
    s = pipeline.draft(project, sheets, drafter)
    draft_wall = time.perf_counter() - t0  # model calls, checks, provenance and files
    result = pipeline.build(root, model=model, progress=False)
    cold = time.perf_counter() - t0
    pipeline_tps = s.tokens / draft_wall if draft_wall else 0.0
    raw_tps, raw_tokens = raw_tokens_per_second(real, sheets, params, settings.model.candidates)

    # approve everything so the rebuild publishes real pages (a throwaway reviewer key)
    from handouts.signoff import reviewers

    key = reviewers.make_key(root / ".bench-key", "Bench Reviewer (throwaway)", passphrase="")
    reviewers.add(project, "Bench Reviewer, MD", Path(f"{key}.pub").read_text(encoding="utf-8"))
    signer = reviewers.find_signer(project, key_file=key)
    for sheet in sheets:
        d = load_draft(project.drafts, sheet.id)
        signoff.approve(project, sheet.id, draft=d, sheet_sha256=sheet.sha256,
                        provenance=pipeline.provenance_for(project, sheet.id),
                        report=result.reports.get(sheet.id), signer=signer)
    pipeline.build(root, model=model, progress=False)

    # 3 + 4: no-change rebuild vs bare mkdocs build of the same pages
    calls_before = model.calls
    t0 = time.perf_counter()
    again = pipeline.build(root, model=model, progress=False)
    rebuild = time.perf_counter() - t0
    calls = model.calls - calls_before
    bare = bare_mkdocs_seconds(project)

    figures = {
        "facts": s.facts,
        "generations": s.model_calls,
        "raw_llama_tokens_per_second": round(raw_tps, 1),
        "pipeline_tokens_per_second": round(pipeline_tps, 1),
        "pipeline_vs_raw_tokens_per_second_ratio": round(pipeline_tps / raw_tps, 3) if raw_tps else None,
        "cold_build_seconds": round(cold, 1),
        "seconds_per_fact_cold": round(draft_wall / s.facts, 2) if s.facts else None,
        "origins": {k: round(v / s.facts, 3) for k, v in s.origins.items()} if s.facts else {},
        "no_change_rebuild_seconds": round(rebuild, 2),
        "bare_mkdocs_build_seconds": round(bare, 2),
        "rebuild_vs_bare_mkdocs_ratio": round(rebuild / bare, 2) if bare else None,
        "no_change_rebuild_model_calls": calls,
        "published": again.published,
    }
    real.close()
    shutil.rmtree(root, ignore_errors=True)
    if args.json:
        print(json.dumps(figures, indent=2))
        return
    print(f"sheets: {', '.join(args.sheets)}  ({s.facts} facts, {s.model_calls} generations)")
    print(f"raw llama-cpp-python:     {figures['raw_llama_tokens_per_second']:8.1f} tok/s")
    print(f"pipeline drafting:        {figures['pipeline_tokens_per_second']:8.1f} tok/s  "
          f"(ratio {figures['pipeline_vs_raw_tokens_per_second_ratio']})")
    print(f"cold build:               {figures['cold_build_seconds']:8.1f} s  "
          f"({figures['seconds_per_fact_cold']} s per fact drafted; "
          + ", ".join(f"{v:.0%} {k}" for k, v in figures["origins"].items()) + ")")
    print(f"no-change rebuild:        {figures['no_change_rebuild_seconds']:8.2f} s")
    print(f"bare mkdocs build:        {figures['bare_mkdocs_build_seconds']:8.2f} s  "
          f"(rebuild/bare ratio {figures['rebuild_vs_bare_mkdocs_ratio']})")
    print(f"model calls on rebuild:   {calls:8d}  (must be 0)")
    if calls:
        sys.exit(1)


if __name__ == "__main__":
    main()
