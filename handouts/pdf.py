"""Print-ready PDFs with WeasyPrint: clinic header and phone on every page,
the reviewed-by footer, body text at 12pt or more, and a QR code to the web page.

The handout body is the same sanitised fragment as the web page. WeasyPrint gets
a URL fetcher that refuses everything but the clinic's logo file, so rendering
never touches the network.
"""

from __future__ import annotations

import hashlib
import io
import os
from pathlib import Path
from urllib.parse import urljoin

import jinja2

from handouts.drafts import atomic_write
from handouts.exceptions import PublishError
from handouts.render import render

PAPER = {"A4": "A4", "Letter": "letter"}


def page_url(site_url: str, handout_id: str) -> str:
    """The public URL of a handout's web page, from site.url in clinic.yaml."""
    base = site_url if site_url.endswith("/") else site_url + "/"
    return urljoin(base, f"{handout_id}/")


def qr_svg(url: str) -> str:
    """A QR code for `url` as an inline SVG element (no raster library needed)."""
    import qrcode
    import qrcode.image.svg

    img = qrcode.make(url, image_factory=qrcode.image.svg.SvgPathImage, box_size=10, border=2)
    svg = img.to_string(encoding="unicode")
    if svg.startswith("<?xml"):
        svg = svg.split("?>", 1)[1]
    return svg


def _fetcher_for(allowed: dict[str, Path]):
    """A WeasyPrint URL fetcher that serves only the clinic's logo and refuses the rest."""
    from weasyprint.urls import URLFetcher, URLFetcherResponse

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


def render_pdf(env: jinja2.Environment, *, clinic: dict, handout: dict, body_html: str,
               paper: str, site_url: str, logo: Path | None, css: str,
               cache: Path | None = None) -> bytes:
    """The handout as PDF bytes, with a QR code to its web page when `site_url` is set.

    With `cache` (a folder), a PDF whose every input is unchanged (HTML, CSS, logo,
    WeasyPrint version) is reused rather than rendered again: a rebuild with nothing
    changed renders no PDF.
    """
    import weasyprint

    url = page_url(site_url, handout["id"]) if site_url else ""  # no public address: no QR code
    allowed = {"handouts-logo:" + logo.name: logo} if logo else {}
    source = render(
        env, "handout_pdf.html.j2",
        clinic=clinic, h=handout, body=jinja2.utils.markupsafe.Markup(body_html),
        qr=jinja2.utils.markupsafe.Markup(qr_svg(url)) if url else "", url=url,
        logo_src=next(iter(allowed), ""),
    )
    page_css = f"@page {{ size: {PAPER[paper]}; }}\n" + css
    cached = None
    if cache is not None:
        key = hashlib.sha256("\0".join([weasyprint.__version__, source, page_css]).encode("utf-8")
                             + (logo.read_bytes() if logo else b"")).hexdigest()
        cached = Path(cache) / f"{key}.pdf"
        if cached.is_file():
            os.utime(cached)  # marks it as used by this build
            return cached.read_bytes()
    try:
        doc = weasyprint.HTML(string=source, url_fetcher=_fetcher_for(allowed), base_url="handouts-logo:")
        out = io.BytesIO()
        doc.write_pdf(out, stylesheets=[weasyprint.CSS(string=page_css)], pdf_tags=True)
    except Exception as exc:  # WeasyPrint raises many types; the user gets one line
        raise PublishError(f"PDF for {handout['id']}: {type(exc).__name__}: {exc}") from exc
    if cached is not None:
        cached.parent.mkdir(parents=True, exist_ok=True)
        atomic_write(cached, out.getvalue())
    return out.getvalue()
