"""Site chrome in a page's text units (paragraphs or lines), found from general features as jusText does.

Each unit gets the name of the first rule that removes it, or None when it is article text:

- `repeated`: furniture of the site: the unit is on other pages of the same site (outlet or URL host), or
  twice on this page; decided by the caller, which sees the whole corpus (`clean.py`).
- `caption`: a photo caption: a credit line ("Photo credit: gov.kz"), or one dated sentence followed by a
  credit ("... June 23, 2022. /Xinhua", "... 2024. - AFP", "... 2023. EPA-EFE/KIM LUDBROOK"). Captions read
  like prose, so stop-word density cannot see them; the credit after the last full stop can. From a longer
  paragraph, or one ending in a bracketed credit ("... South Africa. (ANI)": the story's), only the credit
  is cut (`credit_tail`).
- `notice`: the page talking to its reader about itself: calls to subscribe or follow, editor's notes,
  complaint and contact notices. Seen as a sentence that addresses the reader (you, your, please, kindly,
  an e-mail address, a final "!", or a whole unit in brackets) and uses the vocabulary of publishing (story,
  article, newsletter, subscribe, edited, contact, ...): words of what pages are about, not any site's
  phrases. Closing notice sentences are cut from a paragraph of text (`notice_tail`). Also short prompts:
  a question or exclamation of fewer than `STATEMENT_WORDS` words ("No time to read?"), in news text a
  prompt or a sub-heading, never a statement.
- `boilerplate`: jusText's own paragraph classifier (`justext.core`): length, stop-word density, a copyright
  sign, and the classes of neighbouring paragraphs. Units found by the rules above enter it as bad
  paragraphs, so their neighbours are judged in context. Tuned for text, whose paragraphs carry no markup:
  news ledes are dense with names (the densities of real ledes go down to 0.16), so a long unit is bad only
  under 0.12 stop words (menus, tickers, lists of links). A unit of complete sentences (at least
  `STATEMENT_WORDS` words, ending with sentence punctuation) over 0.12 is good whatever its length or
  neighbours: in text without markup, captions and notices beside a lede (rules above) would otherwise drag
  it down with them (jusText drops a paragraph between two bad ones). A page with no good paragraph (a
  brief of short lines) takes its dense paragraphs as good. What remains is jusText's context rule: short
  lines next to the text stay (sub-headings), short lines at the page's edges go (headlines, datelines,
  bylines, menus, "top of page", "+ ↺ − 16 px"). A short line holding a date stays (a time stamp is
  evidence for the event grouping, and never a statement).
"""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence

from summarizer.text.sentences import is_heading

STATEMENT_WORDS = 8
"""A sentence this long is a statement a summary may use (the summarizer's own minimum), never 'short'."""
LENGTH_LOW = 70
LENGTH_HIGH = 200
STOPWORDS_LOW = 0.12
STOPWORDS_HIGH = 0.20
"""jusText's defaults are 70, 200, 0.30 and 0.32: on realnews-dev they drop 44 real paragraphs (ledes
full of names, lists of leaders) and every paragraph of pages without a 200-character one."""

_TERMINAL = re.compile(r"[.!?…][\"'”’»)\]]*\s*$")
_SENTENCE_END = re.compile(r"[.!?…][\"'”’»]?(?=\s+[\"“‘'(\[]*[A-Z0-9])")
_CREDIT_TAIL = re.compile(
    r"(?<=[.!?…])[\"'”’»]?\s*(?:"
    r"[-–—|/]\s*[A-Z][\w.&'’-]*(?:[ /-]+[A-Z][\w.&'’-]*){0,3}"  # . /Xinhua   . - AFP   . — Reuters/Staff
    r"|\(\s*[A-Z][\w.&'’/ -]{0,30}\)"  # .(AP)
    r"|[A-Z][A-Z-]+/[A-Z][\w .'’-]{0,40}"  # . EPA-EFE/KIM LUDBROOK
    r"|(?i:photo|image|picture|video|source|credit)s?(?i: credit| courtesy| by)?\s*:\s*[^.!?]{1,60}"  # . Photo credit: X
    r")\s*$"
)
_CREDIT_ONLY = re.compile(
    r"^(?:photo|image|picture|video|credit|caption|source)s?(?: credit| courtesy| by)?\s*:|\bphoto credit\s*:", re.I
)
_ADDRESS = re.compile(r"\b(?:you|your|yours|please|kindly)\b|\S+@\S+\.\w+", re.IGNORECASE)
_YEAR = re.compile(r"\b(?:19|20)\d{2}\b")
_PUBLISHING = re.compile(
    r"\b(?:articles?|stor(?:y|ies)|newsletters?|feeds?|websites?|site|app|apps|subscri(?:be|bed|ption)|sign[ -]?up"
    r"|follow(?:ing)? us|click|tap|share|comments?|complaints?|contact|e-?mail|edited|editors?|staff|updates|download"
    r"|notifications?|inbox|twitter|facebook|instagram|telegram|youtube|tiktok|whatsapp)\b",
    re.IGNORECASE,
)
_MONTH = r"(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?"
_DATE = re.compile(
    rf"\b(?:\d{{1,2}}(?:st|nd|rd|th)?[ -]{_MONTH}(?:,?[ -]\d{{2,4}})?|{_MONTH} \d{{1,2}}(?:st|nd|rd|th)?\b(?:,? \d{{4}})?"
    r"|\d{4}-\d{2}-\d{2}|\d{1,2}[./]\d{1,2}[./]\d{2,4})",
    re.IGNORECASE,
)


@functools.cache
def _stoplist() -> frozenset[str]:
    import justext

    return frozenset(w.lower() for w in justext.get_stoplist("English"))




def is_sentence_like(text: str) -> bool:
    """At least four words and not heading-like."""
    return len(text.split()) >= 4 and not is_heading(text)


def is_statement(text: str) -> bool:
    """A complete sentence long enough to be quoted in a summary."""
    return len(text.split()) >= STATEMENT_WORDS and bool(_TERMINAL.search(text))


def sentence_starts(unit: str) -> list[int]:
    """Where the unit's rough sentences start: after full stops followed by a capital (enough to find a closing note)."""
    starts = [0]
    for match in _SENTENCE_END.finditer(unit):
        end = match.end()
        while end < len(unit) and unit[end].isspace():
            end += 1
        if end < len(unit):
            starts.append(end)
    return starts


def sentences_of(unit: str) -> list[str]:
    """The unit's rough sentences (see `sentence_starts`)."""
    starts = sentence_starts(unit)
    return [unit[a:b].strip() for a, b in zip(starts, [*starts[1:], len(unit)]) if unit[a:b].strip()]


def credit_tail(unit: str) -> re.Match[str] | None:
    """The photo or agency credit after a unit's last full stop ("/Xinhua", "- AFP", "(AP)"), if any."""
    return _CREDIT_TAIL.search(unit)


def is_caption(unit: str) -> bool:
    """A photo caption: a credit line, or one dated sentence followed by a photo credit ("... 2022. /Xinhua").

    A credit in brackets after a paragraph ("... South Africa. (ANI)") is the story's, not a photo's: only
    the credit is cut from such a paragraph (`credit_tail`), as from any paragraph of several sentences.
    """
    words = len(unit.split())
    if words <= 30 and _CREDIT_ONLY.search(unit):
        return True
    tail = credit_tail(unit)
    if tail is None or tail.group().strip().startswith("(") or words > 120:
        return False
    body = unit[: tail.start()]
    return len(sentences_of(body)) == 1 and bool(_DATE.search(body) or _YEAR.search(body))


def _is_notice_sentence(text: str) -> bool:
    words = len(text.split())
    if words < STATEMENT_WORDS and re.search(r"[?!][\"'”’»]?\s*$", text):
        return True  # a short question or exclamation to the reader ("No time to read?"), or a sub-heading
    if words > 60 or not _PUBLISHING.search(text):
        return False
    stripped = text.strip()
    in_brackets = stripped[:1] in "([" and stripped[-1:] in ")]"
    return in_brackets or bool(_ADDRESS.search(text)) or stripped.endswith("!")


def notice_tail(unit: str) -> int | None:
    """Where the closing notice sentences of a unit start ("... Track the latest news on DH!"), if any."""
    starts = sentence_starts(unit)
    ends = [*starts[1:], len(unit)]
    cut = len(starts)
    while cut > 0 and _is_notice_sentence(unit[starts[cut - 1] : ends[cut - 1]].strip()):
        cut -= 1
    return None if cut == len(starts) else starts[cut]


def is_notice(unit: str) -> bool:
    """The page addressing its reader about itself: subscribe, follow, contact us, an editor's note, a prompt."""
    return notice_tail(unit) == 0


def is_dateline(unit: str) -> bool:
    """A short line holding a date ("4 July 2024 10:33", "Updated 09:58, 24-Jun-2022"): a page's time stamp."""
    return len(unit) < LENGTH_LOW and bool(_DATE.search(unit))


def _paragraphs(units: Sequence[str]) -> list:  # type: ignore[type-arg]
    """jusText paragraphs for plain text units (no markup: no links, no headings)."""
    from justext.core import PathInfo
    from justext.paragraph import Paragraph

    class TextParagraph(Paragraph):  # type: ignore[misc]
        """A paragraph whose text is normalised once (jusText re-normalises it on every access)."""

        def __init__(self, text: str) -> None:
            path = PathInfo()
            path.append("body")
            path.append("p")
            super().__init__(path)
            self._text = " ".join(text.split())
            self.text_nodes = [self._text]

        @property
        def text(self) -> str:
            return self._text

    return [TextParagraph(unit) for unit in units]


def justext_classes(units: Sequence[str], bad: Sequence[bool] = ()) -> list[str]:
    """jusText's final class ("good" or not) of each unit; units marked in `bad` enter as bad paragraphs."""
    from justext.core import classify_paragraphs, revise_paragraph_classification

    paragraphs = _paragraphs(units)
    stoplist = _stoplist()
    classify_paragraphs(
        paragraphs, stoplist, length_low=LENGTH_LOW, length_high=LENGTH_HIGH,
        stopwords_low=STOPWORDS_LOW, stopwords_high=STOPWORDS_HIGH, no_headings=True,
    )
    for i, (unit, paragraph) in enumerate(zip(units, paragraphs)):
        if i < len(bad) and bad[i]:
            paragraph.cf_class = "bad"
        elif paragraph.cf_class in ("short", "neargood") and is_statement(unit):
            paragraph.cf_class = "good"  # complete sentences over STOPWORDS_LOW (else jusText said bad)
    if not any(p.cf_class == "good" for p in paragraphs):  # a brief: no paragraph is long, the dense ones are text
        for p in paragraphs:
            if p.cf_class == "neargood" and p.stopwords_density(stoplist) >= STOPWORDS_HIGH:
                p.cf_class = "good"
    revise_paragraph_classification(paragraphs)
    return [p.class_type for p in paragraphs]


def classify_units(
    units: Sequence[str], *, repeated: Sequence[bool] = (), edge_repeated: Sequence[bool] = ()
) -> list[str | None]:
    """The rule that removes each unit, or None for article text.

    `repeated` marks units found on other pages of the site (removed wherever they are); `edge_repeated`
    marks units found on other pages whose site is unknown, removed only in the page's header or footer
    (where nothing but removed units separates them from the edge), since the body of two unrelated pages
    may quote the same sentence.
    """
    rules: list[str | None] = []
    for i, unit in enumerate(units):
        if i < len(repeated) and repeated[i]:
            rules.append("repeated")
        elif is_caption(unit):
            rules.append("caption")
        elif is_notice(unit):
            rules.append("notice")
        else:
            rules.append(None)
    classes = justext_classes(units, [r is not None for r in rules])
    candidate = [i < len(edge_repeated) and edge_repeated[i] for i in range(len(units))]
    for order in (range(len(units)), range(len(units) - 1, -1, -1)):
        for i in order:
            if candidate[i] and rules[i] is None:
                rules[i] = "repeated"
            elif rules[i] is None and classes[i] == "good":
                break
    # A dated line at the edge (a time stamp, "Published On 31 Aug 2025") stays: it is no statement, and the
    # event grouping reads dates from the text.
    return [
        rule or ("boilerplate" if cls != "good" and not is_dateline(unit) else None)
        for unit, rule, cls in zip(units, rules, classes)
    ]
