"""What an article says about its event: date, place, kind and format, and which signatures conflict."""

from __future__ import annotations

import datetime as dt

from summarizer.models import Article
from summarizer.events.signatures import conflicts, extract_signature


def sig(text: str, published: dt.date | None = None, title: str | None = None):
    return extract_signature(Article(id="a", path="a.txt", format="txt", text=text, published=published, title=title))


def test_relative_date_of_a_report_is_resolved_against_publication() -> None:
    s = sig("Leaders of the CSTO met in Minsk on Thursday for the CSTO summit.", dt.date(2023, 11, 24))
    assert s.date.first == dt.date(2023, 11, 23) and s.date.resolved


def test_series_acronym_in_an_outlet_s_house_style_is_read_as_the_organisation() -> None:
    page = Article(id="a", path="a.txt", format="txt", published=dt.date(2023, 11, 24),
                   text="Leaders met in Minsk on Thursday for the Csto summit. The Csto adopted a declaration.")
    assert extract_signature(page).org is None
    s = extract_signature(page, frozenset({"CSTO"}))
    assert s.org == "CSTO" and s.place.city == "Minsk" and s.date.first == dt.date(2023, 11, 23)


def test_preview_published_days_before_belongs_to_the_event() -> None:
    s = sig("The CSTO summit will be held in Minsk on 23 November, the CSTO said.", dt.date(2023, 11, 20))
    assert s.date.first == dt.date(2023, 11, 23) and not s.announcement and s.kind == "summit"


def test_page_published_weeks_ahead_is_an_announcement() -> None:
    early = sig("The CSTO summit will be held in Minsk on 23 November, the CSTO said.", dt.date(2023, 10, 10))
    report = sig("The CSTO summit was held in Minsk on 23 November. The CSTO adopted a declaration.", dt.date(2023, 11, 24))
    assert early.announcement and conflicts(early, report)


def test_next_meeting_date_and_place_are_not_the_event_s() -> None:
    s = sig("The CSTO summit opened in Minsk on 23 November 2023. The next CSTO summit will be held in Moscow "
            "on 28 November 2024.")
    assert s.date.describe() == "23 November 2023" and s.place.city == "Minsk"


def test_treaty_signing_date_is_not_the_event_date() -> None:
    s = sig("The CSTO Council meeting gathered in Minsk. The Collective Security Treaty was signed on May 15, 1992 "
            "at a CSTO meeting in Tashkent.")
    assert s.date is None and s.place.city == "Minsk"


def test_place_only_day_only_and_both_are_compatible() -> None:
    place = sig("Leaders gathered for the CSTO summit in Minsk. The CSTO adopted a declaration.")
    day = sig("At a CSTO summit held on 23 November, leaders spoke. The CSTO met.")
    both = sig("The CSTO summit was held in Minsk on 23 November. The CSTO adopted a declaration.")
    assert not conflicts(place, day) and not conflicts(place, both) and not conflicts(day, both)


def test_other_city_and_day_conflict() -> None:
    minsk = sig("The CSTO summit was held in Minsk on 23 November 2023. The CSTO adopted a declaration.")
    astana = sig("The CSTO summit was held in Astana on 28 November 2024. The CSTO adopted a declaration.")
    assert conflicts(minsk, astana)


def test_a_city_is_compatible_with_its_country() -> None:
    city = sig("The CSTO summit was held in Minsk on 23 November 2023. The CSTO met.")
    country = sig("The CSTO summit was held in Belarus on 23 November 2023. The CSTO met.")
    assert not conflicts(city, country)


def test_videoconference_meeting_is_virtual_but_one_leader_by_video_is_not() -> None:
    assert sig("The CSTO Council meeting was held by videoconference on 2 December. The CSTO met.").virtual
    assert not sig("The CSTO summit opened in Minsk. Putin addressed the CSTO summit via videoconference.").virtual


def test_ministers_meeting_in_the_summit_city_is_another_event() -> None:
    ministers = sig("CSTO foreign ministers gathered in Minsk on 22 November. The CSTO ministers' meeting ended.")
    summit = sig("The CSTO summit was held in Minsk on 23 November. The CSTO adopted a declaration.")
    assert ministers.kind == "foreign ministers' meeting" and conflicts(ministers, summit)


def test_another_organisation_s_meeting_place_is_not_the_host() -> None:
    s = sig("The CSTO summit ended. Leaders recalled talks at the Commonwealth of Independent States gathering in "
            "Astana. The CSTO adopted a declaration.")
    assert s.place is None


def test_a_short_sentence_about_the_meeting_dates_it_unlike_a_time_stamp() -> None:
    met = sig("The CSTO leaders met on 23 November 2023. Pashinyan skipped the CSTO summit in Minsk.")
    stamped = sig("23 November 2023, 14:05\nPashinyan skipped the CSTO summit in Minsk.")
    assert met.date.describe() == "23 November 2023" and stamped.date is None
