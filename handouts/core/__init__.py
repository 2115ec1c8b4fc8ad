"""Foundation: what every stage stands on, and nothing of the pipeline.

Owns the error tree (`exceptions`), hardened YAML and file reading with
file:line:col messages (`yamlsafe`), clinician free-text validation
(`textfields`), the persisted memo of pure work (`memo`), the drafts on disk
with their provenance (`drafts`: the records the stages hand each other), atomic
writes and the canonical JSON and SHA-256 that approvals are bound to (`files`),
and sentence splitting, the id (slug) rule and the CLI's tables (`text`).

May import: the standard library and third-party libraries only; no other
handouts package.
"""
