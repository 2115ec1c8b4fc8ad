"""WCAG 2.1 AA: axe-core in headless Chromium over every built page; the print stylesheet.

Needs Debian's chromium (/usr/bin/chromium; no browser download) and the npm
package axe-core in tests/node_modules (tests/setup-system.sh installs both).
"""

from __future__ import annotations

import functools
import http.server
import threading
from pathlib import Path

import pytest
from sample import clinic_project, item, make_draft

from handouts.publish.publish import publish

pytestmark = pytest.mark.browser

CHROMIUM = "/usr/bin/chromium"
AXE = Path(__file__).resolve().parents[1] / "node_modules" / "axe-core" / "axe.min.js"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--no-first-run", "--disable-sync"]
RULES = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]


URL_REFERENCES = [  # the starter sheets' own; without <wbr> Chromium broke them as ".../acn" "e" at 390 px
    "American Academy of Dermatology Association. Acne: overview. https://www.aad.org/public/diseases/acne",
    "American Academy of Dermatology Association. Atopic dermatitis: overview. "
    "https://www.aad.org/public/diseases/eczema/types/atopic-dermatitis",
    "American Academy of Dermatology Association. Melasma: overview. "
    "https://www.aad.org/public/diseases/a-z/melasma-overview",
]


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    """The built sample site, served on 127.0.0.1 at the path its site URL names."""
    project = clinic_project(tmp_path_factory.mktemp("a11y"), url="https://derm.example.org/")
    acne = make_draft(references=make_draft().references + URL_REFERENCES)
    site = publish(project, [item(acne), item(make_draft("eczema", "Eczema", also_called=[]), flag="overdue")])
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Quiet, directory=str(site)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield site, f"http://127.0.0.1:{server.server_port}/"
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="module")
def browser():
    assert Path(CHROMIUM).exists(), "Debian's chromium is needed: apt-get install chromium"
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield b
        b.close()


def _pages(site: Path) -> list[str]:
    return sorted("" if p.name == "index.html" and p.parent == site else
                  p.relative_to(site).as_posix().removesuffix("index.html")
                  for p in site.rglob("*.html"))


def test_axe_finds_no_violations_on_any_page(served, browser):
    site, base = served
    assert AXE.exists(), f"axe-core is needed: (cd tests && npm ci) to install {AXE}"
    axe = AXE.read_text(encoding="utf-8")
    page = browser.new_page()
    requests = []
    page.on("request", lambda r: requests.append(r.url))
    found = {}
    pages = _pages(site)
    assert pages == ["", "404.html", "acne/", "eczema/"]
    for path in pages:
        page.goto(base + path, wait_until="load")
        page.add_script_tag(content=axe)
        result = page.evaluate("rules => axe.run(document, {runOnly: {type: 'tag', values: rules}})", RULES)
        found[path] = [(v["id"], [n["target"] for n in v["nodes"]]) for v in result["violations"]]
    page.close()
    assert found == {p: [] for p in pages}
    assert all(u.startswith(base) or u.startswith("data:") for u in requests), \
        [u for u in requests if not u.startswith(base)]


def test_page_basics_lang_landmarks_logo_alt(served, browser):
    _, base = served
    page = browser.new_page()
    page.goto(base + "acne/")
    assert page.get_attribute("html", "lang") == "en"
    assert page.locator("main").count() == 1 and page.locator("header").count() >= 1
    assert page.get_attribute(".md-logo img", "alt") == "Riverside Dermatology Clinic logo"
    page.close()


def test_print_hides_navigation_and_search(served, browser):
    _, base = served
    page = browser.new_page()
    page.goto(base + "acne/")
    page.emulate_media(media="print")
    for selector in (".md-header", ".md-sidebar--primary", ".md-footer", ".handout-print"):
        assert not page.locator(selector).first.is_visible(), selector
    assert page.locator(".handout-print-only").is_visible()
    assert page.locator("#when-to-get-help").is_visible()
    size = page.evaluate("getComputedStyle(document.querySelector('.handout-summary')).fontSize")
    assert float(size.removesuffix("px")) >= 16  # 12pt
    page.close()


def test_search_works_offline(served, browser):
    _, base = served
    page = browser.new_page()
    page.route("**/*", lambda route: route.continue_() if route.request.url.startswith(base) else route.abort())
    page.goto(base)
    page.set_viewport_size({"width": 1280, "height": 900})  # the search box is in the header
    page.locator("input.md-search__input").click()
    page.keyboard.type("adapalene", delay=20)  # the theme listens for key events
    result = page.locator(".md-search-result__item").first
    result.wait_for(timeout=10000)
    assert "Acne" in result.inner_text()
    assert page.locator(".md-search-result__meta").inner_text() == "2 matching documents"
    page.close()


LINES = """li => {
  const lines = new Map();
  const walker = document.createTreeWalker(li, NodeFilter.SHOW_TEXT);
  for (let n = walker.nextNode(); n; n = walker.nextNode()) {
    for (let i = 0; i < n.data.length; i++) {
      const r = document.createRange(); r.setStart(n, i); r.setEnd(n, i + 1);
      const box = r.getClientRects()[0];
      if (!box) continue;
      const top = Math.round(box.top);
      lines.set(top, (lines.get(top) || "") + n.data[i]);
    }
  }
  return [...lines.keys()].sort((a, b) => a - b).map(k => lines.get(k));
}"""


def test_long_reference_urls_wrap_cleanly_on_a_phone(served, browser):
    """On phone widths, an address wraps after a / . or - and never splits a word ("acn/e")."""
    _, base = served
    for width in (320, 360, 375, 390, 412):
        page = browser.new_page(viewport={"width": width, "height": 800})
        page.goto(base + "acne/")
        items = page.locator(".handout-references li").all()[-len(URL_REFERENCES):]
        for li, ref in zip(items, URL_REFERENCES):
            lines = li.evaluate(LINES)
            assert "".join(lines) == ref
            for line in lines[:-1]:
                assert line[-1] in " /.-", f"{width} px: a word was split: {lines}"
        assert page.evaluate("document.scrollingElement.scrollWidth") <= width  # no sideways scrolling
        page.close()
