"""Every payload, in every sheet field, model text and clinic field, is neutralised."""

from __future__ import annotations

import json
import re

import pytest
from sample import clinic_project, item, make_draft

from handouts.core.drafts import DraftFact, DraftSection
from handouts.publish.publish import publish
from handouts.publish.sitescan import scan_html, scan_site, url_scheme
from handouts.sources.config import Clinic

PAYLOADS = [
    "<script>alert('xss')</script>",
    "<img src=x onerror=alert(1)>",
    "<iframe src=\"https://evil.example/\"></iframe>",
    "<a href=\"JaVaScRiPt:alert(2)\">click</a>",
    "<a href=\"&#106;avascript:alert(3)\">click</a>",
    "<a href=\"data:text/html;base64,PHNjcmlwdD5hbGVydCg0KTwvc2NyaXB0Pg==\">click</a>",
    "[x](javascript:alert(5))",
    "[y](data:text/html,<script>alert(6)</script>)",
    "<svg onload=alert(7)>",
    "Bold text {: onclick=\"alert(8)\" }",
    '--8<-- "/etc/passwd"',
    "jav\u200bascript:alert(9) and zero\u200dwidth\ufeff text\u202e",
    "</title><script>alert(10)</script>",
    "\" onmouseover=\"alert(11)",
]
ALL = " ".join(PAYLOADS)
INVISIBLE = "\u200b\u200d\ufeff\u202e"


def hostile_item():
    f = lambda fid, text: DraftFact(fid, "source", text)  # noqa: E731
    draft = make_draft(
        "acne",
        title="Acne " + PAYLOADS[12],
        also_called=PAYLOADS[:3],
        summary=f("summary", "Summary. " + ALL),
        sections=[
            DraftSection("about", "About " + PAYLOADS[1], [f("about.1", p) for p in PAYLOADS]),
            DraftSection("skin_of_color", "Darker skin " + PAYLOADS[9], [f("skin_of_color.1", ALL)]),
            DraftSection("treatment", PAYLOADS[4], [f("treatment.1", PAYLOADS[6])]),
            DraftSection("self_care", PAYLOADS[10], [f("self_care.1", PAYLOADS[10])]),
            DraftSection("when_to_get_help", "When " + PAYLOADS[0], [f("when_to_get_help.1", ALL)]),
        ],
        references=PAYLOADS,
        glossary={p: p for p in PAYLOADS},
    )
    return item(draft, reviewer=PAYLOADS[0], credentials=PAYLOADS[1])


HOSTILE_CLINIC = Clinic(name="Clinic " + PAYLOADS[12], phone="555 <script>alert(12)</script>",
                        address=PAYLOADS[1], hours=PAYLOADS[3], disclaimer=PAYLOADS[13], logo="logo.svg")


@pytest.fixture(scope="module")
def hostile_site(tmp_path_factory):
    project = clinic_project(tmp_path_factory.mktemp("hostile"), clinic=HOSTILE_CLINIC)
    return publish(project, [hostile_item()])


def _texts(site):
    for path in site.rglob("*"):
        if path.suffix in (".html", ".xml", ".json", ".md", ".css", ".svg"):
            text = path.read_text(encoding="utf-8")
            if path.suffix == ".json":
                text = json.dumps(json.loads(text), ensure_ascii=False)  # undo \u escapes
            yield path, text


def test_scan_of_the_whole_site_is_clean(hostile_site):
    assert scan_site(hostile_site, "/handouts/") == []


def test_no_live_markup_survives_anywhere(hostile_site):
    for path, text in _texts(hostile_site):
        if path.name == "search_index.json":
            # the index holds HTML snippets: decode them as the theme would
            text = " ".join(d["title"] + " " + d["text"] for d in json.loads(text)["docs"])
        for live in ("<script>alert", "<img src=x", "<iframe", "<svg onload"):
            assert live not in text, f"{path.name}: {live}"
        for pattern in (r"<[a-zA-Z][^<>]*\son[a-z]+\s*=",  # a handler inside a real tag
                        r"<[a-zA-Z][^<>]*\s(?:href|src)\s*=\s*[\"']?\s*(?:javascript|data|&#)"):
            found = re.search(pattern, text, re.I)
            assert found is None, f"{path.name}: {found.group(0)}"


def test_payloads_show_as_text_on_the_page(hostile_site):
    html = (hostile_site / "acne" / "index.html").read_text()
    assert "&lt;script&gt;alert('xss')&lt;/script&gt;" in html or "&lt;script&gt;alert(&#39;xss&#39;)" in html
    assert "[x](javascript:alert(5))" in html  # Markdown link syntax is left as text
    assert '--8&lt;-- "/etc/passwd"' in html or "--8&lt;-- &quot;/etc/passwd&quot;" in html
    assert "root:x:0:0" not in html  # no snippet was included
    assert "{: onclick=" in html  # attribute lists are not processed
    assert "javascript:alert(9)" in html  # the zero-width space is gone; it is plain text


def test_zero_width_and_bidi_characters_are_removed(hostile_site):
    for path, text in _texts(hostile_site):
        for ch in INVISIBLE:
            assert ch not in text, f"{path.name} holds U+{ord(ch):04X}"


def test_page_titles_cannot_break_out_of_the_title_element(hostile_site):
    html = (hostile_site / "acne" / "index.html").read_text()
    title = re.search(r"<title>(.*?)</title>", html, re.S).group(1)
    assert "<" not in title and "alert(10)" in title


def test_pdf_is_built_for_a_hostile_handout(hostile_site):
    assert (hostile_site / "acne" / "acne.pdf").read_bytes().startswith(b"%PDF-")


# -- the scanner itself ------------------------------------------------------------

@pytest.mark.parametrize("html, problem", [
    ('<p onclick="x()">a</p>', "<p> has an event-handler attribute onclick="),
    ('<a href="javascript:alert(1)">a</a>', "<a href=...> uses a javascript: URL"),
    ('<a href="&#106;avascript:alert(1)">a</a>', "<a href=...> uses a javascript: URL"),
    ('<a href=" JaVa\tScript:alert(1)">a</a>', "<a href=...> uses a javascript: URL"),
    ('<a href="data:text/html,hi">a</a>', "<a href=...> uses a data: URL"),
    ('<img src="https://cdn.example/x.png" alt="">', "<img src='https://cdn.example/x.png'> loads an asset from another host"),
    ('<link rel="stylesheet" href="https://fonts.example/css">', "<link href='https://fonts.example/css'> loads an asset from another host"),
    ('<script src="https://cdn.example/x.js"></script>', "<script src='https://cdn.example/x.js'> loads an asset from another host"),
    ("<script>alert(1)</script>", "inline <script> is not one of the theme's own: 'alert(1)'"),
    ('<iframe src="a.html"></iframe>', "<iframe> is not allowed"),
    ('<meta http-equiv="refresh" content="0;url=https://evil.example">', "<meta http-equiv=refresh> is not allowed"),
])
def test_scanner_flags(html, problem):
    problems, _ = scan_html(html, "page.html")
    assert f"page.html: {problem}" in problems


def test_scanner_accepts_safe_links_and_the_theme_script():
    html = ('<a href="https://x.org/">a</a><a href="mailto:a@b.org">m</a><a href="tel:+15550100">t</a>'
            '<a href="../acne/">r</a><link rel="canonical" href="https://x.org/acne/">'
            '<script>var target=document.getElementById(location.hash.slice(1));'
            'target&&target.name&&(target.checked=target.name.startsWith("__tabbed_"))</script>')
    assert scan_html(html, "p.html") == ([], [])


def test_scanner_flags_foreign_script_files(tmp_path):
    (tmp_path / "evil.js").write_text("alert(1)")
    (tmp_path / "index.html").write_text('<script src="evil.js"></script>')
    assert scan_site(tmp_path) == ["evil.js: script is not one of the theme's own files",
                                   "index.html: <script src='evil.js'> is not one of the theme's scripts"]


def test_url_scheme_sees_what_a_browser_sees():
    assert url_scheme("\x01 java\nscript:alert(1)") == "javascript"
    assert url_scheme("acne/") == "" and url_scheme("HTTPS://x") == "https"


def test_a_hostile_logo_stops_the_publish(tmp_path):
    from handouts.core.exceptions import PublishError

    project = clinic_project(tmp_path / "c")
    (project.site_config / "logo.svg").write_text(
        '<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><script>alert(2)</script></svg>')
    with pytest.raises(PublishError) as exc:
        publish(project, [hostile_item()])
    assert exc.value.format_message().splitlines() == [
        "site_config/logo.svg: the logo was refused; nothing was published:",
        "  <script> is not allowed in a logo (it can run script, load or animate content)",
        "  <svg onload=...>: event attributes are not allowed"]
    assert not project.site_dir.exists()


@pytest.mark.parametrize("url", ["javascript:alert(1)", "data:text/html,x", "ftp://x.org/", "not a url"])
def test_site_url_must_be_http(tmp_path, url):
    import json

    from handouts.sources.config import Site, load_settings
    from handouts.core.exceptions import InputError

    message = f"site.url: expected an http(s) URL such as https://clinic.example.org/handouts/, got {url!r}"
    project = clinic_project(tmp_path / "c")
    (project.site_config / "clinic.yaml").write_text(f"site:\n  url: {json.dumps(url)}\n")
    with pytest.raises(InputError) as exc:  # refused when the settings are read, before any drafting
        load_settings(project.root)
    assert exc.value.problems == [f"site_config/clinic.yaml:2:3: {message}"]
    assert exc.value.exit_code == 3
    bypassed = project.settings.model_copy(update={"site": Site.model_construct(url=url, paper="Letter")})
    with pytest.raises(InputError) as exc:  # and publish() checks it again
        publish(type(project)(project.root, bypassed), [])
    assert exc.value.problems == [f"site_config/clinic.yaml: {message}"]
    assert not project.site_dir.exists()
