"""Sources: what clinicians and the package supply before anything is drafted.

Owns the clinic settings (`config`: site_config/clinic.yaml), the condition
sheets (`sheets`: sources/*.yaml, validated into `Sheet` records) and the shipped
word lists and tokenizer that the checks and drafting share (`lexicon`).

May import: handouts.core.
"""
