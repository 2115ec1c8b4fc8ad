"""Make the review-page screenshots in docs/ from the repository's own acne sheet and draft.

    python tests/review_screenshots.py

- docs/review-page-desktop.png: the top of the page at 1280 px (state, checks, the
  clinician's facts beside the patient text with the word diff, a fact's attempts);
- docs/review-page-phone.png: the same page at 390 px;
- docs/review-edit-findings.png: a clinician's own text with its findings, each to
  tick before it is saved.

A scratch copy of the clinic is served by the real review server (real checks, no
model; the test reviewers' throwaway keys in a private ssh-agent) and photographed
in Debian's chromium.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from handouts import review  # noqa: E402
from tests.signoff_support import real_clinic, start_agent  # noqa: E402

CHROMIUM = "/usr/bin/chromium"
DOCS = REPO / "docs"
EDIT = ("Acne is a common, long-lasting skin problem of the hair follicle and oil gland. It can be itchy. "
        "Early, steady treatment clears most acne and limits scarring and dark spots.")


def main() -> None:
    from playwright.sync_api import sync_playwright

    agent = start_agent()  # the throwaway test reviewers' keys, as in the tests
    try:
        _shoot(sync_playwright)
    finally:
        agent.terminate()
        agent.wait(timeout=10)
    for name in ("review-page-desktop.png", "review-page-phone.png", "review-edit-findings.png"):
        print(f"wrote docs/{name}")


def _shoot(sync_playwright) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        project = real_clinic(Path(tmp))
        server = review.ReviewServer(project, 0, quiet=True)
        server.start_in_thread()
        try:
            with sync_playwright() as pw:
                browser = pw.chromium.launch(executable_path=CHROMIUM, headless=True,
                                             args=["--no-sandbox", "--disable-gpu"])
                for name, width, height in (("desktop", 1280, 1900), ("phone", 390, 2600)):
                    page = browser.new_page(viewport={"width": width, "height": height},
                                            device_scale_factor=1 if width > 800 else 2)
                    page.goto(server.login_url)
                    page.goto(server.url + "h/acne")
                    model = page.locator("tr.origin-model-rewrite details.candidates").first
                    page.locator("details.candidates").first.evaluate("e => e.open = true")
                    model.evaluate("e => e.open = true")
                    page.screenshot(path=str(DOCS / f"review-page-{name}.png"))
                    page.close()
                page = browser.new_page(viewport={"width": 1280, "height": 900})
                page.goto(server.login_url)
                page.goto(server.url + "h/acne")
                page.locator('[id="edit-summary"] >> xpath=..').evaluate("e => e.open = true")
                form = page.locator('[id="edit-summary"]')
                form.locator("textarea").fill(EDIT)
                form.locator('input[name="name"]').fill("Dana Reyes")
                form.locator('input[name="credentials"]').fill("MD, FAAD")
                form.locator("button").click()
                page.wait_for_load_state()
                page.locator('[id="edit-summary"] fieldset').wait_for(timeout=10_000)  # the findings, or fail loudly
                page.locator('[id="row-summary"]').screenshot(path=str(DOCS / "review-edit-findings.png"))
                browser.close()
        finally:
            server.shutdown()
            server.server_close()


if __name__ == "__main__":
    main()
