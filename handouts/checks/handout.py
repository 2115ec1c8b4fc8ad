"""The plain-language report on a whole handout (PEMAT and CDC Clear Communication Index).

`handout_report(draft)` is pure and JSON-able. It measures:
- reading grade, Flesch-Kincaid and SMOG, on the patient prose only;
- the share of sentences over 20 words, and of passive sentences;
- medical terms used without explanation (lexicon terms not in the glossary and not
  explained in the same text);
- numbers the reader has to calculate with (fractions, "1 in 4", "x% of", per-kg doses);
- whether a summary comes first and whether the text speaks to "you" with actions;
- skin of color: the section is present, and colour words like "red" or "pink" come
  with how the change looks on darker skin;
- how each fact's text was made (`Origin`: clinician's words unchanged, word swaps,
  restructured, model rewrite, clinician edit), as counts.

The result is a typed `Report` (`to_dict`/`from_dict` for drafts/ID.report.json).
Errors make `passed` false (no prose, no skin-of-color section); the rest are
warnings for the reviewer. `format_report_table` renders it for `handouts check`.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING, NamedTuple

from handouts.checks.readability import readability, strip_markdown
from handouts.core.text import split_sentences, table
from handouts.sources.lexicon import plain_terms, stems, tokens

if TYPE_CHECKING:  # pragma: no cover
    from handouts.core.drafts import Draft

LONG_SENTENCE_WORDS = 20
MAX_LONG_SHARE = 0.2
MAX_PASSIVE_SHARE = 0.2

_PASSIVE = re.compile(
    r"\b(?:am|is|are|was|were|be|been|being|get|gets|got|gotten)\s+(?:\w+ly\s+|not\s+)?"
    r"(?:\w+ed|known|made|done|seen|given|taken|shown|worn|caused|found|born|spread|"
    r"written|driven|thrown|grown|bitten|hidden|broken|chosen|eaten|forgotten|held|kept|left|"
    r"lost|paid|put|sold|sent|told|understood|brought|bought|caught|taught|thought)\b",
    re.I,
)
# -ed words that are adjectives after "be" rather than passives
_NOT_PASSIVE = {"tired", "interested", "worried", "pleased", "scared", "concerned", "excited",
                "used", "supposed", "married", "inherited", "needed", "related", "red",
                "bored", "advised", "infected", "inflamed", "irritated", "cracked",
                "raised", "swollen", "blocked", "clogged", "damaged", "limited"}
_CALC = (
    (re.compile(r"\b\d+\s*/\s*\d+\b"), "a fraction"),
    # "1 in 4" asks for a division; "85 in 100", "1 in 10" are natural frequencies: plain
    (re.compile(r"\b\d+\s+(?:in|out of)\s+(?:every\s+)?(?!10\b|100\b|1,?000\b)\d+\b", re.I), "a ratio"),
    (re.compile(r"\b\d+(?:\.\d+)?\s*%\s+of\b", re.I), "a percentage of a group"),
    (re.compile(r"\b(?:per|/)\s*(?:kg|kilogram|pound|lb)\b", re.I), "a dose by body weight"),
    (re.compile(r"\b\d+\s*(?:x|times)\s+(?:as|more|less)\b", re.I), "a multiple"),
)
_IMPERATIVE = re.compile(
    r"^(?:please\s+)?(?:use|apply|put|wash|rinse|avoid|call|see|ask|tell|keep|try|stop|start|"
    r"take|wear|choose|pat|gently|do|don't|never|always|protect|cover|check|look|moisturize|"
    r"leave|get|seek|go|talk|limit|remember|make|give|follow|store|read)\b",
    re.I,
)
_COLOUR = re.compile(r"\b(?:red|redder|reddish|redness|pink|pinkish|pinker|rosy|flushed)\b", re.I)
_DARK_NOTE = re.compile(
    r"\b(?:darker|dark|brown|black|deeper)\s+(?:skin|tones?|complexions?)\b|\b(?:purple|purplish|"
    r"violet|gray|grey|grayish|greyish|ashy|brown|darker)\b",
    re.I,
)


def _sentences(text: str) -> list[str]:
    """Sentences of a point; each item of a list (handouts.core.drafts.list_parts) counts as one."""
    return [s for line in strip_markdown(text).splitlines() for s in split_sentences(line) if s.strip()]


def _is_passive(sentence: str) -> bool:
    for m in _PASSIVE.finditer(sentence):
        if m.group(0).split()[-1].lower() not in _NOT_PASSIVE:
            return True
    return False


def _clinical_terms() -> list[tuple[str, tuple[str, ...], tuple[tuple[str, ...], ...]]]:
    out = []
    for t in plain_terms():
        if t.plains[0].lower() == t.term.lower() or t.category in ("general", "instruction", "time"):
            continue
        out.append((t.term, tuple(stems(t.term)), tuple(tuple(stems(p)) for p in t.plains)))
    return sorted(out, key=lambda x: -len(x[1]))


def _contains(seq: tuple[str, ...], hay: list[str]) -> bool:
    n = len(seq)
    return any(tuple(hay[i:i + n]) == seq for i in range(len(hay) - n + 1))


def unexplained_terms(draft: "Draft") -> list[dict]:
    """Lexicon terms a patient reads with no explanation: [{"term", "fact"}]."""
    glossary = {" ".join(stems(k)) for k in draft.glossary}
    found, seen = [], set()
    terms = _clinical_terms()
    for f in draft.facts():
        st = stems(f.text)
        inside: list[tuple[str, ...]] = []
        for term, t_st, plains in terms:
            if not _contains(t_st, st) or any(_contains(t_st, longer) for longer in inside):
                continue
            inside.append(t_st)
            explained = " ".join(t_st) in glossary or any(_contains(p, st) for p in plains if p)
            if not explained and term not in seen:
                seen.add(term)
                found.append({"term": term, "fact": f.fact_id})
    return found


def calculation_numbers(text: str) -> list[str]:
    out = []
    for regex, kind in _CALC:
        out += [f"'{m.group(0)}' ({kind})" for m in regex.finditer(text)]
    return list(dict.fromkeys(out))


@dataclass
class Finding:
    """One thing the reviewer should know about a handout; errors block approval."""

    severity: str  # "error" | "warning" | "acknowledge" (on clinician-written text: shown, signed for)
    check: str  # "readability", "jargon", "faithfulness", "stale", ...
    message: str
    fact: str | None = None
    kind: str = ""  # the guard's finding kind, for faithfulness findings
    words: list[str] = field(default_factory=list)  # the words it is about
    key: str = ""  # a short id of this finding on this exact text (what a clinician acknowledges)

    @classmethod
    def from_dict(cls, d: dict) -> "Finding":
        return cls(str(d.get("severity", "warning")), str(d.get("check", "")), str(d.get("message", "")),
                   None if d.get("fact") in (None, "") else str(d["fact"]), str(d.get("kind") or ""),
                   [str(w) for w in d.get("words") or []], str(d.get("key") or ""))


@dataclass
class Grade:
    fk: float | None = None
    smog: float | None = None
    target: float = 6
    passed: bool = False

    def scores(self) -> dict:
        """{"fk", "smog"}: what the published page and PDF show."""
        return {"fk": self.fk, "smog": self.smog}


@dataclass
class Report:
    """drafts/ID.report.json: the checks on one whole handout."""

    id: str
    grade: Grade = field(default_factory=Grade)
    long_sentences_share: float = 0.0
    passive_share: float = 0.0
    unexplained_terms: list[str] = field(default_factory=list)
    calculation_numbers: list[str] = field(default_factory=list)
    summary_first: bool = False
    addresses_you: bool = False
    skin_of_color: dict = field(default_factory=lambda: {"present": False,
                                                         "colour_words_without_dark_skin_note": []})
    origins: dict[str, int] = field(default_factory=dict)  # Origin value -> number of facts
    findings: list[Finding] = field(default_factory=list)
    content_sha256: str | None = None  # the draft content these checks ran on

    @property
    def passed(self) -> bool:
        return not any(f.severity == "error" for f in self.findings)

    def first_error(self) -> str:
        return next((f.message or f.check for f in self.findings if f.severity == "error"), "checks failed")

    def add(self, severity: str, check: str, message: str, fact: str | None = None) -> None:
        self.findings.append(Finding(severity, check, message, fact))

    def to_dict(self) -> dict:
        d = asdict(self)
        for f in d["findings"]:  # kind, words and key only on faithfulness findings
            for k in ("kind", "words", "key"):
                if not f.get(k):
                    f.pop(k, None)
        d["passed"] = self.passed
        return d

    @classmethod
    def from_dict(cls, d: dict) -> "Report":
        g = d.get("grade") if isinstance(d.get("grade"), dict) else {}
        findings = [Finding.from_dict(f) for f in d.get("findings") or [] if isinstance(f, dict)]
        rep = cls(
            id=str(d.get("id", "")),
            grade=Grade(g.get("fk"), g.get("smog"), g.get("target", 6), bool(g.get("passed", False))),
            long_sentences_share=float(d.get("long_sentences_share") or 0.0),
            passive_share=float(d.get("passive_share") or 0.0),
            unexplained_terms=[str(t) for t in d.get("unexplained_terms") or []],
            calculation_numbers=[str(t) for t in d.get("calculation_numbers") or []],
            summary_first=bool(d.get("summary_first", False)),
            addresses_you=bool(d.get("addresses_you", False)),
            skin_of_color=dict(d.get("skin_of_color") or {}),
            origins={str(k): int(v) for k, v in (d.get("origins") or {}).items()},
            findings=findings,
            content_sha256=d.get("content_sha256"),
        )
        if d.get("passed") is False and rep.passed:  # a failed report stays failed
            rep.add("error", "checks", "the saved report says the checks failed")
        return rep


class Sentence(NamedTuple):
    fact_id: str
    text: str


class Shares(NamedTuple):
    long: float  # share of sentences over LONG_SENTENCE_WORDS words
    passive: float  # share of passive sentences


def _grade(prose: str, target: float, out: list[Finding]) -> Grade:
    try:
        r = readability(prose)
        fk, smog = r.fk_grade, r.smog
    except ValueError as exc:
        fk = smog = None
        out.append(Finding("error", "readability", f"{exc}: the handout has no patient text"))
    grade_ok = fk is not None and fk <= target
    if fk is not None and not grade_ok:
        out.append(Finding("warning", "readability", f"reading grade {fk:.1f} (Flesch-Kincaid), SMOG {smog:.1f}; "
                                                     f"the target is {target:g} or lower"))
    return Grade(fk, smog, target, grade_ok)


def _shares(sentences: list[Sentence], out: list[Finding]) -> Shares:
    n = len(sentences) or 1
    long_ = [s for s in sentences if len(tokens(s.text)) > LONG_SENTENCE_WORDS]
    passive = [s for s in sentences if _is_passive(s.text)]
    shares = Shares(round(len(long_) / n, 3) if sentences else 0.0,
                    round(len(passive) / n, 3) if sentences else 0.0)
    if shares.long > MAX_LONG_SHARE:
        out.append(Finding("warning", "sentence-length",
                           f"{len(long_)} of {len(sentences)} sentences are over {LONG_SENTENCE_WORDS} words "
                           f"(first: {long_[0].fact_id})", long_[0].fact_id))
    if shares.passive > MAX_PASSIVE_SHARE:
        out.append(Finding("warning", "passive-voice",
                           f"{len(passive)} of {len(sentences)} sentences are passive "
                           f"(first: {passive[0].fact_id})", passive[0].fact_id))
    return shares


def _jargon(draft: "Draft", out: list[Finding]) -> list[str]:
    unexplained = unexplained_terms(draft)
    for u in unexplained:
        out.append(Finding("warning", "jargon", f"'{u['term']}' is used without a plain explanation; "
                                                "add it to the sheet's glossary or explain it", u["fact"]))
    return [u["term"] for u in unexplained]


def _calculations(facts: list, out: list[Finding]) -> list[str]:
    found = []
    for f in facts:
        for c in calculation_numbers(f.text):
            found.append(c)
            out.append(Finding("warning", "numbers", f"{c} asks the reader to calculate", f.fact_id))
    return found


def _summary_first(draft: "Draft", out: list[Finding]) -> bool:
    present = bool(draft.summary.text.strip())
    if not present:
        out.append(Finding("warning", "summary", "the handout has no summary up front"))
    return present


def _addresses_you(sentences: list[Sentence], out: list[Finding]) -> bool:
    yes = any(bool(re.search(r"\byou(?:r|rs|rself)?\b", s.text, re.I) or _IMPERATIVE.match(s.text.strip()))
              for s in sentences)
    if not yes:
        out.append(Finding("warning", "actions",
                           "no action is addressed to the reader ('you', or steps such as 'Use...')"))
    return yes


def _skin_of_color(draft: "Draft", facts: list, out: list[Finding]) -> dict:
    """The section is there, and colour words elsewhere say how they look on darker skin."""
    soc = draft.section("skin_of_color")
    present = bool(soc and any(f.text.strip() for f in soc.facts))
    if not present:
        out.append(Finding("error", "skin-of-color", "no section on how the condition looks on darker skin"))
    without_note = []
    for f in facts:
        if soc and f in soc.facts:
            continue
        words = list(dict.fromkeys(m.group(0).lower() for m in _COLOUR.finditer(f.text)))
        if words and not _DARK_NOTE.search(f.text):
            without_note.append({"fact": f.fact_id, "words": words})
            out.append(Finding("warning", "skin-of-color",
                               f"says {', '.join(repr(w) for w in words)} without saying "
                               "how it looks on darker skin (brown, purple, gray or darker)", f.fact_id))
    return {"present": present, "colour_words_without_dark_skin_note": without_note}


def _origins(facts: list) -> dict[str, int]:
    counts: dict[str, int] = {}
    for f in facts:
        counts[f.origin.value] = counts.get(f.origin.value, 0) + 1
    return counts


def handout_report(draft: "Draft", *, target_grade: float = 6) -> Report:
    """Each step measures one thing and adds its findings, in the order a reviewer reads them."""
    facts = draft.facts()
    sentences = [Sentence(f.fact_id, s) for f in facts for s in _sentences(f.text)]
    out: list[Finding] = []  # each step adds its findings here, in this order
    grade = _grade(draft.prose(), target_grade, out)
    shares = _shares(sentences, out)
    unexplained = _jargon(draft, out)
    calculations = _calculations(facts, out)
    summary_first = _summary_first(draft, out)
    addresses_you = _addresses_you(sentences, out)
    skin_of_color = _skin_of_color(draft, facts, out)
    return Report(id=draft.id, grade=grade, long_sentences_share=shares.long, passive_share=shares.passive,
                  unexplained_terms=unexplained, calculation_numbers=calculations, summary_first=summary_first,
                  addresses_you=addresses_you, skin_of_color=skin_of_color, origins=_origins(facts),
                  findings=out, content_sha256=draft.content_sha256())


def _fmt(value) -> str:
    if value is None:
        return "-"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        return f"{value:.2f}".rstrip("0").rstrip(".") if value != int(value) else f"{value:.0f}"
    return str(value)


def format_report_table(report: Report) -> str:
    """A readable table of one handout's report, for `handouts check ID`."""
    g = report.grade
    soc = report.skin_of_color
    pct = lambda x: f"{round(100 * (x or 0))}%"  # noqa: E731
    target = g.target
    made = ", ".join(f"{n} {label}" for label, n in report.origins.items()) or "-"
    rows = [
        ("reading grade (Flesch-Kincaid)", _fmt(g.fk), f"<= {_fmt(target)}",
         "ok" if g.passed else "over" if g.fk is not None else "FAIL"),
        ("reading grade (SMOG)", _fmt(g.smog), f"<= {_fmt(target)}",
         "ok" if g.smog is not None and g.smog <= (target or 0) else "over" if g.smog is not None else "FAIL"),
        ("sentences over 20 words", pct(report.long_sentences_share), f"<= {pct(MAX_LONG_SHARE)}",
         "ok" if report.long_sentences_share <= MAX_LONG_SHARE else "over"),
        ("passive sentences", pct(report.passive_share), f"<= {pct(MAX_PASSIVE_SHARE)}",
         "ok" if report.passive_share <= MAX_PASSIVE_SHARE else "over"),
        ("unexplained medical terms", str(len(report.unexplained_terms)), "0",
         "ok" if not report.unexplained_terms else "check"),
        ("numbers to calculate", str(len(report.calculation_numbers)), "0",
         "ok" if not report.calculation_numbers else "check"),
        ("summary first", _fmt(report.summary_first), "yes", "ok" if report.summary_first else "check"),
        ("speaks to 'you'", _fmt(report.addresses_you), "yes", "ok" if report.addresses_you else "check"),
        ("skin-of-color section", _fmt(soc.get("present")), "yes", "ok" if soc.get("present") else "FAIL"),
        ("colour words without dark-skin note", str(len(soc.get("colour_words_without_dark_skin_note", []))), "0",
         "ok" if not soc.get("colour_words_without_dark_skin_note") else "check"),
    ]
    lines = [f"{report.id or '?'}: {'passed' if report.passed else 'FAILED'}",
             table(rows, ["check", "value", "target", "result"], ["left", "right", "left", "left"], indent="  ")]
    lines.append(f"  how the texts were made: {made}")
    if report.findings:
        lines.append("  findings:")
        for f in report.findings:
            where = f" [{f.fact}]" if f.fact else ""
            lines.append(f"    {f.severity:<7} {f.check}{where}: {f.message}")
    return "\n".join(lines)
