"""`nttr subscribers ...` and `nttr send`: manage who gets the digest, and email it."""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Optional

import typer

from summarizer.errors import ConfigError, NttrError
from summarizer.text.counts import plural

subscribers_app = typer.Typer(
    help="Manage who gets the digest by email.", no_args_is_help=True, pretty_exceptions_enable=False
)


@contextmanager
def one_line_errors() -> Iterator[None]:
    """Turn our errors into one line on stderr and exit code 1, never a traceback."""
    try:
        yield
    except NttrError as exc:
        typer.echo(f"nttr: error: {exc}", err=True)
        raise typer.Exit(1) from None
    except OSError as exc:
        typer.echo(f"nttr: error: {getattr(exc, 'filename', None) or ''} {exc.strerror or exc}".strip(), err=True)
        raise typer.Exit(1) from None


def _store():
    from summarizer.settings import load_settings
    from summarizer.service.state import StateStore

    return StateStore(load_settings().state_path)


def _describe(sub) -> str:
    follows = []
    if sub.themes:
        follows.append("themes: " + ", ".join(sub.themes))
    if sub.summits:
        follows.append("summits: " + ", ".join(sub.summits))
    name = f" ({sub.name})" if sub.name else ""
    return f"{sub.email}{name}  {'; '.join(follows) or 'everything'}{'' if sub.active else '  [inactive]'}"


@subscribers_app.command("add")
def add(
    email: Annotated[str, typer.Argument(help="The subscriber's address.")],
    name: Annotated[Optional[str], typer.Option("--name", help="Display name.")] = None,
    theme: Annotated[Optional[list[str]], typer.Option("--theme", help="Follow only this theme (name or keyword); repeatable.")] = None,
    summit: Annotated[Optional[list[str]], typer.Option("--summit", help="Follow only this summit (id, place or year); repeatable.")] = None,
) -> None:
    """Add a subscriber (or update one with the same address)."""
    from summarizer.service.subscribers import add_subscriber

    with one_line_errors(), _store() as store:
        known = {s.email.casefold() for s in store.subscribers(active_only=False)}
        sub = add_subscriber(store, email, name=name, themes=theme or (), summits=summit or ())
        typer.echo(f"{'updated' if sub.email.casefold() in known else 'subscribed'} {_describe(sub)}")


@subscribers_app.command("remove")
def remove(email: Annotated[str, typer.Argument(help="The address to remove.")]) -> None:
    """Remove a subscriber."""
    from summarizer.service.subscribers import remove_subscriber

    with one_line_errors(), _store() as store:
        if not remove_subscriber(store, email):
            typer.echo(f"nttr: error: {email} is not subscribed (see `nttr subscribers list`)", err=True)
            raise typer.Exit(1)
        typer.echo(f"unsubscribed {email}")


@subscribers_app.command("list")
def list_(
    all_: Annotated[
        bool, typer.Option("--all", help="Include inactive subscribers (imported with active: false); removed ones are gone.")
    ] = False,
) -> None:
    """List subscribers and what each follows."""
    from summarizer.service.subscribers import list_subscribers

    with one_line_errors(), _store() as store:
        subs = list_subscribers(store, active_only=not all_)
        for sub in subs:
            typer.echo(_describe(sub))
        if not subs:
            typer.echo("no subscribers yet (add one with `nttr subscribers add EMAIL`)", err=True)


@subscribers_app.command("import")
def import_(path: Annotated[Path, typer.Argument(help="CSV (email,name,themes,summits) or YAML list.")]) -> None:
    """Import subscribers from a CSV or YAML file (all or nothing; a bad line is named)."""
    from summarizer.service.subscribers import import_subscribers

    with one_line_errors(), _store() as store:
        subs = import_subscribers(store, path)
        typer.echo(f"imported {plural(len(subs), 'subscriber')} from {path}")


def send(
    digest_dir: Annotated[
        Optional[Path], typer.Argument(help="Digest folder (default: the latest under the output folder).")
    ] = None,
    status: Annotated[bool, typer.Option("--status", help="Show the delivery ledger of the digest; send nothing.")] = False,
    block: Annotated[
        Optional[str], typer.Option("--block", help="Use a saved prefect-email EmailServerCredentials block.")
    ] = None,
    url: Annotated[Optional[str], typer.Option("--url", help="Link to the published digest, put in each email.")] = None,
    retries: Annotated[int, typer.Option("--retries", min=0, max=10, help="Retry rounds for transient failures.")] = 3,
) -> None:
    """Email a digest to its subscribers, once each (a rerun sends only to those not yet sent)."""
    from summarizer.digest.outputs import digest_id, latest_digest_dir, read_digest
    from summarizer.settings import load_settings

    with one_line_errors():
        settings = load_settings()
        if url is not None and not re.fullmatch(r"https?://[^\s/]+\S*", url.strip()):
            raise ConfigError(f"--url {url!r}: expected the web address of the published digest, such as "
                              "https://example.org/digest/")
        folder = digest_dir or latest_digest_dir(settings.output_dir)
        digest = read_digest(folder)
        did = digest_id(digest)
        if status:
            _print_status(settings, did, folder, digest)
            return
        from flows.mail_tasks import send_folder

        report = send_folder(folder, settings, block=block, digest_url=url, retries=retries)
    for outcome in report.failed:
        kind = "permanent" if outcome.permanent else "will retry on rerun"
        typer.echo(f"nttr: not delivered to {outcome.email} ({kind}): {outcome.error}", err=True)
    typer.echo(
        f"nttr: digest {did} ({folder}): sent {len(report.sent)}, already sent {len(report.already_sent)}, "
        f"failed {len(report.failed)}"
        + (f", following nothing in it {len(report.nothing_followed)}" if report.nothing_followed else "")
    )
    if report.failed:
        raise typer.Exit(1)


def _print_status(settings, did: str, folder: Path, digest) -> None:
    from summarizer.service.mail import ledger_lines
    from summarizer.service.state import StateStore
    from summarizer.service.subscribers import filter_digest

    with StateStore(settings.state_path) as store:
        lines = ledger_lines(store, did)
        recorded = {d.email.casefold() for d in store.deliveries(did)}
        waiting = [s for s in store.subscribers() if s.email.casefold() not in recorded]
        owed = store.owed_mail()
    typer.echo(f"digest {did} ({folder})")
    for line in lines:
        typer.echo(line)
    for sub in waiting:
        part = filter_digest(digest, sub)
        if part.summits or part.themes:
            typer.echo(f"{'pending':8} {sub.email}  attempts=0")
        else:
            typer.echo(f"{'nothing':8} {sub.email}  follows nothing in this digest: gets no email of it")
    if not lines and not waiting:
        typer.echo("no deliveries and no subscribers", err=True)
    for record in owed:  # the next `nttr run --new --send` delivers these first
        typer.echo(f"{'owed':8} digest {record.id} of {record.date} ({record.out_dir}): not every subscriber has it yet")
