"""Remove site chrome with general rules, unwrap hard-wrapped text, and skip articles not in English.

The cleaned text is a list of units (paragraphs, or lines in one-paragraph-per-line files) joined by a
blank line. Which units are chrome is decided in `boilerplate.py` (jusText's classifier, captions, notices)
from what this module sees across the whole corpus: units repeated on several pages of one site (same
outlet or URL host; for pages of unknown site, the corpus), counted once per copy group so a story and its
republished copies are not mistaken for chrome. A bracketed note inside a unit is cut out and the unit
continues on a new line, so the sentence before it ends at the bracket and every kept character is verbatim
from the source. Headings (short lines without final punctuation) that jusText keeps in context stay as
their own paragraphs; `sentences.split_statements` skips them, so they never become statements.
`explain_cleaning` reports what went from each page, and by which rule.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from collections import Counter, defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from urllib.parse import urlsplit

from pydantic import BaseModel, ConfigDict

from summarizer.clean.boilerplate import classify_units, credit_tail, is_sentence_like, is_statement, notice_tail
from summarizer.text.sentences import is_heading
from summarizer.clean.copies import Shingled, copy_groups_of, shingled
from summarizer.read.language import detect_language
from summarizer.models import Article, Problem

__all__ = ["clean_articles", "explain_cleaning", "is_heading", "is_sentence_like", "is_hard_wrapped", "split_units"]

_META = re.compile(
    r"\A\s*(?:date|dated|published|posted|updated)\s*[:=]?\s*(\d{4})-(\d{2})-(\d{2})"
    r"(?:[T ]\d{2}:\d{2}(?::\d{2})?(?:Z|[+-]\d{2}:?\d{2})?)?(?=\s|\Z)\s*",
    re.IGNORECASE,
)
_TERMINAL = re.compile(r"[.!?…][\"'”’»)\]]*\s*$")
_BRACKET = re.compile(
    r"\[\s*(?:(?:citation|cite|source|sources|ref|reference|note|via|photo|image|credit|link|edit)\b[^\[\]\n]{0,300}"
    r"|[A-Za-z][\w .-]{0,30}:[^\[\]\n]{0,300}|\d{1,3})\s*\]",
    re.IGNORECASE,
)
_MD_HEADING = re.compile(r"^#{1,6}\s+")
_MD_RULE = re.compile(r"^(?:[-*_]\s*){3,}$")
_BULLET = re.compile(r"^[•▪►■◦‣●*-]\s+")
_NO_PUNCT_RUN = re.compile(r"[.!?;:…]")
MAX_RUN_WORDS = 100


class Removal(BaseModel):
    """One piece of a page that cleaning removed, and the rule that removed it."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    rule: str
    text: str


class PageCleaning(BaseModel):
    """What cleaning did to one page: what it removed, what it kept, or why it skipped the page."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    path: str
    title: str | None = None
    outlet: str | None = None
    url: str | None = None
    kept: int = 0
    removed: tuple[Removal, ...] = ()
    skipped: str | None = None


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


def _cut_brackets(unit: str) -> tuple[str, list[str]]:
    """Remove bracketed notes; the text after a note continues on a new line (a hard sentence break)."""
    if "[" not in unit:
        return unit, []
    notes = [m.group() for m in _BRACKET.finditer(unit)]
    pieces = [piece.strip() for piece in _BRACKET.split(unit)]
    # A piece with no letter or digit (the "." after "[citation: ...].") is no text of its own.
    return "\n".join(piece for piece in pieces if re.search(r"\w", piece)), notes


def _long_run(unit: str) -> int:
    """Length in words of the longest stretch without sentence punctuation."""
    return max((len(part.split()) for part in _NO_PUNCT_RUN.split(unit)), default=0)


def _host(url: str | None) -> str | None:
    """The URL's host without a leading www./m./amp. (the site), or None."""
    if not url:
        return None
    try:
        host = (urlsplit(url.strip()).hostname or "").lower()
    except ValueError:
        return None
    host = re.sub(r"^(?:www\d?|m|amp|mobile)\.", "", host)
    return host or None


def sites(articles: Sequence[Article]) -> list[int | None]:
    """A site number per article: pages share a site when they share an outlet name or a URL host."""
    parent: dict[str, str] = {}

    def root(key: str) -> str:
        while parent.setdefault(key, key) != key:
            parent[key] = parent[parent[key]]
            key = parent[key]
        return key

    keys: list[list[str]] = []
    for article in articles:
        own = [f"host:{h}" for h in [_host(article.url)] if h]
        own += [f"outlet:{' '.join(article.outlet.lower().split())}"] if article.outlet and article.outlet.strip() else []
        for key in own[1:]:
            a, b = root(own[0]), root(key)
            if a != b:
                parent[max(a, b)] = min(a, b)
        keys.append(own)
    numbers: dict[str, int] = {}
    return [numbers.setdefault(root(own[0]), len(numbers)) if own else None for own in keys]


def _repeats(units_of: Sequence[list[str]], site_of: Sequence[int | None], group_of: Sequence[int]) -> dict[int | None, set[str]]:
    """Per site (None: pages of unknown site), unit keys found on two or more pages, counting a copy group once."""
    seen: dict[int | None, dict[str, set[int]]] = defaultdict(lambda: defaultdict(set))
    for units, site, group in zip(units_of, site_of, group_of):
        for unit in units:
            seen[site][_key(unit)].add(group)
    return {site: {k for k, groups in keys.items() if len(groups) >= 2} for site, keys in seen.items()}


def _classify(
    units: list[str], site_known: bool, repeated: set[str], first: list[str | None]
) -> list[str | None]:
    """The rule removing each unit of one page, or None for text (`first`: the rules before repeats were known)."""
    counts = Counter(_key(u) for u in units)
    twice = [counts[_key(u)] > 1 and not is_statement(u) for u in units]
    across = [_key(u) in repeated for u in units]
    if not any(twice) and not any(across):
        return first
    if site_known:
        return classify_units(units, repeated=[a or t for a, t in zip(across, twice)])
    # Unknown site: a line shared with other pages is chrome when it is no sentence, or sits at an edge.
    return classify_units(
        units,
        repeated=[(a and not is_sentence_like(u)) or t for u, a, t in zip(units, across, twice)],
        edge_repeated=across,
    )


def _clean_units(article: Article, units: list[str], rules: list[str | None]) -> tuple[list[str], list[Removal]]:
    """Apply the unit rules, cut bracketed notes and credits, drop the title line and a trailing non-sentence block."""
    kept: list[str] = []
    finished: list[bool] = []  # the unit as found ends a sentence (or a note or credit after one)
    removed: list[Removal] = []
    for unit, rule in zip(units, rules):
        if rule is not None:
            removed.append(Removal(rule=rule, text=unit))
            continue
        ends = bool(_TERMINAL.search(unit))
        tail = credit_tail(unit)
        if tail is not None:
            removed.append(Removal(rule="caption", text=tail.group().strip()))
            unit = unit[: tail.start()].rstrip()
        cut = notice_tail(unit)
        if cut:
            removed.append(Removal(rule="notice", text=unit[cut:]))
            unit = unit[:cut].rstrip()
        unit, notes = _cut_brackets(unit)
        removed.extend(Removal(rule="bracket", text=note) for note in notes)
        if unit:
            kept.append(unit)
            finished.append(ends or tail is not None or bool(cut))
    while kept and not finished[-1] and not is_sentence_like(kept[-1].split("\n")[-1]):
        removed.append(Removal(rule="trailing", text=kept.pop()))
        finished.pop()
    if kept and not finished[-1]:  # the page was cut off mid-sentence: drop the unfinished sentence
        from summarizer.text.sentences import split_sentences  # (sentences imports this module)

        last = kept.pop()
        cut = max([last.rfind("\n") + 1, *(start for start, _ in split_sentences(last)[-1:])])
        removed.append(Removal(rule="trailing", text=last[cut:]))
        if last[:cut].strip():
            kept.append(last[:cut].rstrip())
    if kept and article.title and _key(kept[0]) == _key(article.title):
        removed.append(Removal(rule="title", text=kept.pop(0)))
    return kept, removed


def _prepare(article: Article) -> tuple[Article, list[str]]:
    """The article with any leading date token moved to `published`, and its units (Markdown marks removed)."""
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
    units = [_BULLET.sub("", u) for u in split_units(text)]  # list marks are layout, not text
    units = [u for u in units if u]
    title = article.title
    if article.format == "md":
        if units and _MD_HEADING.match(units[0]) and title is None:
            title = _MD_HEADING.sub("", units[0]).strip() or None  # the page's headline, kept as its title
        units = [_MD_HEADING.sub("", u) for u in units if not _MD_RULE.match(u)]
        units = [u for u in units if u.strip()]
    return article.model_copy(update={"published": published, "title": title}), units


MIN_WORDS = 3
"""A text with fewer common English words than this (`readable`) is not prose: bytes that decoded to noise."""


def readable(units: Sequence[str], zipf: float = 3.0) -> bool:
    """Whether the text holds at least `MIN_WORDS` common English words (word frequency, wordfreq's Zipf scale)."""
    from wordfreq import zipf_frequency

    seen = 0
    for word in re.findall(r"[A-Za-z]{2,}", " ".join(units)[:5000]):
        if zipf_frequency(word.lower(), "en") >= zipf:
            seen += 1
            if seen >= MIN_WORDS:
                return True
    return False


def named(article: Article) -> str:
    """Where a problem with an article is: its file, and for one record of a JSON-lines file or feed, which one."""
    if article.format != "jsonl":
        return article.path
    which = article.url or (f'"{article.title}"' if article.title else None) or f"article {article.id}"
    return f"{article.path}: {which}"


NO_TEXT = "no text left in the article"


@dataclass(frozen=True)
class PreparedPage:
    """What cleaning reads of one page on its own, before it compares the page with others: its units, the
    rules of a first pass that knows no repeats, its language, why it is skipped (if it is), and its main text
    shingled for copy detection. A function of the page alone, so it can be remembered per page."""

    article: Article
    units: tuple[str, ...]
    first: tuple[str | None, ...]
    language: str | None = None
    skip: str | None = None
    main: Shingled | None = None


@dataclass(frozen=True)
class FinishedPage:
    """One page cleaned: the article kept (None when skipped), the problems it raised, what was removed, and
    its cleaned text shingled (copies are merged on it). A function of the page and of which of its units are
    repeated on its site."""

    article: Article | None
    problems: tuple[Problem, ...]
    report: PageCleaning

    @functools.cached_property
    def shingled(self) -> Shingled | None:
        """The cleaned text shingled (computed when first read, then kept with the page)."""
        return None if self.article is None else shingled(self.article.text)


def prepare_page(article: Article) -> PreparedPage:
    """The per-page half of cleaning (see `PreparedPage`)."""
    ready, units = _prepare(article)
    if not units:
        return PreparedPage(article=article, units=(), first=(), skip=NO_TEXT)
    # Copies are told by their main text (what a first pass keeps), so chrome shared by two short pages of
    # one site does not make them copies, and the text a story shares with its copies is not chrome.
    first = tuple(classify_units(units))
    main = "\n".join(u for u, rule in zip(units, first) if rule is None)
    language = detect_language("\n".join(units))
    reason = None
    if language is not None and language != "en":
        reason = f"not English ({language}); skipped"
    elif language is None and not readable(units):
        reason = f"no readable text (fewer than {MIN_WORDS} common English words); skipped"
    return PreparedPage(article=ready, units=tuple(units), first=first, language=language, skip=reason,
                        main=shingled(main))


def finish_page(page: PreparedPage, site_known: bool, repeated: frozenset[str]) -> FinishedPage:
    """Clean one prepared page, given which of its units (keys, `unit_key`) are repeated on other pages of its site."""
    article = page.article
    if page.skip:
        problem = Problem(path=named(article), stage="clean", reason=page.skip)
        return FinishedPage(article=None, problems=(problem,), report=_report(article, skipped=page.skip))
    units = list(page.units)
    rules = _classify(units, site_known, repeated, list(page.first))
    kept, removed = _clean_units(article, units, rules)
    problems = []
    if not kept:
        kept, removed = units, []
        problems.append(
            Problem(path=named(article), stage="clean", kind="warning",
                    reason="cleaning would remove the whole body; kept it uncleaned")
        )
    longest = max(_long_run(unit) for unit in kept)
    if longest > MAX_RUN_WORDS:
        problems.append(
            Problem(
                path=named(article),
                stage="clean",
                kind="warning",
                reason=f"a passage of {longest:,} words has no sentence punctuation; not used as statements",
            )
        )
    text = "\n\n".join(kept)
    done = article.model_copy(update={"text": text, "language": page.language or article.language})
    return FinishedPage(article=done, problems=tuple(problems), report=_report(article, kept=len(kept), removed=tuple(removed)))


def repeated_units(pages: Sequence[PreparedPage]) -> list[frozenset[str]]:
    """Each page's units (keys) that are repeated on other pages of its site: the sites' repeated-line models
    (`_repeats`) read against each page. Pages without units get an empty set."""
    ready = [i for i, p in enumerate(pages) if p.units]
    group = [0] * len(ready)
    for number, members in enumerate(copy_groups_of([pages[i].main for i in ready])):  # type: ignore[misc]
        for k in members:
            group[k] = number
    site_of = sites([pages[i].article for i in ready])
    repeated = _repeats([list(pages[i].units) for i in ready], site_of, group)
    out = [frozenset[str]()] * len(pages)
    for k, i in enumerate(ready):
        out[i] = frozenset(_key(u) for u in pages[i].units) & repeated.get(site_of[k], set())
    return out


def site_known(pages: Sequence[PreparedPage]) -> list[bool]:
    """Whether each page's site is known (an outlet or a URL host)."""
    return [bool(_host(p.article.url)) or bool(p.article.outlet and p.article.outlet.strip()) for p in pages]


def clean_pages(
    articles: Sequence[Article],
    *,
    prepare: Callable[[Article], PreparedPage] = prepare_page,
    finish: Callable[[PreparedPage, bool, frozenset[str]], FinishedPage] = finish_page,
) -> list[FinishedPage]:
    """Every page cleaned, pages with no text first (then in input order), as `clean_articles` reports them.

    `prepare` and `finish` may be remembered versions of `prepare_page` and `finish_page` (clean.incremental):
    the step between them, the sites' repeated lines, is the only one that reads the whole set.
    """
    prepared = [prepare(a) for a in articles]
    repeated = repeated_units(prepared)
    known = site_known(prepared)
    empty = [finish(p, k, r) for p, k, r in zip(prepared, known, repeated) if not p.units]
    return [*empty, *(finish(p, k, r) for p, k, r in zip(prepared, known, repeated) if p.units)]


def _clean_all(articles: Sequence[Article]) -> tuple[list[Article], list[Problem], list[PageCleaning]]:
    """Clean every article; also say, page by page, what was removed and why."""
    done = clean_pages(articles)
    return ([d.article for d in done if d.article is not None], [p for d in done for p in d.problems],
            [d.report for d in done])


def _report(article: Article, **fields: object) -> PageCleaning:
    return PageCleaning(path=article.path, title=article.title, outlet=article.outlet, url=article.url, **fields)  # type: ignore[arg-type]


def clean_articles(articles: Sequence[Article]) -> tuple[list[Article], list[Problem]]:
    """Clean every article's body; skip empty and non-English ones with a Problem each."""
    cleaned, problems, _ = _clean_all(articles)
    return cleaned, problems


def explain_cleaning(articles: Sequence[Article]) -> list[PageCleaning]:
    """Page by page, in input order: what cleaning removed and by which rule (the same run as `clean_articles`)."""
    return _clean_all(articles)[2]
