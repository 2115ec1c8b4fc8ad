"""Drafting: a sheet becomes a draft, fact by fact, with full provenance.

Owns the model backends behind one small interface (`models`), the prompt
(`prompts`), the constrained-generation grammar (`grammar`), the fluency score
(`fluency`), the deterministic plain-language rules (`simplify`) and the
drafter that chooses, per fact, the best candidate the checks accept
(`drafting`). The checks judge candidates here, so they sit below drafting.

May import: handouts.core, handouts.sources, handouts.checks.
"""
