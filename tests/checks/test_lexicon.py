"""The lexicon and allowlist files are data with tests of their own."""

from __future__ import annotations


import pytest

from handouts.checks import check_rewrite
from handouts.lexicon import (drugs, english_words, plain_terms, repair, stem, tokens, wordlist)

CATEGORIES = {"symptom", "body", "condition", "treatment", "product", "general", "instruction", "time"}


def test_drug_lexicon_size_and_shape():
    table = drugs()
    assert len(table) >= 300
    generics = {d.generic for d in table.values()}
    brands = [n for n, d in table.items() if n != d.generic]
    assert len(brands) >= 100 and len(generics) >= 150
    for name, d in table.items():
        assert name == name.lower().strip() and d.drug_class, name


def test_drug_lexicon_has_no_duplicates():
    lines = _data_lines("drugs.tsv")
    names = [ln.split("\t")[0] for ln in lines]
    assert len(names) == len(set(names))


def test_every_generic_of_a_single_drug_has_its_own_line():
    table = drugs()
    for d in table.values():
        if " with " not in d.generic and d.generic not in ("oral contraceptive",):
            assert d.generic in table, d.generic


def test_plain_terms_shape_and_no_duplicates():
    terms = plain_terms()
    names = [t.term for t in terms]
    assert len(names) == len(set(names)), [n for n in names if names.count(n) > 1]
    for t in terms:
        assert t.category in CATEGORIES, t
        assert t.plains and all(p.strip() == p and p for p in t.plains), t
        assert len(set(p.lower() for p in t.plains)) == len(t.plains), t


def test_no_synonym_is_a_drug():
    table = drugs()
    for t in plain_terms():
        for p in t.plains:
            assert p.lower() not in table, (t.term, p)


def test_synonyms_keep_their_category():
    """A synonym that names a symptom belongs to a symptom/condition term, and one that names
    a body part to a body term: no entry maps a term to a word with another meaning."""
    symptoms, body = wordlist("symptoms"), wordlist("body_parts")
    for t in plain_terms():
        for p in t.plains:
            words = set(tokens(p))
            if words & symptoms and t.category not in ("symptom", "condition", "treatment"):
                pytest.fail(f"{t.term!r} ({t.category}) -> {p!r} names a symptom")
            if words & body and t.category not in ("body", "symptom", "condition", "general",
                                                   "treatment", "product"):
                pytest.fail(f"{t.term!r} ({t.category}) -> {p!r} names a body part")


def test_synonyms_are_everyday_english():
    """Every word of a plain synonym is an English word (CMU dictionary, or an inflection of
    one), an allowed word, or one of a few everyday words the dictionary lacks."""
    known = (english_words() | wordlist("function_words") | wordlist("plain_words")
             | wordlist("symptoms") | wordlist("body_parts"))
    everyday = {"uv", "er", "ringworm", "chickenpox", "unscented", "sunblock",
                "melasma"}  # the handout's own title
    for t in plain_terms():
        for p in t.plains:
            if p.lower() == t.term.lower():
                continue  # a condition named as itself ("melasma")
            for w in tokens(p):
                assert w in known or w in everyday or any(
                    stem(k) == stem(w) for k in known if k[:5] == w[:5]
                ), (t.term, p, w)


def test_synonyms_are_not_terms_that_mean_something_else():
    """If a synonym is itself a lexicon term, its own plain words must lead back."""
    by_term = {t.term: t for t in plain_terms()}
    for t in plain_terms():
        for p in t.plains:
            other = by_term.get(p.lower())
            if other and other.term != t.term and other.plains[0].lower() != p.lower():
                assert t.term in other.plains or other.category == t.category, (t.term, p, other.term)


def test_known_ambiguous_mappings_are_absent():
    banned = {("lukewarm", "warm"), ("follicle", "pore"), ("seborrheic dermatitis", "dandruff"),
              ("exfoliation", "peeling"), ("burning", "stinging")}
    pairs = {(t.term, p) for t in plain_terms() for p in t.plains}
    assert not (banned & pairs)


@pytest.mark.parametrize("name", ["function_words", "plain_words", "symptoms", "body_parts"])
def test_wordlists_are_lowercase_and_unique(name):
    lines = _data_lines(f"{name}.txt")
    assert all(ln == ln.strip().lower() for ln in lines)
    dup = {ln for ln in lines if lines.count(ln) > 1}
    assert not dup, dup


def test_allowlist_has_no_symptom_body_part_or_drug():
    allowed = wordlist("plain_words") | wordlist("function_words")
    forbidden = wordlist("symptoms") | (wordlist("body_parts") - {"skin"})
    drug_words = {n for n in drugs() if " " not in n}
    assert not (allowed & forbidden)
    assert not (allowed & drug_words)
    assert not (allowed & {"fever", "rash", "mold", "infection", "cancer", "sun", "allergy", "bacteria"})


def test_stem_matches_inflections():
    assert stem("moisturizers") == stem("moisturize") == stem("moisturizing") == stem("moisturizer")
    assert stem("itchy") == stem("itching") == stem("itch")
    assert stem("nightly") == stem("night")


@pytest.mark.parametrize("source,expected", [
    ("Pruritus and erythema are common.", "Itch and redness are common."),
    ("Apply an emollient twice daily.", "Apply a moisturizer twice a day."),
    ("Dupilumab, an injection, is used.", "Dupilumab, a shot, is used."),
    ("Use narrowband UVB phototherapy (light therapy).", "Use narrowband UVB phototherapy (light therapy)."),
    ("Use narrowband UVB phototherapy.", "Use light therapy."),
    ("Oral antibiotics such as doxycycline.", "Oral antibiotics such as doxycycline."),
    ("Scratching worsens eczema.", "Scratching worsens eczema."),
])
def test_repair(source, expected):
    assert repair(source) == expected
    assert check_rewrite(source, repair(source)).accepted


def test_repair_leaves_glossary_terms():
    assert repair("Comedones are common.", {"comedones": "clogged pores"}) == "Comedones are common."


def _data_lines(name):
    from importlib import resources

    text = resources.files("handouts.data").joinpath(name).read_text(encoding="utf-8")
    return [ln for ln in text.splitlines() if ln.strip() and not ln.startswith("#")]
