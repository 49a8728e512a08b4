"""read_inputs: formats, metadata, stable ids, sorted walking, problems instead of crashes."""

from __future__ import annotations

import datetime as dt
import json
import os
from pathlib import Path

import pytest

from summarizer.read.pages import guess_title, make_article_id, parse_date
from summarizer.read.ingest import read_inputs

BODY = "The leaders met in Minsk on Thursday. They signed a declaration on security."


def write(path: Path, content: str | bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    return path


def test_txt_file_becomes_an_article_with_raw_text(tmp_path: Path) -> None:
    write(tmp_path / "a.txt", BODY)
    result = read_inputs([tmp_path])
    assert [a.text for a in result.articles] == [BODY]
    assert result.articles[0].format == "txt"


def test_txt_headline_first_line_becomes_title(tmp_path: Path) -> None:
    write(tmp_path / "a.txt", "Summit Ends in Minsk\n\n" + BODY)
    assert read_inputs([tmp_path]).articles[0].title == "Summit Ends in Minsk"


def test_hard_wrapped_first_line_is_not_a_title() -> None:
    wrapped = "Cambodian leader Hun Sen on Friday rejected opposition parties' demands\nfor talks outside the country.\n"
    assert guess_title(wrapped) is None


def test_path_stays_as_given_relative(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write(tmp_path / "in" / "sub" / "a.txt", BODY)
    monkeypatch.chdir(tmp_path)
    assert read_inputs([Path("in")]).articles[0].path == os.path.join("in", "sub", "a.txt")


def test_folders_are_walked_recursively_in_sorted_order(tmp_path: Path) -> None:
    for name in ["b.txt", "a/z.txt", "a/c.txt", "0.txt"]:
        write(tmp_path / name, f"{name} says the summit was held in Minsk today.")
    paths = [Path(a.path).relative_to(tmp_path).as_posix() for a in read_inputs([tmp_path]).articles]
    assert paths == ["0.txt", "a/c.txt", "a/z.txt", "b.txt"]


def test_article_id_is_stable_and_depends_on_content_and_path() -> None:
    assert make_article_id("a.txt", BODY) == make_article_id("a.txt", BODY)
    assert make_article_id("a.txt", BODY) != make_article_id("b.txt", BODY)
    assert make_article_id("a.txt", BODY) != make_article_id("a.txt", BODY + " More.")


def test_article_id_is_the_same_for_relative_and_absolute_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write(tmp_path / "in" / "a.txt", BODY)
    monkeypatch.chdir(tmp_path)
    assert read_inputs([Path("in")]).articles[0].id == read_inputs([tmp_path / "in"]).articles[0].id


def test_article_id_is_safe_for_file_names(tmp_path: Path) -> None:
    write(tmp_path / "../x/Ünïcode name ../../evil.txt".replace("../", ""), BODY)
    (article,) = read_inputs([tmp_path]).articles
    assert all(c.isalnum() or c == "-" for c in article.id)


def test_markdown_front_matter_gives_metadata(tmp_path: Path) -> None:
    write(
        tmp_path / "a.md",
        "---\ntitle: Summit\noutlet: Daily\nurl: https://ex.com/a\npublished: 2024-11-28\nsummit: astana-2024\n---\n" + BODY,
    )
    (article,) = read_inputs([tmp_path]).articles
    assert (article.title, article.outlet, article.url, article.summit) == ("Summit", "Daily", "https://ex.com/a", "astana-2024")
    assert article.published == dt.date(2024, 11, 28)
    assert article.text.strip() == BODY


def test_broken_front_matter_keeps_the_body_and_reports_it(tmp_path: Path) -> None:
    write(tmp_path / "a.md", "---\ntitle: [unclosed\noutlet: : :\n---\n" + BODY)
    result = read_inputs([tmp_path])
    assert result.articles[0].text.strip() == BODY
    assert "front matter" in result.problems[0].reason


def test_front_matter_that_is_a_list_is_reported(tmp_path: Path) -> None:
    write(tmp_path / "a.md", "---\n- a\n- b\n---\n" + BODY)
    result = read_inputs([tmp_path])
    assert result.articles[0].text.strip() == BODY
    assert "front matter" in result.problems[0].reason


def test_jsonl_reads_each_line_and_reports_bad_lines_by_number(tmp_path: Path) -> None:
    lines = [
        json.dumps({"text": BODY, "title": "One", "source": "Wire", "date": "2023-11-23"}),
        "{not json",
        json.dumps({"body": "Second article body about the CSTO summit in Yerevan."}),
        json.dumps(["a", "list"]),
        json.dumps({"title": "no text"}),
    ]
    write(tmp_path / "feed.jsonl", "\n".join(lines))
    result = read_inputs([tmp_path])
    assert [a.title for a in result.articles] == ["One", None]
    assert result.articles[0].outlet == "Wire" and result.articles[0].published == dt.date(2023, 11, 23)
    assert [p.reason.split(":")[0] for p in result.problems] == ["line 2", "line 4", "line 5"]
    assert len({a.id for a in result.articles}) == 2


def test_html_main_text_and_metadata_are_extracted(tmp_path: Path) -> None:
    paragraph = "The leaders of the CSTO met in Astana on Thursday to discuss regional security. " * 6
    html = (
        '<html><head><title>Astana summit</title><meta property="og:url" content="https://ex.com/a">'
        '<meta name="date" content="2024-11-28"></head><body><nav>Home | News | Sign up</nav>'
        f"<article><h1>Astana summit</h1><p>{paragraph}</p><p>They adopted a border programme.</p></article>"
        "<script>alert(1)</script></body></html>"
    )
    write(tmp_path / "a.html", html)
    (article,) = read_inputs([tmp_path]).articles
    assert article.title == "Astana summit"
    assert article.published == dt.date(2024, 11, 28)
    assert "They adopted a border programme." in article.text
    assert "alert" not in article.text and "Home | News" not in article.text


def test_html_without_text_is_a_problem(tmp_path: Path) -> None:
    write(tmp_path / "a.html", "<html><body><div></div></body></html>")
    result = read_inputs([tmp_path])
    assert not result.articles and "no main text" in result.problems[0].reason


def test_unknown_suffix_is_reported_with_supported_list(tmp_path: Path) -> None:
    write(tmp_path / "a.xyz", BODY)
    (problem,) = read_inputs([tmp_path]).problems
    assert problem.reason.startswith("unsupported file type .xyz (supported: .txt")


def test_empty_and_whitespace_files_are_problems(tmp_path: Path) -> None:
    write(tmp_path / "empty.txt", "")
    write(tmp_path / "blank.txt", " \n\t\n ")
    reasons = sorted(p.reason for p in read_inputs([tmp_path]).problems)
    assert reasons == ["empty file", "only whitespace; nothing to read"]


def test_binary_file_is_a_problem(tmp_path: Path) -> None:
    write(tmp_path / "bin.txt", b"\x89PNG\x00\x00\x01junk")
    (problem,) = read_inputs([tmp_path]).problems
    assert problem.reason.startswith("binary file")


def test_file_over_the_limit_is_a_problem(tmp_path: Path) -> None:
    write(tmp_path / "big.txt", "word " * 1000)
    result = read_inputs([tmp_path], max_bytes=100)
    assert not result.articles and "too large" in result.problems[0].reason


def test_non_utf8_file_is_decoded_and_noted(tmp_path: Path) -> None:
    write(tmp_path / "a.txt", "The café in Minsk hosted the délégués of the summit today.".encode("latin-1"))
    result = read_inputs([tmp_path])
    assert "café" in result.articles[0].text
    assert result.problems[0].stage == "decode" and "not UTF-8" in result.problems[0].reason


def test_crlf_newlines_are_normalised(tmp_path: Path) -> None:
    write(tmp_path / "a.txt", b"First line here.\r\nSecond line here.\r\n")
    assert "\r" not in read_inputs([tmp_path]).articles[0].text


def test_symlink_outside_the_folder_is_not_followed(tmp_path: Path) -> None:
    outside = write(tmp_path / "secret.txt", "Secret text that must not be read at all.")
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "link.txt").symlink_to(outside)
    result = read_inputs([folder])
    assert not result.articles
    assert "outside the input folder" in result.problems[0].reason


def test_symlink_inside_the_folder_is_read(tmp_path: Path) -> None:
    write(tmp_path / "a.txt", BODY)
    (tmp_path / "b.txt").symlink_to(tmp_path / "a.txt")
    assert len(read_inputs([tmp_path]).articles) == 2


def test_missing_path_is_a_problem() -> None:
    (problem,) = read_inputs([Path("/nonexistent/nttr/x")]).problems
    assert problem.reason == "no such file or folder"


def test_names_with_spaces_and_unicode_are_fine(tmp_path: Path) -> None:
    write(tmp_path / "Саммит в Минске 2023.txt", BODY)
    (article,) = read_inputs([tmp_path]).articles
    assert article.path.endswith("Саммит в Минске 2023.txt")


def test_hidden_files_are_skipped(tmp_path: Path) -> None:
    write(tmp_path / ".DS_Store", b"\x00\x01")
    write(tmp_path / "a.txt", BODY)
    result = read_inputs([tmp_path])
    assert len(result.articles) == 1 and not result.problems


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2025-11-27", dt.date(2025, 11, 27)),
        ("2025-11-27T10:00:00Z", dt.date(2025, 11, 27)),
        ("Thu, 28 Nov 2024 10:00:00 +0000", dt.date(2024, 11, 28)),
        (dt.datetime(2020, 12, 2, 9), dt.date(2020, 12, 2)),
        ("not a date", None),
        ("2025-13-45", None),
        (12, None),
    ],
)
def test_parse_date_accepts_common_forms(value: object, expected: dt.date | None) -> None:
    assert parse_date(value) == expected


def test_a_file_read_in_a_guessed_encoding_is_a_warning_not_a_skip(tmp_path):
    from summarizer.read.ingest import read_inputs as read_all

    (tmp_path / "old.txt").write_bytes("Caf\u00e9 owners met the mayor on Monday to discuss the plan.".encode("cp1252"))
    got = read_all([tmp_path])
    assert len(got.articles) == 1
    assert [(p.kind, p.reason) for p in got.problems] == [("warning", "not UTF-8; decoded as cp1252")]


def test_a_json_line_keeps_its_own_id_and_a_file_its_relative_path(tmp_path: Path) -> None:
    write(tmp_path / "feed.jsonl", json.dumps({"id": "rec-42", "text": BODY}) + "\n" + json.dumps({"text": BODY + " More."}))
    write(tmp_path / "sub" / "a.txt", BODY + " Again.")
    ids = sorted(a.source_id for a in read_inputs([tmp_path]).articles)
    assert ids == ["feed.jsonl#2", "rec-42", "sub/a.txt"]


def test_the_digest_lists_each_article_with_its_source_id(tmp_path: Path) -> None:
    from summarizer.digest.assemble import article_infos

    write(tmp_path / "feed.jsonl", json.dumps({"id": "rec-42", "text": BODY}))
    (info,) = article_infos(read_inputs([tmp_path]).articles, {})
    assert info.model_dump(mode="json")["source_id"] == "rec-42"
