"""Subscribers: validation, import from CSV/YAML with line numbers, and what each one follows."""

from __future__ import annotations

from pathlib import Path

import pytest
from test_render import sample_digest

from summarizer.errors import InputError
from summarizer.service.state import StateStore
from summarizer.models import Subscriber
from summarizer.service.subscribers import (
    add_subscriber,
    filter_digest,
    import_subscribers,
    list_subscribers,
    make_subscriber,
    read_subscribers,
    remove_subscriber,
)


@pytest.fixture
def store(tmp_path: Path):
    with StateStore(tmp_path / "state.sqlite3") as s:
        yield s


def test_add_list_remove(store: StateStore):
    add_subscriber(store, "b@example.org", name="Bea", themes=["nuclear"])
    add_subscriber(store, "a@example.org")
    assert [s.email for s in list_subscribers(store)] == ["a@example.org", "b@example.org"]
    assert remove_subscriber(store, "b@example.org") and not remove_subscriber(store, "b@example.org")
    assert [s.email for s in list_subscribers(store)] == ["a@example.org"]


def test_an_invalid_address_is_refused_naming_it():
    with pytest.raises(InputError, match="not-an-address"):
        make_subscriber("not-an-address")


def test_a_name_with_cr_lf_becomes_one_line():
    assert Subscriber(email="a@example.org", name="Ann\r\nBcc: x@y.z").name == "Ann Bcc: x@y.z"


def test_csv_import_reads_every_field(tmp_path: Path):
    path = tmp_path / "subs.csv"
    path.write_text("email,name,themes,summits\na@example.org,Ann,nuclear;Armenia,\nb@example.org,,,2025\n")
    a, b = read_subscribers(path)
    assert (a.email, a.name, a.themes, a.summits) == ("a@example.org", "Ann", ("nuclear", "Armenia"), ())
    assert (b.email, b.name, b.summits) == ("b@example.org", None, ("2025",))


def test_csv_bad_address_names_file_and_line_and_imports_nothing(tmp_path: Path, store: StateStore):
    path = tmp_path / "subs.csv"
    path.write_text("email,name\na@example.org,Ann\n\nnope@,Bad\nc@example.org,C\n")
    with pytest.raises(InputError, match=r"subs\.csv line 4") as err:
        import_subscribers(store, path)
    assert "nope@" in str(err.value)
    assert list_subscribers(store) == []


def test_csv_without_an_email_column_is_refused(tmp_path: Path):
    path = tmp_path / "subs.csv"
    path.write_text("mail,name\na@example.org,Ann\n")
    with pytest.raises(InputError, match="line 1.*'email' column"):
        read_subscribers(path)


def test_yaml_import_reads_lists_and_names_a_bad_line(tmp_path: Path):
    good = tmp_path / "subs.yaml"
    good.write_text("subscribers:\n  - email: a@example.org\n    themes: [nuclear, drugs]\n  - email: b@example.org\n")
    assert [s.themes for s in read_subscribers(good)] == [("nuclear", "drugs"), ()]
    bad = tmp_path / "bad.yml"
    bad.write_text("- email: a@example.org\n- email: b@example.org\n  name: B\n- email: broken\n")
    with pytest.raises(InputError, match=r"bad\.yml line 4"):
        read_subscribers(bad)


@pytest.mark.parametrize(("sheet", "said"), [
    ("- email: a@example.org\n  colour: red\n", "line 1.*colour"),  # an unknown field
    ("- email: a@example.org\n- email: [unclosed\n", r"subs\.yaml line \d"),  # invalid YAML
], ids=["unknown field", "invalid yaml"])
def test_a_bad_yaml_sheet_is_refused_naming_the_line(tmp_path: Path, sheet: str, said: str):
    path = tmp_path / "subs.yaml"
    path.write_text(sheet)
    with pytest.raises(InputError, match=said):
        read_subscribers(path)


def test_import_twice_updates_instead_of_duplicating(tmp_path: Path, store: StateStore):
    path = tmp_path / "subs.csv"
    path.write_text("email,name\na@example.org,Ann\n")
    import_subscribers(store, path)
    path.write_text("email,name\nA@example.org,Anna\n")
    import_subscribers(store, path)
    assert [(s.email, s.name) for s in list_subscribers(store)] == [("a@example.org", "Anna")]


def test_following_nothing_gets_everything():
    digest = sample_digest()
    assert filter_digest(digest, Subscriber(email="a@example.org")) == digest


def test_following_a_theme_by_keyword_gets_only_that_theme():
    out = filter_digest(sample_digest(), Subscriber(email="a@example.org", themes=("NUCLEAR",)))
    assert [t.id for t in out.themes] == ["t-nuclear"] and out.summits == ()


def test_following_a_theme_by_a_word_of_its_label():
    out = filter_digest(sample_digest(), Subscriber(email="a@example.org", themes=("azerbaijan",)))
    assert [t.id for t in out.themes] == ["t-caucasus"]


def test_a_theme_word_must_match_a_whole_word():
    out = filter_digest(sample_digest(), Subscriber(email="a@example.org", themes=("nuc",)))
    assert out.themes == ()


def test_following_a_summit_by_place_gets_it_and_its_themes():
    out = filter_digest(sample_digest(), Subscriber(email="a@example.org", summits=("minsk",)))
    assert [s.id for s in out.summits] == ["s-minsk"]
    assert [t.id for t in out.themes] == ["t-nuclear"]


def test_following_a_summit_by_year():
    out = filter_digest(sample_digest(), Subscriber(email="a@example.org", summits=("2022",)))
    assert [s.id for s in out.summits] == ["s-yerevan"]


def test_a_followed_phrase_matches_a_theme_whose_keywords_hold_each_word():
    from summarizer.models import Theme
    from summarizer.service.subscribers import theme_matches

    theme = Theme(id="t1", label="Challenges, threats & extremism", keywords=("trafficking", "drug"))
    assert theme_matches(theme, "drug trafficking")
    assert not theme_matches(theme, "drug smuggling")


def test_a_summit_with_nothing_to_say_is_never_mailed():
    from summarizer.models import Subscriber
    from summarizer.service.subscribers import filter_digest
    from tests.test_render import sample_digest

    digest = sample_digest()
    empty = digest.summits[0].model_copy(update={"summary": ()})
    digest = digest.model_copy(update={"summits": (empty, *digest.summits[1:])})
    mailed = filter_digest(digest, Subscriber(email="ann@example.org"))
    assert empty.id not in {s.id for s in mailed.summits}
    assert len(mailed.summits) == len(digest.summits) - 1
