"""Sign-off: reviewers, their signatures, the audit log and review states.

Owns the reviewer list and SSH signatures (`reviewers`), the append-only,
hash-chained audit log (`audit`), hash-bound approvals and review states
(`signoff`) and the one vocabulary of state words and findings (`labels`).

May import: handouts.core, handouts.sources, handouts.checks (reports and
findings). Not drafting, not publish.
"""
