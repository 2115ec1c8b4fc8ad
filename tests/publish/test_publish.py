"""Publishing: the site built from approved handouts, its pages, branding and config."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import pytest
import yaml

sys.path.insert(0, str(Path(__file__).parent))

from sample import REPO, approve, clinic_project, item, make_draft  # noqa: E402

from handouts.core.exceptions import PublishError  # noqa: E402
from handouts.publish.publish import PublishItem, publish  # noqa: E402
from handouts.publish.render import contrast, palette  # noqa: E402
from handouts.signoff.signoff import HandoutStatus, State  # noqa: E402


class _Text(HTMLParser):
    """The visible text of a page's main content, in order."""

    def __init__(self):
        super().__init__()
        self.parts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style"):
            self._skip += 1

    def handle_endtag(self, tag):
        if tag in ("script", "style"):
            self._skip -= 1

    def handle_data(self, data):
        if not self._skip and data.strip():
            self.parts.append(" ".join(data.split()))


def text_of(html: str) -> str:
    article = html[html.index('<article class="handout"'):html.index("</article>")] if '<article class="handout"' in html else html
    p = _Text()
    p.feed(article)
    return re.sub(r" ([,.])", r"\1", " ".join(p.parts))


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    root = tmp_path_factory.mktemp("clinic")
    project = clinic_project(root)
    items = [item(), item(make_draft("eczema", "Eczema", also_called=[]), flag="overdue")]
    return project, publish(project, items), items


def test_site_holds_exactly_the_approved_pages(built):
    project, site, _ = built
    pages = sorted(p.relative_to(site).as_posix() for p in site.rglob("*.html"))
    assert pages == ["404.html", "acne/index.html", "eczema/index.html", "index.html"]
    assert sorted(p.relative_to(site).as_posix() for p in site.rglob("*.pdf")) == ["acne/acne.pdf", "eczema/eczema.pdf"]
    index = json.loads((site / "search" / "search_index.json").read_text())
    assert {d["location"].split("#")[0] for d in index["docs"]} == {"", "acne/", "eczema/"}
    # the generated docs folder that `mkdocs serve` previews
    assert sorted(p.name for p in (project.work / "docs").iterdir()) == [
        "acne", "acne.md", "assets", "eczema", "eczema.md", "index.md", "robots.txt"]


def test_handout_page_shows_everything_in_order(built):
    _, site, _ = built
    text = text_of((site / "acne" / "index.html").read_text())
    expected = [
        "Acne",
        "Also called: pimples, zits",
        "Print this handout (PDF)",  # near the top
        "Acne is a common skin problem. It can be treated.",
        "When to get help", "Call us if your face swells or you get a rash all over.",  # right after the summary
        "Call us: (555) 010-2040",
        "What is acne?", "Pores get clogged with oil and dead skin.",
        "Acne on darker skin", "On brown or Black skin, spots can leave dark marks that last for months.",
        "Treatment", "Put adapalene 0.1% gel on your face once a day at night.",
        "It can take 8 to 12 weeks to work.",
        "Caring for your skin at home",
        "These can make acne worse:", "oily makeup", "helmets or straps that rub", "picking or squeezing spots",
        "Words to know", "comedone", "a clogged pore",
        "References", "Zaenglein AL, et al.",
        "Reviewed by Dana Reyes, MD, FAAD on January 15, 2026, approved for publication.",
        "Next review due January 15, 2028.",
        "This handout does not replace advice from your care team.",
    ]
    pos = -1
    for piece in expected:
        found = text.find(piece, pos + 1)
        assert found > pos, f"{piece!r} missing or out of order in: {text}"
        pos = found
    assert text.count("Print this handout (PDF)") == 1
    # the reading grade is for staff (status, review page); patients do not see numbers
    assert "grade" not in text.lower() and "Flesch" not in text and "SMOG" not in text
    assert "overdue" not in text


def test_when_to_get_help_is_a_callout_and_pdf_is_linked(built):
    _, site, _ = built
    html = (site / "acne" / "index.html").read_text()
    assert re.search(r'<section class="admonition danger handout-get-help" aria-labelledby="when-to-get-help">\s*'
                     r'<h2 class="admonition-title" id="when-to-get-help">When to get help</h2>', html)
    assert '<a href="acne.pdf" download="" type="application/pdf">Print this handout (PDF)</a>' in html
    assert '<a href="tel:5550102040">(555) 010-2040</a>' in html


def test_a_point_that_ends_in_a_list_shows_its_items_as_bullets(built):
    _, site, _ = built
    html = (site / "acne" / "index.html").read_text()
    assert re.search(r"<li>These can make acne worse:\s*<ul>\s*<li>oily makeup</li>\s*"
                     r"<li>helmets or straps that rub</li>\s*<li>picking or squeezing spots</li>\s*</ul>\s*</li>", html)


def test_a_template_that_prints_the_point_shows_a_list_as_one_sentence():
    from handouts.publish.render import point

    p = point("Wash first. These can make acne worse:\n- oily makeup\n- helmets or straps that rub")
    assert str(p) == "Wash first. These can make acne worse: oily makeup and helmets or straps that rub."
    assert p.lead == "Wash first. These can make acne worse:" and p.items == ("oily makeup", "helmets or straps that rub")
    plain = point("Wash your face  twice a day.")
    assert str(plain) == plain.lead == "Wash your face twice a day." and plain.items == ()


def test_overdue_handout_carries_a_notice(built):
    _, site, _ = built
    text = text_of((site / "eczema" / "index.html").read_text())
    assert ("This handout is overdue for review It was due for review on January 15, 2028. "
            "Ask your care team if anything has changed.") in text
    assert "Also called" not in text


def test_index_groups_the_handouts_and_gives_contact(built):
    _, site, _ = built
    html = (site / "index.html").read_text()
    assert re.search(r'<h2 id="letter-a">A</h2>\s*<ul class="handout-list">\s*<li><a href="acne/">Acne</a> '
                     r'<span class="handout-list-aka">\(also called pimples, zits\)</span></li>', html)
    assert re.search(r'<h2 id="letter-e">E</h2>\s*<ul class="handout-list">\s*<li><a href="eczema/">Eczema</a></li>', html)
    assert "Address: 120 Harbor Street, Springfield" in html
    assert "Hours: Monday to Friday, 8 am to 5 pm" in html
    assert "No handouts are published yet" not in html
    assert ("These handouts give general information about skin conditions. They do not replace advice from "
            "your care team: if you are worried about your skin, call us at (555) 010-2040.") in text_of(html)
    assert "This handout does not replace" not in html


def test_long_reference_urls_may_wrap_only_between_parts(tmp_path):
    url = "https://www.aad.org/public/diseases/eczema/types/atopic-dermatitis"
    site = publish(clinic_project(tmp_path / "c"), [item(make_draft(references=[f"AAD. Eczema. {url}"]))])
    html = (site / "acne" / "index.html").read_text()
    assert ("<li>AAD. Eczema. https://<wbr>www.<wbr>aad.<wbr>org/<wbr>public/<wbr>diseases/<wbr>eczema/<wbr>"
            "types/<wbr>atopic-<wbr>dermatitis</li>") in html


def test_branding_logo_name_colours_and_no_cdn(built):
    _, site, _ = built
    html = (site / "acne" / "index.html").read_text()
    assert '<img src="../assets/logo.svg" alt="Riverside Dermatology Clinic logo">' in html
    assert "<title>Acne - Riverside Dermatology Clinic</title>" in html
    assert '<html lang="en"' in html
    css = (site / "assets" / "clinic.css").read_text()
    assert "--md-primary-fg-color: #1f5f8b;" in css and "--md-primary-bg-color: #ffffff;" in css
    for page in site.rglob("*.html"):
        for tag in re.findall(r"<(?:script|link|img|iframe|source)\b[^>]*>", page.read_text()):
            if 'rel="canonical"' in tag:
                continue
            assert not re.search(r"(?:src|href)=\"(?:https?:)?//", tag), f"{page}: remote asset {tag}"
    assert "fonts.googleapis" not in "".join(p.read_text(errors="ignore") for p in site.rglob("*.html"))


def test_empty_site_says_nothing_is_published(tmp_path):
    project = clinic_project(tmp_path / "c")
    site = publish(project, [])
    assert sorted(p.name for p in site.rglob("*.html")) == ["404.html", "index.html"]
    assert ("No handouts are published yet. Handouts appear here after a clinician has reviewed "
            "and approved them.") in text_of((site / "index.html").read_text())


@pytest.mark.parametrize("primary", ["#1f5f8b", "#ffd400", "#7fbfff", "#000000", "#ffffff"])
def test_palette_meets_wcag_aa(primary):
    p = palette(primary)
    assert contrast(p.primary, p.on_primary) >= 4.5
    assert contrast(p.link, "#ffffff") >= 4.5


def test_palette_keeps_a_dark_colour_and_fixes_a_light_one():
    assert palette("#1F5F8B") == type(palette("#1f5f8b"))("#1f5f8b", "#ffffff", "#1f5f8b")
    light = palette("#ffd400")
    assert light.on_primary == "#1a1a1a" and light.link != "#ffd400"


def test_refuses_an_unapproved_item(tmp_path):
    project = clinic_project(tmp_path / "c")
    draft = make_draft()
    status = HandoutStatus("acne", State.AWAITING_REVIEW)
    with pytest.raises(PublishError) as exc:
        publish(project, [PublishItem(draft, status, {"fk": 5, "smog": 6})])
    assert exc.value.format_message() == "acne: not approved; only approved handouts are published"
    assert not project.site_dir.exists()


def test_refuses_a_draft_that_differs_from_its_approval(tmp_path):
    project = clinic_project(tmp_path / "c")
    draft = make_draft()
    status = approve(draft)
    draft.summary.text += " Changed."
    with pytest.raises(PublishError) as exc:
        publish(project, [PublishItem(draft, status, {"fk": 5, "smog": 6})])
    assert exc.value.format_message() == "acne: the draft differs from the approved content; it needs a new approval"


def test_refuses_reserved_page_names(tmp_path):
    project = clinic_project(tmp_path / "c")
    with pytest.raises(PublishError) as exc:
        publish(project, [item(make_draft("search", "Search"))])
    assert exc.value.format_message() == ("'search': not a usable page name; use a lowercase slug other than "
                                          "404, assets, index, pdf, search, sitemap")


def test_a_clinic_can_override_the_handout_template(tmp_path):
    project = clinic_project(tmp_path / "c")
    tpl = project.site_config / "templates" / "handout.html.j2"
    tpl.parent.mkdir()
    tpl.write_text('<article class="handout"><h1 id="t">{{ h.title }}</h1><p>Our own layout. '
                   '{{ h.summary }}</p><script>alert(1)</script></article>\n')
    site = publish(project, [item()])
    html = (site / "acne" / "index.html").read_text()
    assert "<p>Our own layout. Acne is a common skin problem. It can be treated.</p>" in html
    assert "alert(1)" not in html  # even a clinic template goes through nh3


def test_repository_mkdocs_yml_is_standard_and_previews_the_generated_docs():
    cfg = yaml.safe_load((REPO / "mkdocs.yml").read_text())
    assert cfg["docs_dir"] == ".handouts/docs" and cfg["site_dir"] == "site"
    assert cfg["theme"]["name"] == "material" and cfg["theme"]["font"] is False
    assert cfg["plugins"] == ["search"] and cfg["strict"] is True
    assert "/.handouts/" in (REPO / ".gitignore").read_text().split()


def test_plain_mkdocs_build_of_the_generated_docs_uses_clinic_yaml(tmp_path):
    """What `mkdocs serve` does: the root mkdocs.yml, its hook reading site_config/clinic.yaml."""
    project = clinic_project(tmp_path / "c")
    publish(project, [item()])
    (project.root / "mkdocs.yml").write_text((REPO / "mkdocs.yml").read_text())  # names .handouts/mkdocs_hooks.py
    (project.site_config / "clinic.yaml").write_text("clinic:\n  name: Hook Test Clinic\n  logo: logo.svg\n")
    shutil.rmtree(project.site_dir)
    run = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "--quiet"], cwd=project.root,
                         capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr
    html = (project.site_dir / "acne" / "index.html").read_text()
    assert "<title>Acne - Hook Test Clinic</title>" in html
    assert 'alt="Hook Test Clinic logo"' in html


def test_withdrawn_handout_leaves_no_trace_in_site(tmp_path):
    """After eczema loses its approval, none of its text is in site/: pages, search index, sitemap."""
    project = clinic_project(tmp_path / "c")
    eczema = make_draft("eczema", "Eczema", summary=make_draft().summary.__class__(
        "summary", "s", "Zqxeczema unique summary text.", "simplified"))
    publish(project, [item(), item(eczema)])
    assert "Zqxeczema" in (project.site_dir / "search" / "search_index.json").read_text()
    publish(project, [item()])
    for path in project.site_dir.rglob("*"):
        if path.is_file() and path.suffix != ".pdf":
            text = path.read_bytes().decode("utf-8", errors="ignore")
            assert "Zqxeczema" not in text and "eczema" not in text.lower(), path
    assert not (project.site_dir / "eczema").exists()


def test_unchanged_pdf_is_reused_not_rendered_again(tmp_path, monkeypatch):
    project = clinic_project(tmp_path / "clinic")
    first = (publish(project, [item()]) / "acne" / "acne.pdf").read_bytes()
    import weasyprint

    def refuse(*args, **kwargs):
        raise AssertionError("WeasyPrint was called for an unchanged handout")

    monkeypatch.setattr(weasyprint, "HTML", refuse)
    again = (publish(project, [item()]) / "acne" / "acne.pdf").read_bytes()
    assert again == first
    changed = make_draft()
    changed.title = "Acne (changed)"
    with pytest.raises(PublishError, match="AssertionError"):  # new content is rendered again
        publish(project, [item(changed)])


@pytest.mark.parametrize("url", ["", "http://localhost:8000/", "http://127.0.0.1:8080/handouts/"])
def test_without_a_public_url_the_site_is_a_preview(tmp_path, url):
    """No QR code to a wrong address on paper; no absolute links without an address at all."""
    from pypdf import PdfReader

    project = clinic_project(tmp_path / "c", url=url)
    site = publish(project, [item()])
    pdf = " ".join(" ".join(p.extract_text() for p in PdfReader(site / "acne" / "acne.pdf").pages).split())
    assert "Scan the code" not in pdf and "http" not in pdf
    assert "Phone: (555) 010-2040" in pdf
    html = (site / "acne" / "index.html").read_text()
    if not url:
        assert 'rel="canonical"' not in html
        assert not (site / "sitemap.xml").exists() and not (site / "sitemap.xml.gz").exists()
        assert (site / "robots.txt").read_text() == "User-agent: *\nAllow: /\n"
        assert not re.search(r'(?:href|src)="https?://', "".join(p.read_text() for p in site.rglob("*.html")))
    else:
        assert f'<link rel="canonical" href="{url}acne/">' in html
        assert f"Sitemap: {url}sitemap.xml" in (site / "robots.txt").read_text()


def test_public_url_gives_qr_code_sitemap_and_robots(built):
    _, site, _ = built
    assert (site / "robots.txt").read_text() == ("User-agent: *\nAllow: /\n"
                                                 "Sitemap: https://derm.example.org/handouts/sitemap.xml\n")
    sitemap = (site / "sitemap.xml").read_text()
    assert "<loc>https://derm.example.org/handouts/acne/</loc>" in sitemap
