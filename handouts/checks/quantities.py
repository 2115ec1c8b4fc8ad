"""Numbers, ranges, percentages, strengths, units, frequencies, durations and timing.

A rewrite must keep every quantity of its source, and add none. Number words are
normalised first, so "twice a day" == "2 times a day" == "twice daily", and
"two to three times weekly" == "2-3 times a week", but "weekly" != "daily".

`extract(text)` returns `Quantity` items with a canonical `key` (compared) and the
text span as written (quoted back to the reviewer).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from handouts.checks.findings import Finding, Kind, messages, quote
from handouts.sources.lexicon import normalize

_NUMBER_WORDS = {
    "zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
    "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13,
    "fourteen": 14, "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18,
    "nineteen": 19, "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60,
    "seventy": 70, "eighty": 80, "ninety": 90, "hundred": 100, "a hundred": 100,
    "a dozen": 12, "half": 0.5, "a half": 0.5, "one half": 0.5, "single": 1, "a single": 1,
    "a couple of": 2, "a couple": 2,
}
_VAGUE = {"a few": "few", "few": "few", "several": "several", "many": "many"}
_WORDNUM = "|".join(sorted(map(re.escape, list(_NUMBER_WORDS) + list(_VAGUE)), key=len, reverse=True))
N = rf"(?:\d+(?:,\d{{3}})*(?:\.\d+)?|\.\d+|\d+/\d+|(?:{_WORDNUM})(?![a-z]))"
R = rf"(?:between\s+{N}\s+and\s+{N}|{N}(?:\s*(?:-|to|or)\s*{N})?)"
COUNT = rf"(?:once|twice|thrice|{R}\s*(?:times?|x)(?![a-z]))"
COUNTR = rf"(?:{COUNT}(?:\s*(?:-|to|or)\s*{COUNT})?|(?:once|twice|{N})\s*(?:-|to|or)\s*{COUNT})"
PER = r"(?:a|an|per|each|every|/|in\s+a|in\s+the)"
PERIOD = r"(?:day|night|week|month|year|hour|minute|morning|evening|afternoon|bedtime)"
ADV = r"(?:daily|nightly|weekly|monthly|yearly|annually|hourly)"

_PERIOD_CANON = {"night": "day", "morning": "day", "evening": "day", "afternoon": "day",
                 "bedtime": "day", "daily": "day", "nightly": "day", "weekly": "week",
                 "monthly": "month", "yearly": "year", "annually": "year", "hourly": "hour"}

_UNITS = {
    "%": "%", "percent": "%", "per cent": "%",
    "mg": "mg", "milligram": "mg", "milligrams": "mg", "mcg": "mcg", "microgram": "mcg",
    "micrograms": "mcg", "g": "g", "gram": "g", "grams": "g", "kg": "kg", "kilogram": "kg",
    "kilograms": "kg", "ml": "ml", "milliliter": "ml", "milliliters": "ml", "millilitre": "ml",
    "millilitres": "ml", "l": "l", "liter": "l", "liters": "l", "oz": "oz", "ounce": "oz",
    "ounces": "oz", "teaspoon": "tsp", "teaspoons": "tsp", "tsp": "tsp", "tablespoon": "tbsp",
    "tablespoons": "tbsp", "tbsp": "tbsp", "fingertip unit": "ftu", "fingertip units": "ftu",
    "ftu": "ftu", "ftus": "ftu", "iu": "iu", "units": "unit", "unit": "unit", "cm": "cm",
    "centimeter": "cm", "centimeters": "cm", "mm": "mm", "millimeter": "mm",
    "millimeters": "mm", "inch": "inch", "inches": "inch", "feet": "ft", "foot": "ft",
    "degrees": "degree", "degree": "degree", "°f": "°f", "°c": "°c", "°": "degree",
    "second": "second", "seconds": "second", "sec": "second", "secs": "second",
    "minute": "minute", "minutes": "minute", "min": "minute", "mins": "minute",
    "hour": "hour", "hours": "hour", "hr": "hour", "hrs": "hour", "day": "day", "days": "day",
    "night": "night", "nights": "night", "week": "week", "weeks": "week", "wk": "week",
    "wks": "week", "month": "month", "months": "month", "mo": "month", "year": "year",
    "years": "year", "yr": "year", "yrs": "year", "cup": "cup", "cups": "cup",
    "glass": "glass", "glasses": "glass", "drop": "drop", "drops": "drop", "pump": "pump",
    "pumps": "pump", "tablet": "tablet", "tablets": "tablet", "pill": "tablet",
    "pills": "tablet", "capsule": "capsule", "capsules": "capsule", "dose": "dose",
    "doses": "dose", "layer": "layer", "layers": "layer", "people": "people",
    "patients": "people", "adults": "people", "children": "people", "women": "people",
    "men": "people", "in": "in",
}
_TIME_UNITS = {"second", "minute", "hour", "day", "night", "week", "month", "year"}
_UNIT_RE = "|".join(sorted(map(re.escape, _UNITS), key=len, reverse=True))
_TIME_RE = "seconds?|minutes?|hours?|days?|nights?|weeks?|months?|years?"

_TIMING = (
    ("night", re.compile(r"\b(?:night|nights|nightly|bedtime|bed|evening|evenings|pm)\b")),
    ("morning", re.compile(r"\b(?:morning|mornings|am|breakfast|sunrise)\b")),
)


@dataclass(frozen=True)
class Quantity:
    kind: str  # "frequency", "duration", "amount", "number", "spf", "timing"
    key: str  # canonical form compared between source and rewrite
    text: str  # as written


def _num(word: str) -> str:
    word = word.strip().replace(",", "")
    if word in _VAGUE:
        return _VAGUE[word]
    if word in _NUMBER_WORDS:
        value = _NUMBER_WORDS[word]
    elif "/" in word:
        a, b = word.split("/")
        value = int(a) / int(b) if int(b) else 0
    else:
        value = float(word)
    return f"{value:g}"


def _range(text: str) -> str:
    """Canonical value of a number or range: "2", "2-3", "0.1", "few"."""
    text = text.strip()
    m = re.fullmatch(rf"between\s+({N})\s+and\s+({N})", text)
    if m:
        return f"{_num(m.group(1))}-{_num(m.group(2))}"
    m = re.fullmatch(rf"({N})\s*(?:-|to|or)\s*({N})", text)
    if m:
        return f"{_num(m.group(1))}-{_num(m.group(2))}"
    return _num(text)


def _count(text: str) -> str:
    """Canonical count of "once", "twice", "2-3 times", "once or twice"."""
    text = re.sub(r"\s*(?:times?|x)$", "", text.strip())
    text = re.sub(r"\b(?:times?|x)\b", "", text)
    text = re.sub(r"\bonce\b", "1", text)
    text = re.sub(r"\btwice\b", "2", text)
    text = re.sub(r"\bthrice\b", "3", text)
    return _range(re.sub(r"\s+", " ", text).strip())


def _period(word: str) -> str:
    return _PERIOD_CANON.get(word, word)


def _pattern(kind: str, regex: str):
    return kind, re.compile(rf"(?<![\w.]){regex}", re.I)


# In priority order; each match masks its span for the later patterns.
_PATTERNS = (
    # "9 in 10 people", "85 out of 100": a share, the same as 90%, 85%
    _pattern("ratio", rf"(?P<a>{N})\s+(?:out\s+of|in)\s+(?P<b>{N})(?![\d.])(?!\s*(?:-|to)\s*\d)"
                      r"(?!\s*(?:seconds?|minutes?|mins?|hours?|hrs?|days?|nights?|weeks?|wks?|months?|years?|yrs?)\b)"),
    _pattern("freq_count_days", rf"(?P<n>{R})\s*(?:days?|nights?)\s*{PER}\s*(?P<p>week|month)\b"),
    _pattern("freq_count", rf"(?P<c>{COUNTR})(?:\s*(?:{PER}\s*(?P<p>{PERIOD})\b|(?P<a>{ADV})\b))?"),
    _pattern("freq_every_n", rf"every\s+(?P<n>other|{R})\s+(?P<p>{PERIOD})s?\b"),
    _pattern("freq_each", rf"(?:every|each|per|once\s+a|a)\s+(?P<p>{PERIOD})\b(?!\s+(?:or|and)\s+two)"),
    _pattern("freq_adv", rf"(?P<a>{ADV})\b"),
    _pattern("spf", rf"spf\s*(?:of\s+)?(?P<n>{R})(?!\d|\.\d)"),
    _pattern("spf", rf"(?P<n>{R})\s*spf\b"),
    # "for 1 to 2 more weeks" is the same duration as "for 1 to 2 weeks" (after a first period)
    _pattern("measure", rf"(?P<n>{R})\s*-?\s*(?:(?:more|extra|additional|further)\s+(?=(?:{_TIME_RE})\b))?"
                        rf"(?P<u>{_UNIT_RE})(?![a-z])"),
    # "within days", "for months": a span of time with no number is still a duration
    _pattern("span", r"(?P<u>seconds|minutes|hours|days|weeks|months|years)(?![\w-])"),
    _pattern("number", r"(?P<n>\d+(?:,\d{3})*(?:\.\d+)?(?:\s*(?:-|to)\s*\d+(?:\.\d+)?)?)(?![\w])"),
    _pattern("number", r"(?P<n>two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|"
                       r"fifteen|twenty|thirty|forty|fifty|sixty|hundred)(?![a-z])"),
)


def _share(a: str, b: str) -> str | None:
    """ "9", "10" -> "90"; None unless both are plain numbers and a <= b."""
    try:
        x, y = float(_num(a)), float(_num(b))
    except ValueError:  # "few", "many"
        return None
    if not (0 < x <= y) or y < 2:
        return None
    value = 100 * x / y
    return f"{value:g}" if value == int(value) else f"{round(value)}"


def _freq_key(count: str, period: str | None, every: str = "1") -> str:
    if period is None:
        return f"{count} times"
    return f"{count} per {'' if every == '1' else every + ' '}{period}"


def extract(text: str) -> list[Quantity]:
    """Every quantity in `text`, in order of appearance."""
    low = normalize(text)
    if len(low) != len(text):  # contractions changed lengths; spans then use `low`
        text = low
    found: list[tuple[int, Quantity]] = []
    masked = low
    for kind, regex in _PATTERNS:
        for m in regex.finditer(masked):
            g = m.groupdict()
            span = text[m.start():m.end()].strip()
            if kind == "freq_count_days":
                q = Quantity("frequency", _freq_key(_range(g["n"]), _period(g["p"])), span)
            elif kind == "freq_count":
                period = g.get("p") or g.get("a")
                if period is None and re.fullmatch(r"\s*once\s*", g["c"]):
                    continue  # "once the rash clears": a conjunction, not a count
                q = Quantity("frequency", _freq_key(_count(g["c"]), _period(period) if period else None), span)
            elif kind == "freq_every_n":
                every = "2" if g["n"] == "other" else _range(g["n"])
                q = Quantity("frequency", _freq_key("1", _period(g["p"]), every), span)
            elif kind in ("freq_each", "freq_adv"):
                q = Quantity("frequency", _freq_key("1", _period(g.get("p") or g.get("a"))), span)
            elif kind == "ratio":
                share = _share(g["a"], g["b"])
                if share is None:
                    continue
                q = Quantity("amount", f"{share} %", span)
            elif kind == "spf":
                q = Quantity("spf", f"spf {_range(g['n'])}", span)
            elif kind == "measure":
                unit = _UNITS[g["u"].lower()]
                if unit == "in" and not re.search(r"\d", g["n"]):
                    continue  # "one in" is not a length
                if unit == "in":
                    continue  # "1 in 10" is a ratio: numbers are compared below
                value = _range(g["n"])
                if value in ("few", "several", "many") and unit not in _TIME_UNITS:
                    continue
                q = Quantity("duration" if unit in _TIME_UNITS else "amount", f"{value} {unit}", span)
            elif kind == "span":
                q = Quantity("duration", _UNITS[g["u"]] + "s", span)
            else:
                q = Quantity("number", _range(g["n"]), span)
            found.append((m.start(), q))
            masked = masked[:m.start()] + " " * (m.end() - m.start()) + masked[m.end():]
    for label, regex in _TIMING:
        for m in regex.finditer(low):
            found.append((m.start(), Quantity("timing", label, text[m.start():m.end()])))
    return [q for _, q in sorted(found, key=lambda x: x[0])]


_KIND_NAMES = {"frequency": "frequency", "duration": "duration", "amount": "amount or strength",
               "number": "number", "spf": "SPF", "timing": "time of day"}


def _texts(items: list[Quantity]) -> list[str]:
    return list(dict.fromkeys(q.text for q in items))


def findings(source: str, candidate: str) -> list[Finding]:
    """How the candidate's quantities differ from the source's ([] if they do not)."""
    src, cand = extract(source), extract(candidate)
    out = []
    for kind, name in _KIND_NAMES.items():
        s_keys = {q.key for q in src if q.kind == kind}
        c_keys = {q.key for q in cand if q.kind == kind}
        if s_keys == c_keys:
            continue
        lost = _texts([q for q in src if q.kind == kind and q.key not in c_keys])
        added = _texts([q for q in cand if q.kind == kind and q.key not in s_keys])
        if lost and added:
            out.append(Finding(Kind.CHANGED_QUANTITY, tuple(lost + added),
                               f"changes the {name} {quote(lost)} to {quote(added)}", "quantities"))
        elif lost:
            out.append(Finding(Kind.DROPPED_QUANTITY, tuple(lost), f"drops the {name} {quote(lost)}",
                               "quantities"))
        else:
            out.append(Finding(Kind.ADDED_QUANTITY, tuple(added),
                               f"adds the {name} {quote(added)}, which your fact does not say", "quantities"))
    return out


def check(source: str, candidate: str) -> list[str]:
    """Messages for `findings` ([] if the quantities match)."""
    return messages(findings(source, candidate))
