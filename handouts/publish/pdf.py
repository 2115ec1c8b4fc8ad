"""Print-ready PDFs with WeasyPrint: clinic header and phone on every page,
the reviewed-by footer, body text at 12pt or more, and a QR code to the web page.

The handout body is the same sanitised fragment as the web page. WeasyPrint gets
a URL fetcher that refuses everything but the clinic's logo file, so rendering
never touches the network.
"""

from __future__ import annotations

import hashlib
import io
import multiprocessing
import os
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from functools import lru_cache
from importlib.metadata import version
from pathlib import Path
from urllib.parse import urljoin

import jinja2

from handouts.core.exceptions import PublishError
from handouts.core.files import atomic_write
from handouts.publish.render import render

PAPER = {"A4": "A4", "Letter": "letter"}


def page_url(site_url: str, handout_id: str) -> str:
    """The public URL of a handout's web page, from site.url in clinic.yaml."""
    base = site_url if site_url.endswith("/") else site_url + "/"
    return urljoin(base, f"{handout_id}/")


def qr_svg(url: str) -> str:
    """A QR code for `url` as an inline SVG element (no raster library needed)."""
    import qrcode  # deferred for start-up: only a PDF with a QR code needs it
    import qrcode.image.svg  # (same)

    img = qrcode.make(url, image_factory=qrcode.image.svg.SvgPathImage, box_size=10, border=2)
    svg = img.to_string(encoding="unicode")
    if svg.startswith("<?xml"):
        svg = svg.split("?>", 1)[1]
    return svg


def _fetcher_for(allowed: dict[str, Path]):
    """A WeasyPrint URL fetcher that serves only the clinic's logo and refuses the rest."""
    from weasyprint.urls import URLFetcher, URLFetcherResponse  # deferred: WeasyPrint takes about 1.5 s to import

    class LocalOnly(URLFetcher):
        def fetch(self, url, headers=None):
            path = allowed.get(url)
            if path is None:
                raise ValueError(f"refused to fetch {url!r} while rendering a PDF")
            return URLFetcherResponse(url, body=path.read_bytes(),
                                      headers={"Content-Type": _mime(path)})

    return LocalOnly()


def _mime(path: Path) -> str:
    return {".svg": "image/svg+xml", ".png": "image/png", ".jpg": "image/jpeg",
            ".jpeg": "image/jpeg"}.get(path.suffix.lower(), "application/octet-stream")


@dataclass(frozen=True)
class PdfJob:
    """Everything one handout's PDF is made from; `key()` names it in the PDF cache."""

    handout_id: str
    html: str  # the print page, with QR_PLACEHOLDER where the QR code goes
    url: str  # the web page the QR code points at
    page_css: str
    logo: Path | None

    def key(self) -> str:
        h = hashlib.sha256("\0".join([_versions(), self.html, self.url, self.page_css]).encode("utf-8"))
        h.update(self.logo.read_bytes() if self.logo else b"")
        return h.hexdigest()


QR_PLACEHOLDER = "<!--handouts:qr-code-->"


@lru_cache(maxsize=1)
def _versions() -> str:
    """WeasyPrint's and qrcode's versions, read without importing them (WeasyPrint: about 1.5 s)."""
    return f"weasyprint {version('weasyprint')}; qrcode {version('qrcode')}"


def prepare(env: jinja2.Environment, *, clinic: dict, handout: dict, body_html: str,
            paper: str, site_url: str, logo: Path | None, css: str) -> PdfJob:
    """The print page of one handout, ready to render (or to find in the cache)."""
    url = page_url(site_url, handout["id"]) if site_url else ""  # no public address: no QR code
    html = render(
        env, "handout_pdf.html.j2",
        clinic=clinic, h=handout, body=jinja2.utils.markupsafe.Markup(body_html),
        qr=jinja2.utils.markupsafe.Markup(QR_PLACEHOLDER) if url else "", url=url,
        logo_src=f"handouts-logo:{logo.name}" if logo else "",
    )
    return PdfJob(handout["id"], html, url, f"@page {{ size: {PAPER[paper]}; }}\n" + css, logo)


def render_job(job: PdfJob) -> bytes:
    """Render one PDF with WeasyPrint (no network: only the logo may be fetched)."""
    import weasyprint  # deferred: WeasyPrint takes about 1.5 s to import, and cached PDFs never need it

    allowed = {f"handouts-logo:{job.logo.name}": job.logo} if job.logo else {}
    source = job.html.replace(QR_PLACEHOLDER, qr_svg(job.url), 1) if job.url else job.html
    try:
        doc = weasyprint.HTML(string=source, url_fetcher=_fetcher_for(allowed), base_url="handouts-logo:")
        out = io.BytesIO()
        doc.write_pdf(out, stylesheets=[weasyprint.CSS(string=job.page_css)], pdf_tags=True)
    except Exception as exc:  # WeasyPrint raises many types; the user gets one line
        raise PublishError(f"PDF for {job.handout_id}: {type(exc).__name__}: {exc}") from exc
    return out.getvalue()


def _render_in_worker(job: PdfJob) -> tuple[bytes | None, str]:
    try:
        return render_job(job), ""
    except PublishError as exc:  # sent back as text: exceptions need not survive pickling
        return None, exc.message


def workers() -> int:
    """Worker processes for PDF rendering: HANDOUTS_PDF_WORKERS, else one per core."""
    try:
        return max(1, int(os.environ.get("HANDOUTS_PDF_WORKERS", "0"))) \
            if os.environ.get("HANDOUTS_PDF_WORKERS") else (os.cpu_count() or 1)
    except ValueError:
        return os.cpu_count() or 1


def render_all(jobs: list[PdfJob], cache: Path | None = None, n_workers: int | None = None) -> dict[str, Path | bytes]:
    """Every job's PDF: from the cache when its inputs are unchanged, else rendered.

    Returns handout id -> the cached file (with `cache`) or the bytes. Misses are
    rendered in parallel worker processes (`workers()`); a rebuild with nothing
    changed renders none, and a change to one handout renders one.
    """
    out: dict[str, Path | bytes] = {}
    todo: list[tuple[PdfJob, Path | None]] = []
    for job in jobs:
        cached = Path(cache) / f"{job.key()}.pdf" if cache is not None else None
        if cached is not None and cached.is_file():
            os.utime(cached)  # marks it as used by this build
            out[job.handout_id] = cached
        else:
            todo.append((job, cached))
    n = min(n_workers or workers(), len(todo))
    if n > 1:
        with ProcessPoolExecutor(n, mp_context=multiprocessing.get_context("fork")) as pool:
            results = list(pool.map(_render_in_worker, [job for job, _ in todo]))
    else:
        results = [(render_job(job), "") for job, _ in todo]
    for (job, cached), (data, error) in zip(todo, results):
        if data is None:
            raise PublishError(error)
        if cached is not None:
            atomic_write(cached, data)
            out[job.handout_id] = cached
        else:
            out[job.handout_id] = data
    return out


def render_pdf(env: jinja2.Environment, *, clinic: dict, handout: dict, body_html: str,
               paper: str, site_url: str, logo: Path | None, css: str,
               cache: Path | None = None) -> bytes:
    """The handout as PDF bytes, with a QR code to its web page when `site_url` is set.

    With `cache` (a folder), a PDF whose every input is unchanged (HTML, CSS, logo,
    WeasyPrint and qrcode versions) is reused rather than rendered again.
    """
    job = prepare(env, clinic=clinic, handout=handout, body_html=body_html, paper=paper,
                  site_url=site_url, logo=logo, css=css)
    got = render_all([job], cache, n_workers=1)[job.handout_id]
    return got.read_bytes() if isinstance(got, Path) else got
