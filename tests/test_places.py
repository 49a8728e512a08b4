"""Places from the gazetteer: cities, countries, and which places can be one."""

from __future__ import annotations

from summarizer.places import compatible, find_places, lookup


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
