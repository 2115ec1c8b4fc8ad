"""Publish: approved drafts become the mkdocs site and PDFs, swapped in atomically.

Owns page rendering (`render`), PDFs (`pdf`), the built-site scan
(`sitescan`), the mkdocs hook (`mkdocs_hooks`), release manifests and the audit
anchor (`releases`) and the build-verify-swap of site/ (`publish`).

May import: handouts.core, handouts.sources, handouts.checks, handouts.signoff.signoff.
Not drafting.
"""
