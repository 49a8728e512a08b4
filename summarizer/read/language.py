"""A small, deterministic language check: script counts plus stopword rates; unsure means None."""

from __future__ import annotations

import re
from collections import Counter

_WORD = re.compile(r"[^\W\d_]+")
_STOPWORDS: dict[str, frozenset[str]] = {
    "en": frozenset("the of and to in is that for it was on with as by at from he she his her they are be this".split()),
    "de": frozenset("der die das und ist nicht mit den von zu ein eine auf für sich dem des im auch".split()),
    "fr": frozenset("le la les et est des une un du que dans pour pas sur au qui avec ce sont".split()),
    "es": frozenset("el la los las y es de que en un una por con para del se no al lo como".split()),
    "it": frozenset("il la di che e è un una per non con del della sono gli le nel".split()),
    "pt": frozenset("o a os as e de que em um uma para com não do da no na por se".split()),
    "nl": frozenset("de het een en van is dat niet op te in met zijn voor ook".split()),
}
_SCRIPTS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("cyrillic", re.compile(r"[\u0400-\u04ff]")),
    ("greek", re.compile(r"[\u0370-\u03ff]")),
    ("arabic", re.compile(r"[\u0600-\u06ff]")),
    ("hebrew", re.compile(r"[\u0590-\u05ff]")),
    ("cjk", re.compile(r"[\u3040-\u30ff\u4e00-\u9fff\uac00-\ud7af]")),
)
_SAMPLE = 20_000


def _cyrillic_language(text: str) -> str:
    """Tell Ukrainian, Bulgarian... apart from Russian by their distinctive letters."""
    if re.search(r"[іїєґІЇЄҐ]", text):
        return "uk"
    if re.search(r"[ўЎ]", text):
        return "be"
    return "ru"


def detect_language(text: str) -> str | None:
    """ISO 639-1 code of the text's language when clear ("en", "ru", ...); None when too short or unsure."""
    sample = text[:_SAMPLE]
    letters = sum(map(str.isalpha, sample))
    if letters < 40:
        return None
    for script, pattern in _SCRIPTS:
        if len(pattern.findall(sample)) >= 0.4 * letters:
            if script == "cyrillic":
                return _cyrillic_language(sample)
            if script == "cjk":
                return "ja" if re.search(r"[\u3040-\u30ff]", sample) else ("ko" if re.search(r"[\uac00-\ud7af]", sample) else "zh")
            return {"greek": "el", "arabic": "ar", "hebrew": "he"}[script]
    words = Counter(w.lower() for w in _WORD.findall(sample))
    n = words.total()
    if n < 25:
        return None
    rates = {lang: sum(words[w] for w in stops) / n for lang, stops in _STOPWORDS.items()}
    best = max(sorted(rates), key=lambda lang: rates[lang])
    if rates["en"] >= 0.08 or rates[best] < 0.1:
        return "en" if rates["en"] >= 0.08 else None
    return best if rates[best] > 1.5 * rates["en"] else "en"
