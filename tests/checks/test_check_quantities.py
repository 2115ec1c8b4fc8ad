"""Quantities: number words normalised, frequencies and durations compared exactly."""

from __future__ import annotations

import pytest

from handouts.checks import quantities
from handouts.checks.quantities import extract


def keys(text, kind=None):
    return sorted(q.key for q in extract(text) if kind is None or q.kind == kind)


@pytest.mark.parametrize("a,b", [
    ("Apply twice daily.", "Use it twice a day."),
    ("Apply twice daily.", "Use it 2 times a day."),
    ("Apply twice daily.", "Use it two times per day."),
    ("Apply once nightly.", "Use it once each night."),
    ("Apply nightly.", "Use it every night."),
    ("Use daily.", "Use it every day."),
    ("Use it two to three times weekly.", "Use it 2-3 times a week."),
    ("Use it two to three times weekly.", "Use it 2 to 3 times each week."),
    ("Use it once or twice a day.", "Use it 1 or 2 times a day."),
    ("Use every other day.", "Use it every other day."),
    ("Use for 12 weeks.", "Use it for twelve weeks."),
    ("Use for 4 to 6 weeks.", "Use it for 4-6 weeks."),
    ("Use adapalene 0.1% gel.", "Use adapalene 0.1 percent gel."),
    ("SPF 30 or higher.", "An SPF of 30 or more."),
    ("Use 3 nights a week.", "Use it three nights each week."),
])
def test_same_quantities(a, b):
    assert quantities.check(a, b) == []


@pytest.mark.parametrize("source,candidate,reason", [
    ("Use the shampoo two to three times weekly.", "Use the shampoo twice a day.",
     "changes the frequency 'two to three times weekly' to 'twice a day'"),
    ("Apply weekly.", "Apply daily.", "changes the frequency 'weekly' to 'daily'"),
    ("Use benzoyl peroxide 5% wash.", "Use benzoyl peroxide 10% wash.",
     "changes the amount or strength '5%' to '10%'"),
    ("Use for 2 weeks.", "Use it for 2 months.",
     "changes the duration '2 weeks' to '2 months'"),
    ("Apply at least twice daily, ideally within 3 minutes of bathing.",
     "Put it on top of the bath every 3 minutes.",
     "changes the frequency 'twice daily' to 'every 3 minutes'"),
    ("Apply at least twice daily, ideally within 3 minutes of bathing.",
     "Put it on top of the bath every 3 minutes.",
     "drops the duration '3 minutes'"),
    ("Wear SPF 30.", "Wear SPF 50.", "changes the SPF 'SPF 30' to 'SPF 50'"),
    ("Apply once nightly.", "Apply once each morning.",
     "changes the time of day 'nightly' to 'morning'"),
    ("Take 100 mg.", "Take it.", "drops the amount or strength '100 mg'"),
    ("Bathe for 5 to 10 minutes.", "Bathe for 5 to 15 minutes.",
     "changes the duration '5 to 10 minutes' to '5 to 15 minutes'"),
    ("Acne affects 85% of teens.", "Acne affects most teens.",
     "drops the amount or strength '85%'"),
    ("Use it.", "Use it 3 times a day.", "adds the frequency '3 times a day', which your fact does not say"),
])
def test_changed_quantities(source, candidate, reason):
    assert reason in quantities.check(source, candidate)


def test_frequency_keys():
    assert keys("twice daily", "frequency") == ["2 per day"]
    assert keys("two to three times weekly", "frequency") == ["2-3 per week"]
    assert keys("every 3 minutes", "frequency") == ["1 per 3 minute"]
    assert keys("every other day", "frequency") == ["1 per 2 day"]


def test_once_as_a_conjunction_is_not_a_count():
    assert keys("Once the rash clears, stop the cream.") == []


def test_one_as_a_pronoun_is_not_a_number():
    assert keys("Acne is one of the most common skin problems.") == []


@pytest.mark.parametrize("a,b", [
    ("About 90% of patients are women.", "About 9 in 10 patients are women."),
    ("Acne affects about 85% of people.", "About 85 out of 100 people get acne."),
    ("About 30% develop arthritis.", "About three in ten get arthritis."),
])
def test_share_as_a_frequency_is_the_same_figure(a, b):
    assert quantities.check(a, b) == []


def test_share_as_a_wrong_frequency_is_refused():
    assert quantities.check("About 90% of patients are women.", "About 9 in 100 patients are women.") == [
        "changes the amount or strength '90%' to '9 in 100'"]
    assert keys("Repeat in 1 week.") == ["1 week"]


def test_more_weeks_after_a_first_period_is_the_same_duration():
    src = "Keep using the antifungal cream for 1 to 2 weeks after the rash has cleared."
    assert quantities.check(src, "After the rash has cleared, keep using the cream for 1 to 2 more weeks.") == []
    assert quantities.check(src, "After the rash has cleared, keep using the cream for 3 more weeks.") == [
        "changes the duration '1 to 2 weeks' to '3 more weeks'"]


def test_a_span_of_time_without_a_number_is_a_duration():
    assert quantities.check("Itching improves within days of starting treatment.",
                            "Itching improves within weeks of starting treatment.") == [
        "changes the duration 'days' to 'weeks'"]
    assert quantities.check("Pain can last for months.", "Pain can last for years.") == [
        "changes the duration 'months' to 'years'"]
    assert quantities.check("Pain can last for months.", "Pain can last for months.") == []
