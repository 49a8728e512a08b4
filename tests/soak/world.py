"""A month of news on loopback: a dozen RSS/Atom feeds and their article pages, changing every simulated day.

Everything is decided by the day number and a seed, so the same day serves the same bytes. Each feed
lists the items published in the last WINDOW days (newest first). The schedule repeats every 30 days
(`d = day % 30`); on a 30-day month it holds:

    d 3   wire: an item that is updated materially on d 6 (two sentences added)
    d 4   gazette: an item that is updated on d 7 by a one-word spelling fix (not news)
    d 5-7 metro: the feed answers HTTP 500 (its items arrive on d 8)
    d 9   herald: an item that is removed from the feed on d 10
    d 10  tribune: the feed stalls past the client's timeout (its items arrive on d 11)
    d 11  the same story on wire and courier, the same day
    d 13  ledger: the feed URL serves an HTML maintenance page instead of XML
    d 14  a story on courier that daily carries, word for word, on d 15
    d 16  observer: an item whose page is over the size limit (it stays in the feed four days)
    d 20  a quiet day: nothing new anywhere
    always: post is gzip-encoded; moved's feed URL redirects (301); courier's article links redirect (302)

The server records which item versions it served in complete feed responses: that is what "appeared in a
feed" means for the checks. Paths under /c/ serve the same world without recording (for runs outside the
month, such as the scheduled ones).
"""

from __future__ import annotations

import datetime as dt
import gzip
import random
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from email.utils import format_datetime
from html import escape
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

WINDOW = 4
"""Days an item stays in its feed."""
MONTH = 30
BIG_PAGE_BYTES = 21_000_000
"""Over the 20 MB fetch limit."""
STALL_SECONDS = 4.0

FEEDS: tuple[tuple[str, str, str], ...] = (
    ("wire", "World Wire", "rss"),
    ("gazette", "The Gazette", "atom"),
    ("herald", "Morning Herald", "rss"),
    ("courier", "The Courier", "rss"),
    ("metro", "Metro Daily", "rss"),
    ("tribune", "The Tribune", "atom"),
    ("ledger", "The Ledger", "rss"),
    ("observer", "The Observer", "atom"),
    ("post", "Evening Post", "rss"),
    ("moved", "Moved Times", "rss"),
    ("daily", "Daily Report", "atom"),
    ("review", "Weekly Review", "rss"),
)

# Faults of the feeds, by day of the month: feed -> {d: kind}.
FEED_FAULTS: dict[str, dict[int, str]] = {
    "metro": {5: "http500", 6: "http500", 7: "http500"},
    "tribune": {10: "stall"},
    "ledger": {13: "html"},
}
QUIET_DAY = 20

PEOPLE = (
    "Amina Okafor", "Lars Berg", "Mei Tanaka", "Jorge Ramos", "Priya Nair", "Tomas Novak", "Fatima Haddad",
    "Kofi Mensah", "Ingrid Holm", "Rafael Costa", "Leila Karimi", "Sven Olsen", "Ana Duarte", "Yusuf Demir",
)
TOPICS: dict[str, dict[str, object]] = {
    # A sentence is an actor, an action and a context drawn at random: hundreds of different statements per
    # topic, so most of a day's statements are news (templates that differ only in a number would be
    # near-duplicates of yesterday's, which nttr rightly drops as already reported).
    "water": {
        "places": ("Nairobi", "Lima"),
        "headline": "Water summit",
        "actors": ("The regional water board", "Farmers' unions", "The irrigation agency", "Village councils",
                   "The national water utility", "Hydrologists at the university", "Aid groups",
                   "The environment ministry"),
        "actions": ("pledged to rebuild {n} storage tanks", "warned that groundwater levels fell {pct} percent",
                    "asked donors for {n} million dollars to dig boreholes", "opened a desalination plant",
                    "banned lawn watering for {k} weeks", "mapped every leaking pipe in the old town",
                    "trained {n} plumbers to fix village pumps", "cut water bills for families with small children",
                    "published river gauge readings for the first time", "blamed the drought on cleared forests"),
    },
    "energy": {
        "places": ("Oslo", "Accra"),
        "headline": "Energy talks",
        "actors": ("The grid operator", "Oil workers' unions", "The energy regulator", "Solar cooperatives",
                   "The state power company", "Wind farm developers", "Consumer groups", "The finance ministry"),
        "actions": ("promised {n} megawatts of new solar capacity", "raised electricity prices by {pct} percent",
                    "signed a deal to import gas through a new pipeline", "shut down the oldest coal plant",
                    "ordered {n} transformers to end the blackouts", "offered cheap loans for rooftop panels",
                    "tested a battery farm that can power {n} homes", "scrapped fuel subsidies for large trucks",
                    "connected {n} rural clinics to mini grids", "warned of rationing during the heat wave"),
    },
    "trade": {
        "places": ("Hanoi", "Lima"),
        "headline": "Trade forum",
        "actors": ("Port authorities", "Coffee exporters", "The customs service", "Small manufacturers",
                   "The chamber of commerce", "Shipping lines", "Textile factories", "The trade ministry"),
        "actions": ("cut tariffs on {n} farm products", "reported a {pct} percent rise in container traffic",
                    "opened a new rail freight terminal", "complained about delays at the border crossing",
                    "signed contracts worth {n} million dollars", "moved {n} jobs to the free trade zone",
                    "asked for cheaper export credit", "launched a single online form for customs declarations",
                    "lost orders after the currency rose", "agreed on common rules for food labels"),
    },
    "health": {
        "places": ("Geneva", "Dhaka"),
        "headline": "Health conference",
        "actors": ("The health ministry", "Nurses' unions", "Rural clinics", "Vaccination teams",
                   "The main children's hospital", "Pharmacists", "Medical students", "District health officers"),
        "actions": ("hired {n} community nurses", "reported {n} new cases of dengue fever",
                    "reached {pct} percent of children with measles vaccine", "opened a maternity ward with {n} beds",
                    "ran short of insulin for {k} weeks", "began screening schoolchildren for poor eyesight",
                    "pooled orders of medicine to cut prices", "went on strike over unpaid overtime",
                    "set up mobile clinics in flooded villages", "banned sugary drinks in hospital canteens"),
    },
    "security": {
        "places": ("Vienna", "Tbilisi"),
        "headline": "Security meeting",
        "actors": ("Ceasefire monitors", "Border guards", "The defence ministry", "Police commanders",
                   "Mine clearance teams", "Peace negotiators", "The interior ministry", "Cyber defence experts"),
        "actions": ("reported {n} violations of the truce", "seized {n} kilograms of smuggled weapons",
                    "cleared {n} square kilometres of land mines", "set up a hotline between the two armies",
                    "arrested {k} suspects after the bombing", "swapped {n} prisoners at the bridge",
                    "blamed a hacking group for the outage", "withdrew heavy guns from the front line",
                    "reopened the mountain road to civilians", "asked for {n} more observers"),
    },
    "climate": {
        "places": ("Manila", "Quito"),
        "headline": "Climate forum",
        "actors": ("Coastal towns", "Insurance companies", "The weather service", "Youth climate groups",
                   "City planners", "Glacier researchers", "The climate ministry", "Fishing communities"),
        "actions": ("built {n} kilometres of sea walls", "paid {n} million dollars in storm claims",
                    "recorded the hottest night in {k} decades", "planted {n} mangrove seedlings",
                    "painted {n} roofs white to cool poor streets", "measured a {pct} percent loss of glacier ice",
                    "launched flood warnings by text message", "moved {n} families away from the riverbank",
                    "sued the government over missed targets", "banned new building on the flood plain"),
    },
}
CONTEXTS = (
    "before the rainy season", "after a week of protests", "in a report published on {weekday}",
    "during a visit to {place}", "despite objections from the opposition", "with help from neighbouring countries",
    "according to figures released in {month}", "for the first time since {year}", "under pressure from donors",
    "at a press conference in {place}",
)
WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday")
MATERIAL_ADDITION = (
    "Late on the same day, officials confirmed that the agreement had been signed by every delegation present.",
    "Under the final text, the first payments will be made within three months and audited by an outside firm.",
)


@dataclass(frozen=True)
class Version:
    """The text of an item from a given day on."""

    since: int
    sentences: tuple[str, ...]
    material: bool = True
    """A new version that is news (else a small edit of the one before)."""


@dataclass
class Item:
    """One feed entry: its identity, its versions, and when it leaves the feed."""

    feed: str
    n: int
    published: int
    title: str
    story: str
    """Items with the same body share a story (the same story on two feeds)."""
    versions: list[Version]
    removed_on: int | None = None
    big: bool = False

    @property
    def guid(self) -> str:
        return f"tag:nttr-soak.invalid,2025:{self.feed}/{self.n}"

    @property
    def page(self) -> str:
        return f"/{self.feed}/a/{self.n}.html"

    def version_on(self, day: int) -> int:
        return max(i for i, v in enumerate(self.versions) if v.since <= day)

    def listed_on(self, day: int) -> bool:
        return self.published <= day < self.published + WINDOW and (self.removed_on is None or day < self.removed_on)


@dataclass
class World:
    """The feeds of `days` simulated days starting at `start`, and a record of what was served."""

    start: dt.date
    days: int
    seed: int = 15
    day: int = 0
    items: dict[tuple[str, int], Item] = field(default_factory=dict)
    appeared: dict[tuple[str, int], set[int]] = field(default_factory=dict)
    """(feed, n) -> the versions served in complete feed responses."""
    feed_responses: list[tuple[int, str, str]] = field(default_factory=list)
    """(day, feed, outcome) for every request of a feed: ok, or the fault served."""
    lock: threading.Lock = field(default_factory=threading.Lock)

    def __post_init__(self) -> None:
        counters = {name: 0 for name, _, _ in FEEDS}
        for day in range(self.days + 2):
            for item in self._new_items(day, counters):
                self.items[(item.feed, item.n)] = item

    # -- the schedule -----------------------------------------------------------------------------

    def date(self, day: int | None = None) -> dt.date:
        return self.start + dt.timedelta(days=self.day if day is None else day)

    def fault(self, feed: str, day: int) -> str | None:
        return FEED_FAULTS.get(feed, {}).get(day % MONTH)

    def listing(self, feed: str, day: int) -> list[Item]:
        found = [i for (f, _), i in self.items.items() if f == feed and i.listed_on(day)]
        return sorted(found, key=lambda i: (-i.published, -i.n))

    def first_day(self, story: str) -> int:
        """The day a story was first published (a large number for an unknown story)."""
        return min((i.published for i in self.items.values() if i.story == story), default=10**9)

    def _new_items(self, day: int, counters: dict[str, int]) -> list[Item]:
        d = day % MONTH
        out: list[Item] = []

        def add(feed: str, sentences: list[str], title: str, *, story: str | None = None, **extra: object) -> Item:
            counters[feed] += 1
            item = Item(feed=feed, n=counters[feed], published=day, title=title, story=story or f"{feed}/{counters[feed]}",
                        versions=[Version(day, tuple(sentences))], **extra)  # type: ignore[arg-type]
            out.append(item)
            return item

        if d == QUIET_DAY:
            return out
        for feed, _, _ in FEEDS:
            rng = random.Random(f"{self.seed}/{day}/{feed}")
            count = rng.choices((0, 1, 2), weights=(4, 5, 1))[0]
            for _ in range(count):
                sentences, title = self._article(rng, day)
                add(feed, sentences, title)
        rng = random.Random(f"{self.seed}/{day}/specials")
        if d == 3:
            sentences, title = self._article(rng, day)
            item = add("wire", sentences, f"{title} (developing)")
            item.versions.append(Version(day + 3, (*item.versions[0].sentences, *MATERIAL_ADDITION), material=True))
        if d == 4:
            sentences, title = self._article(rng, day)
            sentences[1] = sentences[1].replace(" the ", " teh ", 1) if " the " in sentences[1] else sentences[1] + " Indeed"
            item = add("gazette", sentences, title)
            fixed = tuple(s.replace(" teh ", " the ") if i == 1 else s for i, s in enumerate(sentences))
            if fixed == tuple(sentences):  # no "the" to misspell: the edit drops a trailing word instead
                fixed = (*sentences[:1], sentences[1].removesuffix(" Indeed"), *sentences[2:])
            item.versions.append(Version(day + 3, fixed, material=False))
        if d == 9:
            sentences, title = self._article(rng, day)
            add("herald", sentences, f"{title} (retracted)", removed_on=day + 1)
        if d == 11:
            sentences, title = self._article(rng, day)
            story = f"shared/{day}"
            add("wire", sentences, title, story=story)
            add("courier", sentences, f"{title}, as reported by our partners", story=story)
        if d == 14:
            sentences, title = self._article(rng, day)
            story = f"shared/{day}"
            add("courier", sentences, title, story=story)
            counters["daily"] += 1
            copy = Item(feed="daily", n=counters["daily"], published=day + 1, title=f"{title} (syndicated)",
                        story=story, versions=[Version(day + 1, tuple(sentences))])
            self.items[(copy.feed, copy.n)] = copy
        if d == 16:
            sentences, title = self._article(rng, day)
            add("observer", sentences, f"{title}: the full report", big=True)
        return out

    def _article(self, rng: random.Random, day: int) -> tuple[list[str], str]:
        topic = rng.choice(sorted(TOPICS))
        spec = TOPICS[topic]
        place = rng.choice(spec["places"])  # type: ignore[arg-type]
        when = self.date(day)
        lead = (
            f"At the {place} {str(spec['headline']).lower()} on {when.day} {when:%B %Y}, "
            f"{rng.choice(PEOPLE)} opened the {rng.choice(('first', 'second', 'final'))} session."
        )
        sentences = [lead]
        for _ in range(rng.choice((3, 4))):
            action = rng.choice(spec["actions"]).format(  # type: ignore[union-attr]
                n=rng.randint(12, 980), pct=rng.randint(3, 71), k=rng.randint(2, 11))
            context = rng.choice(CONTEXTS).format(
                weekday=rng.choice(WEEKDAYS), place=place, month=f"{when:%B}", year=when.year - rng.randint(2, 30))
            sentences.append(f"{rng.choice(spec['actors'])} {action} {context}.")  # type: ignore[index]
        title = f"{spec['headline']} in {place}: {rng.choice(('leaders', 'experts', 'ministers', 'officials'))} " \
                f"{rng.choice(('agree', 'differ', 'report', 'press on', 'take stock'))}"
        return sentences, title

    # -- what the server says -----------------------------------------------------------------------

    def feed_document(self, feed: str, day: int, base: str) -> bytes:
        """The RSS or Atom document of `feed` on `day`, its links under `base`."""
        title, kind = next((t, k) for name, t, k in FEEDS if name == feed)
        entries = self.listing(feed, day)
        if kind == "atom":
            body = "".join(
                f"<entry><id>{escape(i.guid)}</id><title>{escape(i.title)}</title>"
                f'<link rel="alternate" href="{base}{i.page}"/>'
                f"<updated>{self._stamp(i, day).isoformat()}</updated>"
                f"<published>{self._stamp(i, i.published).isoformat()}</published></entry>"
                for i in entries
            )
            xml = (f'<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom">'
                   f"<title>{escape(title)}</title><id>urn:nttr-soak:{feed}</id>"
                   f"<updated>{self._noon(day).isoformat()}</updated>{body}</feed>")
        else:
            body = "".join(
                f'<item><guid isPermaLink="false">{escape(i.guid)}</guid><title>{escape(i.title)}</title>'
                f"<link>{base}{i.page}</link><pubDate>{format_datetime(self._stamp(i, i.published))}</pubDate></item>"
                for i in entries
            )
            xml = (f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>{escape(title)}</title>'
                   f"<link>{base}/{feed}/</link><description>{escape(title)}</description>{body}</channel></rss>")
        return xml.encode("utf-8")

    def page(self, item: Item, day: int) -> bytes:
        """The HTML page of an item as it reads on `day`."""
        title = next(t for name, t, _ in FEEDS if name == item.feed)
        sentences = item.versions[item.version_on(day)].sentences
        paragraphs = "".join(f"<p>{escape(s)}</p>" for s in sentences)
        return (
            f"<!doctype html><html><head><title>{escape(item.title)}</title>"
            f'<meta property="og:site_name" content="{escape(str(title))}"></head><body>'
            f"<nav><a href='/'>Home</a> | <a href='/subscribe'>Subscribe</a></nav>"
            f"<article><h1>{escape(item.title)}</h1>{paragraphs}</article>"
            f"<footer>Copyright {escape(str(title))}. All rights reserved.</footer></body></html>"
        ).encode("utf-8")

    def _noon(self, day: int) -> dt.datetime:
        return dt.datetime.combine(self.date(day), dt.time(12), tzinfo=dt.timezone.utc)

    def _stamp(self, item: Item, day: int) -> dt.datetime:
        return self._noon(day) - dt.timedelta(minutes=item.n)

    def served(self, feed: str, day: int) -> None:
        """Note that `feed`'s document of `day` was served whole."""
        with self.lock:
            for item in self.listing(feed, day):
                self.appeared.setdefault((item.feed, item.n), set()).add(item.version_on(day))


MAINTENANCE = (
    b"<!doctype html><html><head><title>Down for maintenance</title></head><body><h1>We'll be back soon</h1>"
    b"<p>The Ledger is down for scheduled maintenance. Please come back later today.</p></body></html>"
)


def handler_for(world: World) -> type[BaseHTTPRequestHandler]:
    """A request handler serving `world` at its current day."""

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *args: object) -> None:
            pass

        def do_GET(self) -> None:  # noqa: N802
            day = world.day
            path = self.path.split("?")[0]
            prefix = "/c" if path.startswith("/c/") else ""
            path = path[len(prefix):]
            base = f"http://127.0.0.1:{self.server.server_address[1]}{prefix}"
            parts = path.strip("/").split("/")
            record = not prefix
            try:
                if path == "/moved/feed.xml":
                    return self.redirect(301, f"{base}/moved-home/feed.xml")
                if len(parts) == 2 and parts[1] == "feed.xml":
                    feed = "moved" if parts[0] == "moved-home" else parts[0]
                    return self.feed(feed, day, base, record)
                if len(parts) == 3 and parts[1] == "a" and parts[2].endswith(".html"):
                    key = (parts[0], int(parts[2].removesuffix(".html")))
                    if parts[0] == "courier":
                        return self.redirect(302, f"{base}/courier/story/{key[1]}")
                    return self.article(key, day)
                if len(parts) == 3 and parts[0] == "courier" and parts[1] == "story":
                    return self.article(("courier", int(parts[2])), day)
            except ValueError:
                pass
            self.send(404, "text/plain", b"not found")

        def feed(self, feed: str, day: int, base: str, record: bool) -> None:
            if not any(name == feed for name, _, _ in FEEDS):
                return self.send(404, "text/plain", b"no such feed")
            fault = world.fault(feed, day)
            if record:
                with world.lock:
                    world.feed_responses.append((day, feed, fault or "ok"))
            if fault == "http500":
                return self.send(500, "text/plain", b"internal server error")
            if fault == "html":
                return self.send(200, "text/html; charset=utf-8", MAINTENANCE)
            body = world.feed_document(feed, day, base)
            if fault == "stall":
                self.send_response(200)
                self.send_header("Content-Type", "application/rss+xml")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                try:
                    self.wfile.write(body[:64])
                    self.wfile.flush()
                    time.sleep(STALL_SECONDS)
                    self.wfile.write(body[64:])
                except (BrokenPipeError, ConnectionResetError):
                    pass
                self.close_connection = True
                return None
            kind = "application/atom+xml" if "<feed" in body[:200].decode() else "application/rss+xml"
            if feed == "post":
                if self.send(200, kind, gzip.compress(body), encoding="gzip") and record:
                    world.served(feed, day)
                return None
            if self.send(200, kind, body) and record:
                world.served(feed, day)
            return None

        def article(self, key: tuple[str, int], day: int) -> None:
            item = world.items.get(key)
            if item is None or item.published > day:
                return self.send(404, "text/plain", b"no such article")
            if item.big:
                return self.big()
            return self.send(200, "text/html; charset=utf-8", world.page(item, day))

        def big(self) -> None:
            chunk = (b"<p>" + b"The annex lists every budget line of the programme in detail. " * 16 + b"</p>\n")
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(BIG_PAGE_BYTES))
            self.end_headers()
            sent = 0
            try:
                while sent < BIG_PAGE_BYTES:
                    piece = chunk[: BIG_PAGE_BYTES - sent]
                    self.wfile.write(piece)
                    sent += len(piece)
            except (BrokenPipeError, ConnectionResetError):
                pass
            self.close_connection = True

        def redirect(self, status: int, location: str) -> None:
            self.send_response(status)
            self.send_header("Location", location)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def send(self, status: int, kind: str, body: bytes, *, encoding: str | None = None) -> bool:
            try:
                self.send_response(status)
                self.send_header("Content-Type", kind)
                if encoding:
                    self.send_header("Content-Encoding", encoding)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)
                self.wfile.flush()
                return True
            except (BrokenPipeError, ConnectionResetError):
                return False

    return Handler


class QuietServer(ThreadingHTTPServer):
    """A threading HTTP server that does not print a traceback when a client hangs up (timeouts do)."""

    daemon_threads = True

    def handle_error(self, request: object, client_address: object) -> None:
        import sys

        if not isinstance(sys.exc_info()[1], (ConnectionError, TimeoutError)):
            super().handle_error(request, client_address)


@contextmanager
def serving(world: World) -> Iterator[str]:
    """Serve the world on 127.0.0.1 (a free port) until the block ends; yields the base URL."""
    server = QuietServer(("127.0.0.1", 0), handler_for(world))
    thread = threading.Thread(target=server.serve_forever, name="soak-feeds", daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def feed_urls(base: str, *, prefix: str = "") -> list[str]:
    """The twelve feed URLs as a reader subscribes to them."""
    return [f"{base}{prefix}/{name}/feed.xml" for name, _, _ in FEEDS]
