"""A folder of bad inputs next to two seeds: the seeds come through, every bad file is a Problem, nothing raises."""

from __future__ import annotations

import json
import shutil
import tracemalloc
from pathlib import Path

import pytest

from summarizer.clean.pages import clean_articles
from summarizer.read.ingest import read_inputs
from summarizer.text.sentences import split_statements
from tests.conftest import SEEDS

RUSSIAN = (
    "Саммит Организации Договора о коллективной безопасности прошёл в Бишкеке. "
    "Лидеры государств обсудили вопросы региональной безопасности, борьбы с терроризмом и наркотрафиком."
)
LATIN1 = (
    "The summit opened at the Café Central in Minsk on Thursday morning.\n"
    "Delegates from the organization praised the naïve optimism of the hosts and the crème brûlée served at lunch.\n"
)
ENGLISH = "The leaders of the alliance met in Minsk on Thursday to discuss the security of the region at length."
SEED_NAMES = ("000_6b309389bf60c8e2.txt", "002_dee48964e543074b.txt")

BAD = {
    "empty.txt": "empty file",
    "blank.txt": "only whitespace",
    "binary.txt": "binary file",
    "big.txt": "too large",
    "broken.md": "broken front matter",
    "lines.jsonl": "line 2: invalid JSON",
    "feed.rss": "feed",
    "escape.txt": "outside the input folder",
    "notes.xyz": "unsupported file type .xyz",
}


@pytest.fixture(scope="module")
def bad_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("bad")
    folder = root / "in put ü"
    folder.mkdir()
    for name in SEED_NAMES:
        shutil.copy(SEEDS / name, folder / name)
    (folder / "empty.txt").write_bytes(b"")
    (folder / "blank.txt").write_text(" \n\t \n")
    (folder / "binary.txt").write_bytes(b"\x7fELF\x02\x01\x00\x00" + bytes(range(256)) * 8)
    (folder / "invalid utf8.txt").write_bytes(ENGLISH.encode() + b" Broken \xff\xfe bytes here.")
    (folder / "russian cp1251.txt").write_bytes(RUSSIAN.encode("cp1251"))
    (folder / "latin1.txt").write_bytes(LATIN1.encode("latin-1"))
    with (folder / "big.txt").open("w") as handle:
        chunk = "The summit went on. " * 50_000
        for _ in range(50):  # 50 MB
            handle.write(chunk)
    (folder / "no punctuation.txt").write_text(" ".join(f"word{i % 97}" for i in range(20_000)))
    (folder / "copy one.txt").write_text(ENGLISH + " " + ENGLISH.replace("Minsk", "Moscow"))
    (folder / "copy two.txt").write_text(ENGLISH + " " + ENGLISH.replace("Minsk", "Moscow"))
    (folder / "broken.md").write_text("---\ntitle: [oops\n: bad: yaml\n---\n" + ENGLISH)
    (folder / "lines.jsonl").write_text(json.dumps({"text": ENGLISH, "title": "ok"}) + "\n{broken json\n")
    (folder / "truncated.html").write_text(
        "<html><head><title>Cut</title></head><body><article><p>" + ENGLISH * 5 + "</p><p>The talks ended late at"
    )
    (folder / "feed.rss").write_text("<rss><channel><title>Broken<item><link>http://127.0.0.1:9/x</lin")
    secret = root / "secret.txt"
    secret.write_text("A secret outside the input folder that must never be read by nttr.")
    (folder / "escape.txt").symlink_to(secret)
    (folder / "Саммит 2023 — notes.txt").write_text(ENGLISH)
    (folder / "notes.xyz").write_text(ENGLISH)
    return folder


@pytest.fixture(scope="module")
def outcome(bad_folder: Path):  # type: ignore[no-untyped-def]
    read_inputs([bad_folder])  # warm up: imports are not what we measure
    tracemalloc.start()
    ingested = read_inputs([bad_folder])
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    articles, problems = clean_articles(ingested.articles)
    return ingested, articles, [*ingested.problems, *problems], peak


def reasons_for(problems, name: str) -> list[str]:  # type: ignore[no-untyped-def]
    return [p.reason for p in problems if Path(p.path).name == name or name in p.path]


def test_seeds_come_through_with_statements(outcome) -> None:  # type: ignore[no-untyped-def]
    _, articles, _, _ = outcome
    seeds = [a for a in articles if Path(a.path).name in SEED_NAMES]
    assert len(seeds) == 2
    assert all(len(split_statements(a)) > 10 for a in seeds)


@pytest.mark.parametrize(("name", "reason"), sorted(BAD.items()))
def test_bad_file_is_a_problem_with_reason(outcome, name: str, reason: str) -> None:  # type: ignore[no-untyped-def]
    _, _, problems, _ = outcome
    assert any(reason in r for r in reasons_for(problems, name)), reasons_for(problems, name)


def test_bad_only_files_give_no_article(outcome) -> None:  # type: ignore[no-untyped-def]
    ingested, _, _, _ = outcome
    names = {Path(a.path).name for a in ingested.articles}
    assert not names & {"empty.txt", "blank.txt", "binary.txt", "big.txt", "escape.txt", "notes.xyz"}


def test_invalid_utf8_is_decoded_and_noted(outcome) -> None:  # type: ignore[no-untyped-def]
    _, articles, problems, _ = outcome
    assert any(a.path.endswith("invalid utf8.txt") for a in articles)
    assert any("UTF-8" in r or "utf-8" in r for r in reasons_for(problems, "invalid utf8.txt"))


def test_cp1251_russian_is_decoded_then_reported_not_english(outcome) -> None:  # type: ignore[no-untyped-def]
    ingested, articles, problems, _ = outcome
    (raw,) = [a for a in ingested.articles if a.path.endswith("russian cp1251.txt")]
    assert raw.text.startswith("Саммит Организации")
    assert not any(a.path.endswith("russian cp1251.txt") for a in articles)
    assert any(r.startswith("not English (ru)") for r in reasons_for(problems, "russian cp1251.txt"))


def test_latin1_is_decoded_without_mojibake(outcome) -> None:  # type: ignore[no-untyped-def]
    _, articles, _, _ = outcome
    (article,) = [a for a in articles if a.path.endswith("latin1.txt")]
    assert "Café Central" in article.text and "crème brûlée" in article.text and "naïve" in article.text


def test_big_file_is_not_loaded_into_memory(outcome) -> None:  # type: ignore[no-untyped-def]
    _, _, _, peak = outcome
    assert peak < 5_000_000


def test_unpunctuated_file_is_reported_and_gives_no_statements(outcome) -> None:  # type: ignore[no-untyped-def]
    _, articles, problems, _ = outcome
    (article,) = [a for a in articles if a.path.endswith("no punctuation.txt")]
    assert split_statements(article) == []
    assert any("no sentence punctuation" in r for r in reasons_for(problems, "no punctuation.txt"))


def test_same_article_under_two_names_is_read_twice_with_distinct_ids(outcome) -> None:  # type: ignore[no-untyped-def]
    _, articles, _, _ = outcome
    copies = [a for a in articles if Path(a.path).name in ("copy one.txt", "copy two.txt")]
    assert len(copies) == 2 and copies[0].text == copies[1].text and copies[0].id != copies[1].id


def test_broken_markdown_and_jsonl_keep_their_good_parts(outcome) -> None:  # type: ignore[no-untyped-def]
    _, articles, _, _ = outcome
    names = [Path(a.path).name for a in articles]
    assert "broken.md" in names and "lines.jsonl" in names


def test_truncated_html_is_handled(outcome) -> None:  # type: ignore[no-untyped-def]
    ingested, _, problems, _ = outcome
    got_article = any(a.path.endswith("truncated.html") for a in ingested.articles)
    assert got_article or reasons_for(problems, "truncated.html")


def test_unicode_name_is_read(outcome) -> None:  # type: ignore[no-untyped-def]
    _, articles, _, _ = outcome
    assert any(Path(a.path).name == "Саммит 2023 — notes.txt" for a in articles)


def test_every_problem_names_a_path_and_reason(outcome) -> None:  # type: ignore[no-untyped-def]
    _, _, problems, _ = outcome
    assert problems and all(p.path and p.reason for p in problems)
