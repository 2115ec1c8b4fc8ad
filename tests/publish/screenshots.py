"""Make docs/handout-page.png and docs/handout-pdf-page1.png from a sample handout.

    python tests/publish/screenshots.py
    python tests/publish/screenshots.py --from-drafts   # the real drafts/acne.yaml

With --from-drafts the pictures show what the bundled model and the lexicon made
of sources/acne.yaml (docs/acne-draft-page.png, docs/acne-draft-pdf-page1.png).

A hand-written plain-language acne handout (no model), published with the
repository's site_config/, shown in Debian's chromium and rendered by pdftoppm.
"""

from __future__ import annotations

import functools
import http.server
import shutil
import subprocess
import sys
import tempfile
import threading
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from sample import REPO, clinic_project, fact, item  # noqa: E402

from handouts.core.drafts import Draft, DraftSection  # noqa: E402
from handouts.publish.publish import publish  # noqa: E402

SECTIONS = {
    ("about", "What is acne?"): [
        "Acne is very common. About 85 out of 100 people aged 12 to 24 get it.",
        "It causes whiteheads, blackheads and red or dark bumps, mostly on the face, chest and back.",
        "Acne is not caused by dirt, and you cannot catch it from someone else.",
    ],
    ("skin_of_color", "Acne on darker skin"): [
        "On brown or Black skin, acne bumps may look dark brown or purple, not red.",
        "Dark spots can stay for months after the acne heals.",
        "Start a retinoid at a low strength, like adapalene 0.1%, so your skin does not get irritated.",
    ],
    ("treatment", "Treatment"): [
        "Benzoyl peroxide 2.5% to 5% wash or gel kills acne germs. It can bleach towels.",
        "Adapalene 0.1% gel unclogs pores. You can buy it without a prescription.",
        "Put a pea-sized amount on the whole area at night. Some dryness at first is normal.",
    ],
    ("self_care", "Caring for your skin at home"): [
        "Wash your face twice a day with a gentle cleanser. Do not scrub.",
        "Do not pick or pop spots. This can cause scars and dark marks.",
        "Use sunscreen SPF 30 or higher every day.",
    ],
    ("outlook", "What to expect"): [
        "Most treatments take 4 to 6 weeks to start working and 2 to 3 months to clear acne.",
    ],
    ("when_to_get_help", "When to get help"): [
        "See us if acne leaves scars or dark spots, or is not better after 3 months of treatment.",
        "Get urgent care for sudden, severe acne with a fever or joint pain.",
    ],
}


def sample_draft() -> Draft:
    return Draft(
        id="acne",
        title="Acne",
        also_called=["acne vulgaris", "pimples", "breakouts"],
        summary=fact("summary", "Acne happens when pores get clogged with oil and dead skin. "
                                "Treatment works for most people and helps prevent scars and dark spots."),
        sections=[DraftSection(key, heading, [fact(f"{key}.{i}", t) for i, t in enumerate(texts, 1)])
                  for (key, heading), texts in SECTIONS.items()],
        references=["Reynolds RV, et al. Guidelines of care for the management of acne vulgaris. "
                    "J Am Acad Dermatol. 2024;90(5):1006.e1-1006.e30.",
                    "American Academy of Dermatology. Acne: diagnosis and treatment. aad.org."],
        glossary={"comedone": "a clogged pore (a whitehead or blackhead)",
                  "retinoid": "a medicine made from vitamin A that unclogs pores"},
        sheet_sha256="0" * 64,
    )


def main() -> None:
    docs = REPO / "docs"
    docs.mkdir(exist_ok=True)
    real = "--from-drafts" in sys.argv[1:]
    page_png, pdf_png = (("acne-draft-page.png", "acne-draft-pdf-page1") if real
                         else ("handout-page.png", "handout-pdf-page1"))
    if real:
        from handouts.core.drafts import load_draft
        draft = load_draft(REPO / "drafts", "acne")
    else:
        draft = sample_draft()
    with tempfile.TemporaryDirectory() as tmp:
        project = clinic_project(Path(tmp) / "clinic", url="https://derm.example.org/")
        it = item(draft)
        if real:  # the draft's measured grade, not the sample's
            import dataclasses
            import json
            report = json.loads((REPO / "drafts" / "acne.report.json").read_text())
            it = dataclasses.replace(it, grade=report["grade"])
        site = publish(project, [it])
        server = http.server.ThreadingHTTPServer(
            ("127.0.0.1", 0), functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(site)))
        threading.Thread(target=server.serve_forever, daemon=True).start()
        from playwright.sync_api import sync_playwright

        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=[
                "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                "--disable-component-update", "--no-first-run", "--disable-sync"])
            page = browser.new_page(viewport={"width": 1280, "height": 900})
            page.goto(f"http://127.0.0.1:{server.server_port}/acne/")
            page.screenshot(path=str(docs / page_png), full_page=True)
            browser.close()
        server.shutdown()
        subprocess.run(["pdftoppm", "-png", "-r", "80", "-f", "1", "-l", "1", "-singlefile",
                        str(site / "acne" / "acne.pdf"), str(docs / pdf_png)], check=True)
        shutil.copyfile(site / "acne" / "acne.pdf", Path(tmp) / "keep.pdf")
    print(docs / page_png, docs / f"{pdf_png}.png")


if __name__ == "__main__":
    main()
