"""The plain-language report on a whole handout."""

from __future__ import annotations

import json

from handouts.checks import format_report_table, handout_report
from handouts.checks.handout import Report
from handouts.core.drafts import Draft, DraftFact, DraftSection, Origin


def make_draft(**texts) -> Draft:
    def fact(fid, text, origin=Origin.MODEL):
        return DraftFact(fact_id=fid, source=text, text=text, origin=origin)

    sections = []
    for key in ("about", "skin_of_color", "treatment", "self_care", "when_to_get_help"):
        if key in texts:
            sections.append(DraftSection(key=key, heading=key, facts=[
                fact(f"{key}.{i + 1}", t) for i, t in enumerate(texts[key])]))
    return Draft(id="acne", title="Acne", summary=fact("summary", texts.get("summary", "")),
                 sections=sections, references=["AAD 2024"], glossary=texts.get("glossary", {}))


GOOD = dict(
    summary="Acne is a common skin problem. Your doctor can treat it.",
    about=["Acne causes bumps on the face, chest and back."],
    skin_of_color=["On brown or black skin, spots may look dark brown or purple."],
    treatment=["Put a pea-sized amount of adapalene gel on your face each night."],
    self_care=["Wash your face twice a day with a gentle wash."],
    when_to_get_help=["Call us if the bumps are painful or leave dark marks."],
)


def test_good_handout_passes():
    r = handout_report(make_draft(**GOOD)).to_dict()
    assert r["passed"] is True
    assert r["grade"]["passed"] is True and r["grade"]["target"] == 6
    assert r["findings"] == []
    assert r["summary_first"] and r["addresses_you"]
    assert r["skin_of_color"] == {"present": True, "colour_words_without_dark_skin_note": []}
    assert r["long_sentences_share"] == 0 and r["passive_share"] == 0
    assert r["origins"] == {"model rewrite": 6}
    json.dumps(r)  # JSON-able


def test_findings_for_a_poor_handout():
    d = make_draft(
        summary="",
        about=["Erythema is caused by inflammation of the pilosebaceous unit and is seen in 1 in 4 adolescents."],
        treatment=["Topical therapy was prescribed and the dose is 2 mg per kg."],
        self_care=["Redness and pink patches appear."],
    )
    d.sections[0].facts[0].origin = Origin.UNCHANGED
    r = handout_report(d, target_grade=6).to_dict()
    assert r["passed"] is False
    assert r["unexplained_terms"] == ["pilosebaceous unit", "erythema", "topical"]
    assert r["calculation_numbers"] == ["'1 in 4' (a ratio)", "'per kg' (a dose by body weight)"]
    assert r["summary_first"] is False
    assert r["addresses_you"] is False
    assert r["skin_of_color"]["present"] is False
    assert r["skin_of_color"]["colour_words_without_dark_skin_note"] == [
        {"fact": "self_care.1", "words": ["redness", "pink"]}]
    assert r["origins"] == {"model rewrite": 3, "clinician's words unchanged": 1}
    assert r["passive_share"] > 0.5
    checks = [(f["severity"], f["check"], f["fact"]) for f in r["findings"]]
    assert ("error", "skin-of-color", None) in checks
    assert ("warning", "jargon", "about.1") in checks
    assert ("warning", "summary", None) in checks
    assert ("warning", "passive-voice", "about.1") in checks
    msg = next(f["message"] for f in r["findings"] if f["check"] == "skin-of-color" and f["fact"])
    assert msg == ("says 'redness', 'pink' without saying how it looks on darker skin "
                   "(brown, purple, gray or darker)")


def test_glossary_explains_terms():
    d = make_draft(**dict(GOOD, about=["Comedones are clogged pores."]))
    assert handout_report(d).unexplained_terms == []
    d = make_draft(**dict(GOOD, about=["Comedones form on your face."], glossary={"comedones": "clogged pores"}))
    assert handout_report(d).unexplained_terms == []
    d = make_draft(**dict(GOOD, about=["Comedones form on your face."]))
    assert handout_report(d).unexplained_terms == ["comedones"]


def test_empty_prose_is_an_error_not_grade_zero():
    d = make_draft(summary="", about=[""], skin_of_color=["x"])
    d.sections[1].facts[0].text = ""
    r = handout_report(d).to_dict()
    assert r["grade"]["fk"] is None and r["grade"]["passed"] is False
    assert {"severity": "error", "check": "readability", "fact": None,
            "message": "no prose to score: the handout has no patient text"} in r["findings"]
    assert r["passed"] is False


def test_grade_over_target_is_a_warning():
    d = make_draft(**dict(GOOD, about=["Acne vulgaris is a chronic inflammatory dermatosis affecting the "
                                       "pilosebaceous apparatus, characterized by comedones."]))
    r = handout_report(d, target_grade=2).to_dict()
    assert r["grade"]["passed"] is False
    assert any(f["check"] == "readability" and f["severity"] == "warning" for f in r["findings"])


def test_table():
    table = format_report_table(handout_report(make_draft(**GOOD)))
    lines = table.splitlines()
    assert lines[0] == "acne: passed"
    assert lines[1].split() == ["check", "value", "target", "result"]
    assert any(ln.split()[:3] == ["reading", "grade", "(Flesch-Kincaid)"] and ln.endswith("ok") for ln in lines)
    assert any("skin-of-color section" in ln and "yes" in ln for ln in lines)
    bad = format_report_table(handout_report(make_draft(summary="", about=["Redness appears."])))
    assert bad.splitlines()[0] == "acne: FAILED"
    assert "    error   skin-of-color: no section on how the condition looks on darker skin" in bad.splitlines()


def test_report_round_trips_through_json():
    d = make_draft(summary="", about=["Redness appears."])
    rep = handout_report(d)
    back = Report.from_dict(json.loads(json.dumps(rep.to_dict())))
    assert back == rep and back.passed is False and back.content_sha256 == d.content_sha256()
    assert back.first_error() == "no section on how the condition looks on darker skin"


def test_natural_frequencies_are_not_calculations():
    from handouts.checks.handout import calculation_numbers

    assert calculation_numbers("About 85 in 100 people (85%) get acne.") == []
    assert calculation_numbers("About 9 out of 10 people get it.") == []
    assert calculation_numbers("About 1 in 4 people get it.") == ["'1 in 4' (a ratio)"]
