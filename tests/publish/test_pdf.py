"""Printed handouts: opened with pypdf and checked for text, page size, fonts and type size."""

from __future__ import annotations

import pytest
from pypdf import PdfReader
from sample import clinic_project, item, make_draft

from handouts.publish.pdf import page_url, qr_svg
from handouts.publish.publish import publish

POINTS = {"Letter": (612.0, 792.0), "A4": (595.28, 841.89)}


@pytest.fixture(scope="module", params=["Letter", "A4"])
def pdf(request, tmp_path_factory):
    project = clinic_project(tmp_path_factory.mktemp(request.param), paper=request.param)
    long_treatment = make_draft(sections=make_draft().sections + [
        make_draft().sections[2].__class__("outlook", "What to expect", make_draft().sections[2].facts * 8)])
    site = publish(project, [item(long_treatment)])
    return request.param, PdfReader(site / "acne" / "acne.pdf")


def test_page_size_follows_site_paper(pdf):
    paper, reader = pdf
    for page in reader.pages:
        box = page.mediabox
        assert (round(float(box.width), 1), round(float(box.height), 1)) == tuple(round(x, 1) for x in POINTS[paper])


def test_every_page_has_clinic_header_phone_and_reviewed_by_footer(pdf):
    _, reader = pdf
    assert len(reader.pages) >= 2
    for n, page in enumerate(reader.pages, 1):
        text = " ".join(page.extract_text().split())
        assert "Riverside Dermatology Clinic" in text, n
        assert "Phone: (555) 010-2040" in text, n
        assert "Reviewed by Dana Reyes, MD, FAAD on January 15, 2026, approved for publication." in text, n
        assert f"Page {n} of {len(reader.pages)}" in text


def test_handout_text_and_web_link_are_in_the_pdf(pdf):
    _, reader = pdf
    text = " ".join(" ".join(p.extract_text() for p in reader.pages).split())
    for piece in ("Acne", "Also called: pimples, zits", "Acne is a common skin problem.",
                  "Acne on darker skin", "When to get help", "Words to know", "References",
                  "Next review due January 15, 2028.",
                  "This handout does not replace advice from your care team."):
        assert piece in text
    assert "https://derm.example.org/handouts/acne/" in text.replace(" ", "")  # may wrap
    assert "Print this handout" not in text


def test_fonts_are_embedded(pdf):
    _, reader = pdf
    names = set()
    for page in reader.pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            descendants = [d.get_object() for d in font.get("/DescendantFonts", [])] or [font]
            for d in descendants:
                descriptor = d["/FontDescriptor"].get_object()
                assert any(k in descriptor for k in ("/FontFile", "/FontFile2", "/FontFile3")), font["/BaseFont"]
            names.add(str(font["/BaseFont"]).split("+")[-1])
    assert {"DejaVu-Sans", "DejaVu-Sans-Bold"} <= names


def test_body_text_is_at_least_12pt(pdf):
    _, reader = pdf
    sizes = {}

    def visit(text, cm, tm, font, size):
        if text.strip():
            sizes.setdefault(text.strip(), []).append(size * abs(tm[3]) * abs(cm[3]))

    for page in reader.pages:
        page.extract_text(visitor_text=visit)
    body = [s for text, found in sizes.items() for s in found
            if any(w in text for w in ("Pores get clogged", "adapalene", "gentle cleanser", "a clogged pore",
                                       "Zaenglein", "does not replace"))]
    assert body and min(body) >= 12.0, sizes


def test_qr_code_points_at_the_web_page():
    url = page_url("https://derm.example.org/handouts", "acne")
    assert url == "https://derm.example.org/handouts/acne/"
    svg = qr_svg(url)
    assert svg.lstrip().startswith("<svg") and "<path" in svg
    import qrcode

    code = qrcode.QRCode()
    code.add_data(url)
    code.make()
    assert code.data_list[0].data == url.encode()


def test_first_page_has_the_warning_signs_box_with_the_phone(pdf):
    """Page 1 carries "When to get help" (every warning sign) and the clinic phone, even in a long handout."""
    _, reader = pdf
    first = " ".join(reader.pages[0].extract_text().split())
    help_at = first.index("When to get help")
    assert first.index("Acne is a common skin problem.") < help_at  # after the summary
    assert "Call us if your face swells or you get a rash all over." in first[help_at:]
    assert "Call us: (555) 010-2040" in first[help_at:]
    assert "Reading grade" not in first and "Flesch" not in first
