"""Remove site chrome with general rules, unwrap hard-wrapped text, and skip articles not in English.

The cleaned text is a list of units (paragraphs, or lines in one-paragraph-per-line files) joined by a
blank line. A bracketed note inside a unit is cut out and the unit continues on a new line, so the
sentence before it ends at the bracket and every kept character is verbatim from the source. Headings
(short lines without final punctuation) are KEPT as their own paragraphs; `sentences.split_statements`
skips them, so they never become statements.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter, defaultdict
from collections.abc import Sequence

from summarizer.language import detect_language
from summarizer.models import Article, Problem

_TERMINAL = re.compile(r"[.!?…][\"'”’»)\]]*\s*$")
_META = re.compile(
    r"\A\s*(?:date|dated|published|posted|updated)\s*[:=]?\s*(\d{4})-(\d{2})-(\d{2})"
    r"(?:[T ]\d{2}:\d{2}(?::\d{2})?(?:Z|[+-]\d{2}:?\d{2})?)?(?=\s|\Z)\s*",
    re.IGNORECASE,
)
_PROMO = re.compile(
    r"^no time to read\b|^get (?:a|the|your) (?:summary|digest|briefing)\b|^(?:read|see) (?:more|also|next|the full)\b"
    r"|^(?:continue reading|click here|tap here)\b|^share (?:this|on|via)\b|^(?:advertisement|advert|sponsored)$"
    r"|^(?:related|recommended|most read|popular)(?: articles| stories| posts| news)?\s*:?$"
    r"|^(?:previous|next|prev)(?: article| post| story| page)\b|\ball rights reserved\b|^©|^copyright\b"
    r"|stories sent (?:directly )?to (?:you|your inbox)|^(?:tags|topics|filed under)\s*:",
    re.IGNORECASE,
)
_NAV = re.compile(r"^(?:previous|next|prev)(?: article| post| story)?\s*:?$", re.IGNORECASE)
_CALL = re.compile(r"\b(?:sign[ -]?up|subscribe|newsletter|follow us|download (?:our|the) app)\b", re.IGNORECASE)
_YOU = re.compile(r"\b(?:you|your|our|us)\b|!", re.IGNORECASE)
_SOCIAL = re.compile(r"\b(?:twitter|facebook|instagram|telegram|youtube|tiktok|linkedin|whatsapp|vk|x\.com)\b", re.I)
_CREDIT = re.compile(
    r"\b(?:photo|image|picture|video|graphic)s?(?: credit| courtesy| by)?\s*:|^(?:credit|caption|source)\s*:|\bphoto credit\b",
    re.IGNORECASE,
)
_BRACKET = re.compile(
    r"\[\s*(?:(?:citation|cite|source|sources|ref|reference|note|via|photo|image|credit|link|edit)\b[^\[\]\n]{0,300}"
    r"|[A-Za-z][\w .-]{0,30}:[^\[\]\n]{0,300}|\d{1,3})\s*\]",
    re.IGNORECASE,
)
_MD_HEADING = re.compile(r"^#{1,6}\s+")
_MD_RULE = re.compile(r"^(?:[-*_]\s*){3,}$")
_NO_PUNCT_RUN = re.compile(r"[.!?;:…]")
MAX_RUN_WORDS = 100


def is_heading(text: str) -> bool:
    """A short line without final sentence punctuation: a headline or section title, not a statement."""
    words = text.split()
    return 0 < len(words) <= 20 and not _TERMINAL.search(text)


def is_sentence_like(text: str) -> bool:
    """At least four words and not heading-like."""
    return len(text.split()) >= 4 and not is_heading(text)


def is_hard_wrapped(text: str) -> bool:
    """True for text wrapped at a fixed width (DUC style): lines of similar width that end mid-sentence."""
    lines = [line.rstrip() for line in text.split("\n")]
    filled = [line for line in lines if line.strip()]
    if len(filled) < 3 or max(len(line) for line in filled) > 110:
        return False
    inner = [a for a, b in zip(lines, lines[1:]) if a.strip() and b.strip()]
    if len(inner) < 2:
        return False
    mid_sentence = sum(1 for line in inner if not _TERMINAL.search(line))
    if len(filled) < 4:  # few lines: only when every joined line is wide, similar in width and ends mid-sentence
        widths = [len(line) for line in inner]
        return mid_sentence == len(inner) and min(widths) >= 40 and max(widths) - min(widths) <= 20
    wide = sum(1 for line in filled if 30 <= len(line) <= 100)
    return wide >= 0.7 * len(filled) and mid_sentence >= 0.6 * len(inner)


def split_units(text: str) -> list[str]:
    """Paragraphs of hard-wrapped text (unwrapped), else the non-blank lines, each stripped."""
    if is_hard_wrapped(text):
        blocks = re.split(r"\n\s*\n", text)
        return [" ".join(part.strip() for part in block.split("\n") if part.strip()) for block in blocks if block.strip()]
    return [line.strip() for line in text.split("\n") if line.strip()]


def _key(unit: str) -> str:
    """Normalised form of a unit for counting repeats."""
    return " ".join(unit.lower().split())


def is_chrome(unit: str) -> bool:
    """True for promo/teaser, call-to-action, social-list and photo-credit lines."""
    words = len(unit.split())
    if words > 40:
        return False
    if _PROMO.search(unit) or len(_SOCIAL.findall(unit)) >= 2:
        return True
    if _CALL.search(unit) and (words <= 6 or _YOU.search(unit) or _CALL.match(unit)):
        return True
    return words <= 30 and bool(_CREDIT.search(unit))


def _cut_brackets(unit: str) -> str:
    """Remove bracketed notes; the text after a note continues on a new line (a hard sentence break)."""
    if "[" not in unit:
        return unit
    pieces = [piece.strip() for piece in _BRACKET.split(unit)]
    return "\n".join(piece for piece in pieces if piece)


def _long_run(unit: str) -> int:
    """Length in words of the longest stretch without sentence punctuation."""
    return max((len(part.split()) for part in _NO_PUNCT_RUN.split(unit)), default=0)


def _repeated(units_of: Sequence[tuple[Article, list[str]]]) -> dict[str | None, set[str]]:
    """Per outlet, unit keys found in two or more distinct bodies of that outlet."""
    seen: dict[str | None, set[str]] = defaultdict(set)
    counts: dict[str | None, Counter[str]] = defaultdict(Counter)
    for article, units in units_of:
        body = "\n".join(units)
        if body in seen[article.outlet]:
            continue  # the same article twice is not evidence of chrome
        seen[article.outlet].add(body)
        counts[article.outlet].update({_key(u) for u in units})
    return {outlet: {k for k, n in c.items() if n >= 2} for outlet, c in counts.items()}


def _clean_units(article: Article, units: list[str], repeated: set[str]) -> list[str]:
    """Drop chrome, repeated lines, navigation headlines and the trailing non-sentence block."""
    kept: list[str] = []
    skip_next = False
    for unit in units:
        if article.format == "md":
            if _MD_RULE.match(unit):
                continue
            unit = _MD_HEADING.sub("", unit)
        if skip_next and is_heading(unit):
            skip_next = False
            continue
        skip_next = False
        if _NAV.match(unit):
            skip_next = True
            continue
        key = _key(unit)
        if is_chrome(unit) or (key in repeated and (article.outlet is not None or not is_sentence_like(unit))):
            continue
        unit = _cut_brackets(unit)
        if unit:
            kept.append(unit)
    while kept and not is_sentence_like(kept[-1].split("\n")[-1]):
        kept.pop()
    if kept and article.title and _key(kept[0]) == _key(article.title):
        kept.pop(0)
    return kept


def clean_articles(articles: Sequence[Article]) -> tuple[list[Article], list[Problem]]:
    """Clean every article's body; skip empty and non-English ones with a Problem each."""
    problems: list[Problem] = []
    prepared: list[tuple[Article, list[str]]] = []
    for article in articles:
        text = article.text.replace("\r\n", "\n").replace("\r", "\n")
        published = article.published
        meta = _META.match(text)
        if meta:
            try:
                found = dt.date(*map(int, meta.groups()))
            except ValueError:
                found = None
            published = published or found
            text = text[meta.end() :]
        units = split_units(text)
        if not units:
            problems.append(Problem(path=article.path, stage="clean", reason="no text left in the article"))
            continue
        prepared.append((article.model_copy(update={"published": published}), units))
    repeated = _repeated(prepared)
    cleaned: list[Article] = []
    for article, units in prepared:
        language = detect_language("\n".join(units))
        if language is not None and language != "en":
            problems.append(Problem(path=article.path, stage="clean", reason=f"not English ({language}); skipped"))
            continue
        kept = _clean_units(article, units, repeated.get(article.outlet, set()))
        if not kept:
            kept = units
            problems.append(
                Problem(path=article.path, stage="clean", reason="cleaning would remove the whole body; kept it uncleaned")
            )
        longest = max(_long_run(unit) for unit in kept)
        if longest > MAX_RUN_WORDS:
            problems.append(
                Problem(
                    path=article.path,
                    stage="clean",
                    reason=f"a passage of {longest:,} words has no sentence punctuation; not used as statements",
                )
            )
        cleaned.append(article.model_copy(update={"text": "\n\n".join(kept), "language": language or article.language}))
    return cleaned, problems
