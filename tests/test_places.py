"""Places from the gazetteer: cities, countries, and which places can be one."""

from __future__ import annotations

from summarizer.events.places import compatible, find_places, lookup


def test_a_city_is_compatible_with_its_country() -> None:
    assert compatible(lookup("Kazan"), lookup("Russia"))


def test_two_cities_of_one_country_are_different_places() -> None:
    assert not compatible(lookup("Kazan"), lookup("Moscow"))


def test_a_city_and_its_neighbouring_capital_district_are_one_place() -> None:
    assert compatible(lookup("Delhi"), lookup("New Delhi"))


def test_a_city_is_not_compatible_with_another_country() -> None:
    assert not compatible(lookup("Minsk"), lookup("Kazakhstan"))


def test_multiword_cities_are_found_and_acronyms_are_not_towns() -> None:
    text = "The UN chief flew to Rio de Janeiro, Brazil."
    assert [(text[a:b], p.country) for a, b, p in find_places(text)] == [("Rio de Janeiro", "BR"), ("Brazil", "BR")]


def test_the_gazetteer_is_remembered_in_the_cache_and_read_back_the_same(tmp_path, monkeypatch) -> None:
    from summarizer.events import places

    built = places._build()
    monkeypatch.setattr(places, "_loaded", None)
    assert places.load(tmp_path) == built  # built, and remembered
    [entry] = (tmp_path / "stages" / "gazetteer").glob("*.json")
    monkeypatch.setattr(places, "_loaded", None)
    monkeypatch.setattr(places, "_build", lambda: (_ for _ in ()).throw(AssertionError("built again")))
    assert places.load(tmp_path) == built  # read: the same cities, countries, names and capitals
    assert places.lookup("Kazan") == built.cities["kazan"]
    entry.write_text("{damaged", encoding="utf-8")
    monkeypatch.setattr(places, "_loaded", None)
    monkeypatch.setattr(places, "_build", lambda: built)
    assert places.load(tmp_path) == built  # a damaged entry is rebuilt
