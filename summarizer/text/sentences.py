"""Sentence spans (pysbd, bounded input) and statements: verbatim sentences with their offsets."""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator

from summarizer.models import Article, Statement

MAX_WORDS = 100
"""A 'sentence' longer than this is cut into chunks of at most this many words (and not used as a statement)."""
BLOCK_CHARS = 2000
"""pysbd never sees more than about this many characters at once."""
_BOUNDARY = re.compile(r"(?<=[.!?…])[\"'”’»)\]]*\s+")
_WORDS = re.compile(r"\S+")
_LETTER = re.compile(r"[^\W\d_]")
_SAFE = re.compile(
    r"(?:(?<![\w.])(?P<word>[a-z]{2,}|[A-Z][a-z]{4,}|[12]\d{3})[.]|[!?…])[.!?…]*[\"'”’»)\]]*(?=\s+[\"“‘'`(\[]*[A-Z0-9])"
)
_NOT_ENDS = frozenset(
    "etc vs approx esp incl viz cf al ca dept est Calif Colo Conn Mass Mich Minn Miss Nebr Okla Penn Tenn Wisc"
    " Wash Sept Messrs Brig Supt Assoc Bros".split()
)
"""Words that end with a period without ending the sentence often enough to ask pysbd."""
_AMBIGUOUS = re.compile(r"(?P<token>[\w.'-]*)[.!?…][\"'”’»)\]]*\s+[\"“‘'`(\[]*[A-Z]")
"""A period etc. followed by a capital: maybe a sentence end ("U.S. The"), maybe not ("Mr. Smith"): ask pysbd."""
_TITLES = frozenset(
    "Mr Mrs Ms Dr Gen Gov Sen Rep Lt Col Sgt Capt Maj Adm Prof Rev Cmdr Brig Pres Hon Mt Ft Messrs Mme Msgr Supt Insp"
    " Cpl Pvt Atty Amb".split()
)
_CLOCK_END = re.compile(r"\b[ap]\.m\.$", re.IGNORECASE)
_CLOCK_NEXT = re.compile(
    r"(?:Mon|Tues|Wednes|Thurs|Fri|Satur|Sun)day\b|(?:January|February|March|April|May|June|July|August|September"
    r"|October|November|December|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)\b|(?:[ECMP][SD]?T|GMT|UTC)\b"
)
_TERMINAL = re.compile(r"[.!?…][\"'”’»)\]]*\s*$")
_CLOSER = re.compile(r"(?:''|[”’»])+(?=\s|$)")


@functools.lru_cache(maxsize=1)
def _segmenter():  # type: ignore[no-untyped-def]
    """One shared pysbd English segmenter (clean=False keeps the text unchanged)."""
    import pysbd

    return pysbd.Segmenter(language="en", clean=False, char_span=False)


def _lines(text: str) -> Iterator[tuple[int, int]]:
    """Spans of the non-blank lines of text, stripped of surrounding whitespace."""
    for match in re.finditer(r"[^\n]+", text):
        start, end = match.span()
        while start < end and text[start].isspace():
            start += 1
        while end > start and text[end - 1].isspace():
            end -= 1
        if start < end:
            yield start, end


def _blocks(text: str, start: int, end: int) -> Iterator[tuple[int, int]]:
    """Cut text[start:end] at likely sentence ends into blocks of about BLOCK_CHARS characters at most."""
    if end - start <= BLOCK_CHARS:
        yield start, end
        return
    block_start = start
    last = start
    for match in _BOUNDARY.finditer(text, start, end):
        cut = match.end()
        if cut - block_start > BLOCK_CHARS and last > block_start:
            yield block_start, last
            block_start = last
        last = cut
    yield block_start, end


def _chunks(text: str, start: int, end: int) -> Iterator[tuple[int, int, bool]]:
    """Spans of at most MAX_WORDS words covering text[start:end]; marked forced when a cut was needed."""
    words = [m.span() for m in _WORDS.finditer(text, start, end)]
    if len(words) <= MAX_WORDS:
        if words:
            yield words[0][0], words[-1][1], False
        return
    for i in range(0, len(words), MAX_WORDS):
        part = words[i : i + MAX_WORDS]
        yield part[0][0], part[-1][1], True


def _pysbd_spans(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """Sentence spans of one bounded block via pysbd, located in the text; regex fallback if pysbd alters it."""
    block = text[start:end]
    spans: list[tuple[int, int]] = []
    pos = 0
    for segment in _segmenter().segment(block):
        piece = segment.strip()
        if not piece:
            continue
        found = block.find(piece, pos)
        if found < 0:
            return _regex_spans(text, start, end)
        spans.append((start + found, start + found + len(piece)))
        pos = found + len(piece)
    return _fix_quotes(text, spans)


def _fix_quotes(text: str, spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Move a closing quote that pysbd put at the start of the next sentence back to the previous one."""
    out: list[tuple[int, int]] = []
    for start, end in spans:
        match = _CLOSER.match(text, start, end)
        if out and match:
            out[-1] = (out[-1][0], match.end())
            start = match.end()
            while start < end and text[start].isspace():
                start += 1
            if start >= end:
                continue
        out.append((start, end))
    return out


def _safe_pieces(text: str, start: int, end: int) -> Iterator[tuple[int, int]]:
    """Cut at unambiguous sentence ends (lower-case word + . or ! ?, then a capital): cheap, no pysbd."""
    pos = start
    for match in _SAFE.finditer(text, start, end):
        if match.group("word") in _NOT_ENDS:
            continue
        yield pos, match.end()
        pos = match.end()
        while pos < end and text[pos].isspace():
            pos += 1
    if pos < end:
        yield pos, end


def _is_ambiguous(text: str, start: int, end: int) -> bool:
    """True when the piece holds a possible sentence end other than after a title ("Mr.") or an initial ("J.")."""
    for match in _AMBIGUOUS.finditer(text, start, end):
        token = match.group("token")
        if token not in _TITLES and not (len(token) == 1 and token.isupper()):
            return True
    return False


def _block_spans(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """Sentence spans of a bounded block: safe cuts first, pysbd only for pieces with ambiguous periods."""
    if _WORDS.search(text, start, end) is None:
        return []
    spans: list[tuple[int, int]] = []
    for piece_start, piece_end in _safe_pieces(text, start, end):
        if _is_ambiguous(text, piece_start, piece_end):
            spans.extend(_pysbd_spans(text, piece_start, piece_end))
        else:
            spans.append((piece_start, piece_end))
    return _merge_times(text, spans)


def _merge_times(text: str, spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Rejoin "at 5 p.m. | Friday ..." that pysbd cut after a.m./p.m. before a day, month or time zone."""
    out: list[tuple[int, int]] = []
    for start, end in spans:
        if out and _CLOCK_END.search(text, out[-1][0], out[-1][1]) and _CLOCK_NEXT.match(text, start, end):
            out[-1] = (out[-1][0], end)
        else:
            out.append((start, end))
    return out


def _regex_spans(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """Plain split after . ! ? followed by space: the fallback when pysbd cannot be mapped back."""
    spans: list[tuple[int, int]] = []
    pos = start
    for match in _BOUNDARY.finditer(text, start, end):
        spans.append((pos, match.start()))
        pos = match.end()
    spans.append((pos, end))
    return [(a, b) for a, b in spans if b > a]


def sentence_spans(text: str) -> list[tuple[int, int, bool]]:
    """All sentence spans (start, end, forced) of text, line by line; forced marks an over-long chunk."""
    out: list[tuple[int, int, bool]] = []
    for line_start, line_end in _lines(text):
        for block_start, block_end in _blocks(text, line_start, line_end):
            spans = _block_spans(text, block_start, block_end) if block_end - block_start <= 2 * BLOCK_CHARS else [
                (block_start, block_end)
            ]
            for span_start, span_end in spans:
                out.extend(_chunks(text, span_start, span_end))
    return out


def split_sentences(text: str) -> list[tuple[int, int]]:
    """Sentence spans (start, end) of text; no span has more than MAX_WORDS words."""
    return [(start, end) for start, end, _ in sentence_spans(text)]


def split_statements(article: Article) -> list[Statement]:
    """The article's sentences as Statements, skipping headings, fragments and over-long unpunctuated runs."""
    text = article.text
    statements: list[Statement] = []
    paragraph = -1
    previous_end = 0
    for para in re.finditer(r"[^\n]+(?:\n[^\n]+)*", text):
        chunk = para.group()
        if not chunk.strip():
            continue
        if text[previous_end : para.start()].count("\n") >= 2 or paragraph < 0:
            paragraph += 1
        previous_end = para.end()
        single_line = "\n" not in chunk.strip()
        for start, end, forced in sentence_spans(chunk):
            piece = chunk[start:end]
            if forced or len(piece.split()) < 4 or not _LETTER.search(piece):
                continue
            whole_line = single_line and piece == chunk.strip()
            if whole_line and is_heading(piece):
                continue
            absolute = para.start() + start
            statements.append(
                Statement(
                    id=f"{article.id}:{absolute}",
                    article_id=article.id,
                    text=piece,
                    start=absolute,
                    end=absolute + len(piece),
                    position=len(statements),
                    paragraph=paragraph,
                )
            )
    return statements


def is_heading(text: str) -> bool:
    """A short line without final sentence punctuation: a headline or section title, not a statement."""
    words = text.split()
    return 0 < len(words) <= 20 and not _TERMINAL.search(text)
