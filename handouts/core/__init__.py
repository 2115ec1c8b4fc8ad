"""Foundation: what every stage stands on, and nothing of the pipeline.

Owns the error tree (`exceptions`), hardened YAML and file reading with
file:line:col messages (`yamlsafe`), clinician free-text validation
(`textfields`), the persisted memo of pure work (`memo`) and the drafts on disk
with their provenance (`drafts`: the records the stages hand each other).

May import: the standard library and third-party libraries only; no other
handouts package.
"""
