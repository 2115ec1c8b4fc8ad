"""PDFs are rendered only when their inputs change, the misses in parallel worker processes."""

from __future__ import annotations

import pytest
from pypdf import PdfReader
from sample import clinic_project, item, make_draft

from handouts.core.exceptions import PublishError
from handouts.publish import pdf as pdfs
from handouts.publish import publish as publishing


def _items(n: int):
    return [item(make_draft(f"acne-{i}", f"Acne {i}")) for i in range(n)]


def test_changed_handouts_only_are_rendered_and_in_workers(tmp_path, monkeypatch):
    project = clinic_project(tmp_path)
    site = publishing.publish(project, _items(3))  # 3 misses: rendered by 2 worker processes
    for i in range(3):
        text = "".join(p.extract_text() for p in PdfReader(site / f"acne-{i}" / f"acne-{i}.pdf").pages)
        assert f"Acne {i}" in text

    rendered = []
    real = pdfs.render_job
    monkeypatch.setattr(pdfs, "render_job", lambda job: rendered.append(job.handout_id) or real(job))
    monkeypatch.setenv("HANDOUTS_PDF_WORKERS", "1")  # in this process, so the renders are counted
    publishing.publish(project, _items(3))
    assert rendered == []  # nothing changed: every PDF from the cache

    changed = _items(3)
    changed[1] = item(make_draft("acne-1", "Acne one, revised"))
    site = publishing.publish(project, changed)
    assert rendered == ["acne-1"]
    assert "Acne one, revised" in PdfReader(site / "acne-1" / "acne-1.pdf").pages[0].extract_text()


def test_a_worker_failure_is_one_clean_error(tmp_path, monkeypatch):
    project = clinic_project(tmp_path)

    def broken(job):
        raise PublishError(f"PDF for {job.handout_id}: ValueError: no fonts")

    monkeypatch.setattr(pdfs, "render_job", broken)  # inherited by the forked workers
    with pytest.raises(PublishError, match=r"^PDF for acne-0: ValueError: no fonts$"):
        publishing.publish(project, _items(2))
    assert not (tmp_path / "site").exists() or not any((tmp_path / "site").glob("acne-*"))


def test_the_cache_key_does_not_import_weasyprint():
    import subprocess
    import sys

    code = ("import sys; from handouts.publish.pdf import PdfJob; "
            "PdfJob('x', '<p>x</p>', '', '', None).key(); print('weasyprint' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_the_cache_keeps_every_pdf_the_site_uses_however_many(tmp_path):
    project = clinic_project(tmp_path)
    cache = publishing.pdf_cache(project)
    cache.mkdir(parents=True)
    names = [f"{i:064x}.pdf" for i in range(120)]
    for name in names:
        (cache / name).write_bytes(b"%PDF-1.7")
    used = set(names[:100])  # a library of 100 handouts
    publishing._prune_pdf_cache(project, used, keep=5)
    left = {p.name for p in cache.glob("*.pdf")}
    assert used <= left and len(left) == 105
