"""Degenerate model output: rejected before any comparison of meaning.

Empty text, repetition loops, text that is not English prose, chat preambles and
meta talk ("Here is the rewritten sentence:"), questions, markup, HTML, URLs,
invisible or control characters, and lengths outside sane bounds.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from dataclasses import dataclass

from handouts.checks.findings import Finding, Kind
from handouts.core.text import split_at_stops
from handouts.sources.lexicon import is_english, tokens

_PREAMBLE = re.compile(
    r"^\W*(?:here(?:'s|\s+is|\s+are)|sure\b|certainly|of course|okay\b|ok\b|absolutely|great\b|"
    r"as an ai|i\s+(?:can|will|would|have|hope|think)\b|let me|let's|the\s+(?:rewritten|simplified|"
    r"revised|rewrite|plain)|rewritten|simplified|revised|rewrite|in plain|plain[\s-]language|"
    r"answer\b|output\b|response\b|sentence\b|note\b|example\b|input\b|original\b|user\b|"
    r"assistant\b|fact\b|source\b|patient version|translation\b)",
    re.I,
)
_META = re.compile(
    r"\b(?:rewritten|rewrite|rewriting|simplified version|plain language|plain english|"
    r"(?:6th|sixth|5th|fifth|8th|eighth)[\s-]grade|grade level|reading level|the sentence|this sentence|"
    r"original sentence|the fact|this fact|i hope|let me know|as an ai|language model|"
    r"in simpler terms|simpler words|here is|here's)\b",
    re.I,
)
_LABEL = re.compile(r"^\W*[A-Za-z]+(?:\s+[A-Za-z]+){0,3}\s*:\s")
_HTML = re.compile(r"<\s*/?\s*[a-zA-Z][^>]*>|&(?:[a-z]+|#\d+|#x[0-9a-f]+);", re.I)
_MARKDOWN = re.compile(
    r"(?:\*\*|__|`|~~|\[[^\]]*\]\([^)]*\)|^\s*#{1,6}\s|^\s*(?:[-*+\u2022]|\d+[.)])\s+|^\s*>|\|)", re.M
)
_URL = re.compile(
    r"(?:https?:|ftp:|javascript:|data:|mailto:|www\.|\b[\w-]+\.(?:com|org|net|gov|edu|io|ly|co|info|"
    r"health|uk|us|ca|au|de|fr|html?|php)\b|\b[\w.+-]+@[\w-]+\.\w+)",
    re.I,
)
MAX_CHARS = 800
MAX_WORDS = 120


def _invisible(text: str) -> list[str]:
    bad = []
    for ch in text:
        if ch in "\n\t":
            continue
        cat = unicodedata.category(ch)
        if cat in ("Cf", "Cc", "Co", "Cs", "Cn", "Zl", "Zp") or ch in "\u00ad\u034f\u115f\u1160\u3164":
            bad.append(f"U+{ord(ch):04X}")
    return list(dict.fromkeys(bad))


def _non_latin(text: str) -> list[str]:
    return list(dict.fromkeys(ch for ch in text if ch.isalpha() and ord(ch) > 0x24F))


def _loops(words: list[str], text: str = "") -> str | None:
    sentences = [" ".join(tokens(s)) for s in split_at_stops(text) if tokens(s)]
    if sentences:
        sentence, count = Counter(sentences).most_common(1)[0]
        if count >= 2:
            return f"the sentence '{sentence}' {count} times"
    run = 1
    for a, b in zip(words, words[1:]):
        run = run + 1 if a == b else 1
        if run >= 3:
            return f"'{a}' {run} times in a row"
    for n in (6, 4, 3, 2):
        grams = Counter(tuple(words[i:i + n]) for i in range(len(words) - n + 1))
        if grams:
            gram, count = grams.most_common(1)[0]
            limit = 2 if n >= 6 else 3 if n >= 3 else 4
            if count >= limit:
                return f"'{' '.join(gram)}' {count} times"
    return None


# Faults so gross that comparing the meaning as well would only add noise.
FATAL = ("empty", "repetition", "not English", "too long")


def findings(source: str, candidate: str) -> list[Finding]:
    """Why the candidate is not usable prose at all ([] if it is)."""
    return [Finding(Kind.DEGENERATE, tuple(re.findall(r"'([^']+)'", m)), m, "degenerate")
            for m in check(source, candidate)]


def fatal(found: list[Finding]) -> bool:
    return any(f.message.startswith(FATAL) for f in found)


@dataclass(frozen=True)
class _Pair:
    """A candidate as each step reads it, beside its source."""

    source: str
    raw: str  # the candidate as given
    text: str  # stripped
    words: list[str]  # its word tokens
    n_src: int  # the source's word count


def _characters(p: _Pair) -> list[str]:
    invisible = _invisible(p.raw)
    return [f"invisible or control characters: {', '.join(invisible)}"] if invisible else []


def _markup(p: _Pair) -> list[str]:
    """HTML, markup, links and questions the source does not have."""
    out = []
    if _HTML.search(p.text):
        out.append(f"HTML in the rewrite: '{_HTML.search(p.text).group(0)}'")
    md = _MARKDOWN.search(p.text)
    if md and not _MARKDOWN.search(p.source):
        out.append(f"markup in the rewrite: '{md.group(0).strip()}'")
    url = _URL.search(p.text)
    if url and not _URL.search(p.source):
        out.append(f"link or address in the rewrite: '{url.group(0)}'")
    if "?" in p.text and "?" not in p.source:
        out.append("the rewrite asks a question; it must state the fact")
    return out


def _chat(p: _Pair) -> list[str]:
    """A chat preamble, talk about the task, or a label: the first that applies."""
    if _PREAMBLE.search(p.text) and not _PREAMBLE.search(p.source):
        return [f"chat preamble: the rewrite starts '{' '.join(p.text.split()[:4])}'"]
    if _META.search(p.text) and not _META.search(p.source):
        return [f"talks about the task ('{_META.search(p.text).group(0)}') instead of stating the fact"]
    if _LABEL.match(p.text) and not _LABEL.match(p.source):
        return [f"starts with a label: '{_LABEL.match(p.text).group(0).strip()}'"]
    return []


def _language(p: _Pair) -> list[str]:
    non_latin = _non_latin(p.text)
    if non_latin:
        return [f"not English: letters {''.join(non_latin[:8])}"]
    if len(p.words) >= 3:
        src = set(tokens(p.source))
        unknown = [w for w in p.words if not is_english(w) and w not in src]
        if len(unknown) / len(p.words) > 0.4:
            return [f"not English prose: {len(unknown)} of {len(p.words)} words are not English words"]
    return []


def _repetition(p: _Pair) -> list[str]:
    loop = _loops(p.words, p.text)
    return [f"repetition loop: {loop}"] if loop and not _loops(tokens(p.source), p.source) else []


def _length(p: _Pair) -> list[str]:
    out = []
    n, n_src = len(p.words), p.n_src
    if len(p.text) > MAX_CHARS or n > max(MAX_WORDS, 3 * n_src) or n > 2.5 * n_src + 12:
        out.append(f"too long: {n} words for a {n_src}-word fact")
    if n < max(2, round(0.3 * n_src)) and n < n_src:
        out.append(f"too short: {n} words for a {n_src}-word fact")
    return out


_ENDS = re.compile(r"[.!]\s*[\"')\]]*\s*$")


def _ending(p: _Pair) -> list[str]:
    if re.search(r"[a-zA-Z]", p.text) and _ENDS.search(p.source) and not _ENDS.search(p.text):
        return ["unfinished: the rewrite does not end with a full stop"]
    return []


_STEPS = (_characters, _markup, _chat, _language, _repetition, _length, _ending)


def check(source: str, candidate: str) -> list[str]:
    """Reasons the candidate is not usable prose at all ([] if it is)."""
    if not candidate or not candidate.strip():
        return ["empty rewrite"]
    text = candidate.strip()
    pair = _Pair(source, candidate, text, tokens(text), len(tokens(source)))
    return [reason for step in _STEPS for reason in step(pair)]
