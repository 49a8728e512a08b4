"""Rendering a digest to Markdown and HTML: structure, sources, and hostile content shown as text."""

from __future__ import annotations

import datetime as dt
import re

from summarizer.models import ArticleInfo, Digest, Problem, RunInfo, Source, Stats, Summit, SummaryItem, Theme
from summarizer.digest.render import anchor, cite, md_text, one_line, render_html, render_markdown, safe_url

RUN = RunInfo(
    algorithm="nttr",
    budget_words=100,
    model="all-MiniLM-L6-v2",
    dedup_threshold=0.87,
    version="0.1.0",
    generated_at=dt.datetime(2025, 11, 28, 7, 0, tzinfo=dt.timezone.utc),
)


def sample_digest() -> Digest:
    """A small, realistic digest: two summits, two themes, one problem, one note."""
    times = Source(
        article_id="a0",
        path="seeds/000.txt",
        outlet="The Astana Times",
        title="Tokayev on the peace formula",
        url="https://astanatimes.com/2022/11/tokayev",
    )
    belta = Source(article_id="a1", path="seeds/001.txt", outlet="BelTA", title="Lukashenka on the CSTO")
    bare = Source(article_id="a2", path="seeds/002.txt")
    return Digest(
        run=RUN,
        stats=Stats(articles=3, statements=120, merged_statements=110),
        articles=(
            ArticleInfo(id="a0", path="seeds/000.txt", title=times.title, outlet=times.outlet, url=times.url,
                        published=dt.date(2022, 11, 23), summit="s-yerevan"),
            ArticleInfo(id="a1", path="seeds/001.txt", title=belta.title, outlet="BelTA", summit="s-yerevan"),
            ArticleInfo(id="a2", path="seeds/002.txt", summit="s-minsk"),
        ),
        summits=(
            Summit(
                id="s-yerevan", title="CSTO summit, Yerevan, 2022-11-23", date=dt.date(2022, 11, 23),
                place="Yerevan", articles=("a0", "a1"),
                summary=(
                    SummaryItem(text="Tokayev offered a thoughtful take on the peace process in Ukraine.",
                                sources=(times,)),
                    SummaryItem(text="He urged the bloc to pursue open, constructive dialogue.",
                                sources=(times, belta), outlets=2),
                ),
            ),
            Summit(
                id="s-minsk", title="CSTO summit, Minsk", place="Minsk", articles=("a2",),
                note="No date found in the text.",
                summary=(SummaryItem(text="The world is moving away from a unipolar order.", sources=(bare,)),),
            ),
        ),
        themes=(
            Theme(id="t-caucasus", label="Armenia and Azerbaijan", keywords=("armenia", "azerbaijan"),
                  summits=("s-yerevan",), size=14,
                  summary=(SummaryItem(text="Relations in the South Caucasus must be normalised.",
                                       sources=(times,)),)),
            Theme(id="t-nuclear", label="Nuclear deterrence", keywords=("nuclear",), summits=("s-minsk",), size=5,
                  summary=(SummaryItem(text="Nuclear blackmail has no place in diplomacy.", sources=(belta,)),)),
        ),
        problems=(Problem(path="inbox/empty.txt", reason="empty file"),),
        notes=("CSTO summit, Minsk: No date found in the text.",),
    )


SCRIPT = "<script>document.title='PWNED';document.documentElement.setAttribute('data-pwned','script')</script>"
ONERROR = "<img src=x onerror=\"document.documentElement.setAttribute('data-pwned','onerror')\">"


def hostile_digest(port: int = 9) -> Digest:
    """Every field a stranger controls carries markup, a javascript: URL, entities or CR/LF."""
    beacon = f"http://127.0.0.1:{port}"
    evil = Source(
        article_id="../../evil\r\nid",
        path=f"../etc/<b>passwd</b>{SCRIPT}",
        outlet=f"Evil\r\nBcc: victim@example.com {ONERROR}",
        title=f"{SCRIPT} &amp; &lt;b&gt;bold&lt;/b&gt; <img src={beacon}/title>",
        url="javascript:document.documentElement.setAttribute('data-pwned','href')",
    )
    sneaky = Source(article_id="b", path="b.txt", title="sneaky", url=" JaVaScRiPt:alert(1)")
    text = (
        f"Leaders met. {SCRIPT} {ONERROR} <iframe src={beacon}/frame></iframe> "
        f"<link rel=stylesheet href={beacon}/css><style>@import url({beacon}/import);</style> "
        f"<svg onload=\"document.documentElement.setAttribute('data-pwned','svg')\"></svg> &amp; &#60;x&#62;\r\nInjected: line"
    )
    return Digest(
        run=RUN.model_copy(update={"algorithm": f"nttr{SCRIPT}"}),
        articles=(ArticleInfo(id=evil.article_id, path=evil.path, title=evil.title, outlet=evil.outlet,
                              url=evil.url, summit=f"s{SCRIPT}"),),
        summits=(Summit(id=f"s{SCRIPT}", title=f"Summit {SCRIPT}", place=ONERROR, articles=(evil.article_id,),
                        note=f"note {ONERROR}", summary=(SummaryItem(text=text, sources=(evil, sneaky)),)),),
        themes=(Theme(id=f"t\"><script>", label=f"Theme {SCRIPT}", keywords=(ONERROR,), summits=(f"s{SCRIPT}",),
                      summary=(SummaryItem(text=text, sources=(evil,)),)),),
        problems=(Problem(path=f"<img src={beacon}/problem>", reason=SCRIPT),),
        notes=(f"<a href=\"javascript:alert(1)\">click</a> {ONERROR}",),
    )


def test_markdown_reads_summit_by_summit_then_theme_by_theme():
    md = render_markdown(sample_digest())
    order = [md.index(h) for h in ("## Summit by summit", "### CSTO summit, Yerevan", "### CSTO summit, Minsk",
                                   "## Theme by theme", "### Armenia and Azerbaijan", "## Articles",
                                   "## Problems", "## Notes", "*About this digest:*")]
    assert order == sorted(order)


def test_markdown_links_sources_with_a_url_and_names_the_others_by_path():
    md = render_markdown(sample_digest())
    assert "[The Astana Times: Tokayev on the peace formula](<https://astanatimes.com/2022/11/tokayev>)" in md
    assert "BelTA: Lukashenka on the CSTO (seeds/001.txt)" in md
    assert "*Sources:* seeds/002.txt" in md


def test_summary_items_say_how_many_outlets_reported_them():
    md = render_markdown(sample_digest())
    assert "reported by 2 outlets" in md
    assert "reported by 1 outlet" in md


def test_markdown_footer_gives_the_run_info():
    md = render_markdown(sample_digest())
    assert "summarizer **nttr**, model all-MiniLM-L6-v2, 100 words per summary" in md
    assert "120 statements, 110 after merging" in md


def test_html_has_a_table_of_contents_linking_every_summit_and_theme():
    html = render_html(sample_digest())
    for prefix, ident in (("summit", "s-yerevan"), ("summit", "s-minsk"), ("theme", "t-caucasus")):
        a = anchor(prefix, ident)
        assert f'href="#{a}"' in html and f'id="{a}"' in html


def test_html_is_self_contained():
    html = render_html(sample_digest())
    assert "<script" not in html
    assert not re.search(r"<(link|img|iframe)\b", html)
    assert not re.search(r"\bsrc=", html)
    assert "default-src 'none'" in html
    assert "<style>" in html


def test_html_shows_note_problem_and_source_link():
    html = render_html(sample_digest())
    assert "No date found in the text." in html
    assert "inbox/empty.txt" in html
    assert 'href="https://astanatimes.com/2022/11/tokayev"' in html


def test_empty_digest_renders():
    digest = Digest(run=RUN)
    assert "No summits in this digest." in render_html(digest)
    assert "No summits in this digest." in render_markdown(digest)


def test_hostile_html_has_no_markup_from_the_content():
    html = render_html(hostile_digest())
    assert "<script" not in html.lower()
    assert "<img" not in html.lower() and "<iframe" not in html.lower() and "<svg" not in html.lower()
    assert "<style>@import" not in html
    assert "&lt;script&gt;document.title=" in html


def test_hostile_html_never_links_a_javascript_url():
    html = render_html(hostile_digest())
    assert 'href="javascript' not in html.lower()
    assert 'href=" javascript' not in html.lower()
    assert "javascript:document.documentElement" in html  # shown as text


def test_hostile_entities_show_literally():
    html = render_html(hostile_digest())
    assert "&amp;lt;b&amp;gt;bold" in html


def test_hostile_attribute_values_cannot_break_out_of_quotes():
    html = render_html(hostile_digest())
    for value in re.findall(r'(?:id|href)="([^"]*)"', html):
        assert "<" not in value and ">" not in value


def test_hostile_markdown_escapes_markup_and_keeps_one_line_per_item():
    md = render_markdown(hostile_digest())
    assert not re.search(r"(?<!\\)<", md), "every < from the content is backslash-escaped"
    assert "](javascript" not in md.lower() and "](<javascript" not in md.lower()
    assert "\r" not in md
    assert "\nInjected" not in md and "\nBcc:" not in md


def test_safe_url_accepts_only_absolute_http_urls():
    assert safe_url("https://example.org/a?b=1") == "https://example.org/a?b=1"
    assert safe_url("http://example.org") == "http://example.org"
    for bad in ("javascript:alert(1)", " https://x.org", "data:text/html,x", "//x.org", "https:///x", "http://a\nb",
                "file:///etc/passwd", "ftp://x.org", None, ""):
        assert safe_url(bad) is None


def test_cite_labels_by_outlet_and_title_else_path():
    assert cite(Source(article_id="a", path="p.txt", outlet="O", title="T")).label == "O: T"
    assert cite(Source(article_id="a", path="p.txt")).label == "p.txt"


def test_an_untitled_page_is_named_by_its_address_not_by_the_file_it_came_in():
    c = cite(Source(article_id="a", path="pages.jsonl", url="https://www.tass.com/politics/1859609/"))
    assert (c.label, c.href) == ("tass.com/politics/1859609", "https://www.tass.com/politics/1859609/")
    long = cite(Source(article_id="a", path="pages.jsonl", url="https://example.org/" + "x" * 200)).label
    assert len(long) == 70 and long.endswith("…")


def test_one_line_removes_cr_lf_and_controls():
    assert one_line("a\r\nb\x00c\u2028d") == "a b c d"


def test_md_text_escapes_markdown_syntax():
    assert md_text("[x](javascript:y) <b>") == r"\[x\](javascript:y) \<b\>"


def test_rendering_is_deterministic():
    assert render_html(sample_digest()) == render_html(sample_digest())
    assert render_markdown(sample_digest()) == render_markdown(sample_digest())
