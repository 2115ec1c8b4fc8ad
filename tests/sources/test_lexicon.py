"""The lexicon and allowlist files are data with tests of their own."""

from __future__ import annotations


import pytest

from handouts.checks import check_rewrite
from handouts.sources.lexicon import (drug_phrases, drugs, english_words, indefinite_article, lexicon_repair, plain_terms,
                                      repair, stem, tokens, wordlist)

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


def test_a_glossary_term_is_kept_and_explained_at_first_use():
    assert repair("Comedones are common.", {"comedones": "clogged pores"}) == "Comedones (clogged pores) are common."
    r = lexicon_repair("Comedones form; comedones clear.", {"comedones": "x"})
    assert r.text == "Comedones (clogged pores) form; comedones clear." and r.explained_terms == ("comedones",)
    assert lexicon_repair("Comedone forms.", {"comedones": "x"}, set(r.explained)).text == "Comedone forms."


# -- the review's flags (shared/reviews/lexicon-flags.txt), each on sentences of its own --

@pytest.mark.parametrize("source,expected", [
    # wrong meaning: kept (or explained), never swapped for a narrower/broader word
    ("About 90% of patients are women.", "About 90% of patients are women."),
    ("It is also called chloasma.", "It is also called chloasma (the mask of pregnancy)."),
    ("Bathe with a gentle cleanser.", "Bathe with a gentle cleanser."),
    ("Retinoids are avoided in pregnancy.", "Retinoids (vitamin A medicines) are avoided in pregnancy."),
    ("Pores are hair follicles.", "Pores are hair follicles (the openings where hairs grow)."),
    ("Actinic keratoses need treatment.",
     "Actinic keratoses (rough, scaly spots from sun damage that can turn into skin cancer) need treatment."),
    ("Cellulitis needs antibiotics.", "Cellulitis (a deep skin infection) needs antibiotics."),
    # an adjective whose meaning is a clause: explained, never swapped in ("a won't clog pores moisturizer")
    ("Use a non-comedogenic moisturizer.", "Use a non-comedogenic (won't clog pores) moisturizer."),
    ("Dermal melasma is deeper.", "Dermal melasma is deeper."),
    ("A nurse practitioner can help.", "A nurse practitioner can help."),
    ("Dilute the bleach in the bath.", "Dilute the bleach in the bath."),
    ("Psoriasis of the palms and soles.", "Psoriasis of the palms of the hands and soles of the feet."),
    ("It affects the trunk.", "It affects the trunk."),
    ("Acute urticaria lasts days.", "Acute hives lasts days."),
    ("Seborrheic dermatitis is common.",
     "Seborrheic dermatitis (a flaky, greasy rash, often on the scalp and face) is common."),
    # part of speech and inflection
    ("The rash has not improved after 3 months.", "The rash has not improved after 3 months."),
    ("There was no improvement.", "There was no improvement."),
    ("Azelaic acid is an alternative to hydroquinone.", "Azelaic acid is an alternative to hydroquinone."),
    ("Acne flares before menses.", "Acne flares before menses (periods)."),
    ("Isotretinoin is contraindicated in pregnancy.", "Isotretinoin must not be used in pregnancy."),
    ("Tretinoin is efficacious.", "Tretinoin works well."),
    ("Do not use clindamycin as monotherapy.", "Do not use clindamycin alone."),
    ("Consult with a dermatologist.", "Talk with a skin doctor."),
    ("Hormonal acne is common.", "Hormonal acne is common."),
    ("An increase in dose helps.", "An increase in dose helps."),
    # awkward
    ("Acne is not contagious.", "Acne does not spread to others."),
    ("Facial hair grows.", "Hair on the face grows."),
    ("Sebum production rises.", "Skin oil production rises."),
    ("Pustules form.", "Pus-filled bumps form."),
    ("Use it twice weekly.", "Use it twice a week."),
    ("A bacterial infection needs care.", "An infection caused by germs needs care."),
    ("Bathe in tepid water.", "Bathe in tepid (slightly warm) water."),
    ("Use it in moderate acne.", "Use it in moderate acne."),
])
def test_flagged_entries_read_right(source, expected):
    assert repair(source) == expected
    assert check_rewrite(source, repair(source)).accepted


def test_bad_secondary_synonyms_are_gone():
    pairs = {(t.term, p) for t in plain_terms() for p in t.plains}
    for bad in [("pustules", "whiteheads"), ("ointment", "greasy cream"), ("pain", "soreness"),
                ("pain", "hurting"), ("cleanser", "soap"), ("ultraviolet", "sun"), ("visible light", "light"),
                ("patients", "people"), ("chloasma", "melasma"), ("retinoid", "vitamin A cream")]:
        assert bad not in pairs, bad


def test_an_identity_entry_shields_the_longer_phrase():
    # "follicles" alone is explained; inside "hair follicles" it is not cut up
    assert "hair hair" not in repair("Bumps form around hair follicles.")
    assert repair("Bumps form around hair follicles.") == (
        "Bumps form around hair follicles (the openings where hairs grow).")
    assert repair("A nurse practitioner sees you.") == "A nurse practitioner sees you."


@pytest.mark.parametrize("source,expected", [
    ("An alternative is to use an injection.", "An alternative is to use a shot."),
    ("Apply an emollient.", "Apply a moisturizer."),
    ("It is an irritant.", "It is something that irritates."),
    ("A basal cell carcinoma can bleed.", "A basal cell carcinoma (a common skin cancer) can bleed."),
])
def test_articles_fit_the_words_after_them(source, expected):
    assert repair(source) == expected


def test_indefinite_article_by_sound():
    assert [indefinite_article(w) for w in ["itch", "UV", "user", "hour", "SPF", "unusual", "one-time", "egg"]] == [
        "an", "a", "a", "an", "an", "an", "a", "an"]


def test_nothing_inside_a_drug_phrase_is_swapped():
    src = "Use a topical corticosteroid such as triamcinolone 0.1% ointment twice daily."
    assert repair(src) == ("Use a steroid medicine for the skin such as triamcinolone 0.1% ointment twice a day.")
    assert drug_phrases("Use benzoyl peroxide 2.5-5% wash daily.") == [(4, 32)]
    assert repair("Benzoyl peroxide 5% cleanser daily.") == "Benzoyl peroxide 5% cleanser daily."


def test_every_mode_is_known_and_explanations_are_plain():
    for t in plain_terms():
        assert t.mode in ("swap", "explain", "norepair"), t
        if t.mode == "explain":
            assert len(tokens(t.plains[0])) <= 14, t


def _data_lines(name):
    from importlib import resources

    text = resources.files("handouts.data").joinpath(name).read_text(encoding="utf-8")
    return [ln for ln in text.splitlines() if ln.strip() and not ln.startswith("#")]


@pytest.mark.parametrize("source,candidate", [
    ("Bathe with a gentle cleanser.", "Bathe with a gentle face wash."),  # a whole-body bath is not the face
    ("Androgens raise oil production in teens.", "Male hormones raise oil production in teens."),  # women have them too
    ("Pus suggests bacterial infection.", "Pus suggests a germ infection."),  # not English a patient uses
])
def test_flagged_second_synonyms_are_no_longer_equal(source, candidate):
    """lexicon-flags.txt: these were kept only as second synonyms the guard accepted as equal."""
    assert not check_rewrite(source, candidate).accepted


def test_a_name_being_taught_is_never_swapped():
    assert lexicon_repair("The skin thickens. This is called lichenification.").text == \
        "The skin thickens. This is called lichenification."
    assert lexicon_repair("Lichenification is common.").text != "Lichenification is common."


@pytest.mark.parametrize("source,expected", [
    ("Fever with sudden painful acne may be acne fulminans.",
     "Fever with sudden painful acne may be acne fulminans (a rare, sudden and severe form of acne)."),
    ("Sit up after the pill to avoid esophageal irritation.", "Sit up after the pill to avoid irritation of the food pipe."),
    ("Spironolactone is an off-label choice.",
     "Spironolactone is an off-label (used in a way the drug was not first approved for) choice."),
    ("JAK inhibitors need blood tests.", "JAK inhibitors (medicines that block part of the immune system) need blood tests."),
])
def test_terms_the_review_found_unexplained_are_explained(source, expected):
    assert lexicon_repair(source).text == expected
