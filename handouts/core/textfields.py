"""Free text a person types into a record: names, credentials, reasons, corrected sentences.

What a record stores is shown again later, in a terminal (`handouts status`,
`audit show`), on the review page and on the published page. So a field may not
carry anything that changes how other text looks or reads:

- control characters (terminal escape sequences such as ESC[2J, NUL, ...) and
  invisible format characters (zero-width joiners, soft hyphens, ...);
- bidirectional overrides and isolates (U+202A-U+202E, U+2066-U+2069), which
  can make text display in another order than it is stored ("Trojan Source");
- look-alike letters from another alphabet inside one word, such as a Cyrillic
  'а' (U+0430) in the Latin name "Dana" (a homograph). A name written wholly in
  one script (Latin, Cyrillic, Greek, Han, ...) is fine; Han with Hiragana or
  Katakana, and Han with Hangul, are usual mixes and allowed.

`problem(text)` says what is wrong, or None; `clean(text, what)` returns the
text with runs of white space made single spaces, or raises SignoffError.
"""

from __future__ import annotations

import unicodedata

import regex

from handouts.core.exceptions import SignoffError

BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u061c")
SCRIPTS = ("Latin", "Cyrillic", "Greek", "Armenian", "Georgian", "Hebrew", "Arabic", "Syriac", "Thaana",
           "Devanagari", "Bengali", "Gurmukhi", "Gujarati", "Tamil", "Telugu", "Kannada", "Malayalam",
           "Sinhala", "Thai", "Lao", "Tibetan", "Myanmar", "Ethiopic", "Cherokee", "Khmer", "Mongolian",
           "Han", "Hiragana", "Katakana", "Hangul", "Bopomofo")
_SCRIPT_RE = {s: regex.compile(rf"\p{{Script={s}}}") for s in SCRIPTS}
_USUAL_MIXES = (frozenset({"Han", "Hiragana", "Katakana"}), frozenset({"Han", "Hangul"}),
                frozenset({"Han", "Bopomofo"}))
_WORD = regex.compile(r"[\p{L}\p{M}]+")


def _script(ch: str) -> str:
    for name, pattern in _SCRIPT_RE.items():
        if pattern.match(ch):
            return name
    return "other"


def scripts_of(word: str) -> set[str]:
    return {_script(c) for c in word if unicodedata.category(c).startswith("L")}


def problem(text: str, *, max_len: int = 2000) -> str | None:
    """What makes `text` unfit for a record, or None."""
    if len(text) > max_len:
        return f"longer than {max_len} characters"
    for ch in text:
        code = f"U+{ord(ch):04X}"
        if ch in BIDI_CONTROLS:
            return (f"contains a bidirectional control character ({code}), which can make text display in "
                    f"another order than it is stored; delete it")
        cat = unicodedata.category(ch)
        if cat in ("Cc", "Cf", "Co", "Cs", "Cn", "Zl", "Zp"):
            what = "an escape character" if ch == "\x1b" else "a control or invisible character"
            return f"contains {what} ({code}); delete it"
    for word in _WORD.findall(text):
        scripts = scripts_of(word)
        if len(scripts) > 1 and not any(scripts <= mix for mix in _USUAL_MIXES):
            odd = ", ".join(f"'{c}' ({unicodedata.name(c, code)})" for c in word
                            if _script(c) != _majority(word))
            return (f"mixes alphabets in the word {word!r} ({' and '.join(sorted(scripts))}): {odd} only "
                    f"looks like a letter of the rest; retype it")
    return None


def _majority(word: str) -> str:
    counts: dict[str, int] = {}
    for c in word:
        if unicodedata.category(c).startswith("L"):
            counts[_script(c)] = counts.get(_script(c), 0) + 1
    return max(sorted(counts), key=lambda s: counts[s]) if counts else ""


def clean(text: str, what: str, *, max_len: int = 2000) -> str:
    """`text` with white space runs made single spaces (NFC), or SignoffError naming `what`."""
    raw = str(text or "")
    # tabs and newlines are only white space here; everything else is checked as typed
    why = problem(raw.replace("\t", " ").replace("\n", " ").replace("\r", " "), max_len=max_len * 2)
    if why:
        raise SignoffError(f"{what}: {why}")
    out = unicodedata.normalize("NFC", " ".join(raw.split()))
    why = problem(out, max_len=max_len)
    if why:
        raise SignoffError(f"{what}: {why}")
    return out
