"""Write a digest to its folder (JSON, Markdown, HTML), atomically, and keep its JSON Schema current."""

from __future__ import annotations

import argparse
import hashlib
import json
import re
import unicodedata
from pathlib import Path

from pydantic import ValidationError

from summarizer.errors import InputError
from summarizer.files import write_atomic
from summarizer.models import Digest
from summarizer.digest.render import render_html, render_markdown

SCHEMA_PATH = Path(__file__).parent / "schema" / "digest.schema.json"
_UNSAFE = re.compile(r"[^\w.\- ]+", re.UNICODE)
_RESERVED = {"CON", "PRN", "AUX", "NUL", *(f"COM{i}" for i in range(10)), *(f"LPT{i}" for i in range(10))}










def safe_filename(name: str, *, max_len: int = 80) -> str:
    """A file name derived from untrusted text (an id, a title) that stays inside its folder."""
    text = unicodedata.normalize("NFKC", name)
    text = _UNSAFE.sub("-", text).strip(" .-_")
    text = re.sub(r"[-\s]+", "-", text)[:max_len].strip(" .-_")
    if not text or text.upper().split(".")[0] in _RESERVED or text != name:
        tag = hashlib.blake2b(name.encode("utf-8", "surrogatepass"), digest_size=4).hexdigest()
        text = f"{text}-{tag}" if text and text.upper().split(".")[0] not in _RESERVED else f"file-{tag}"
    return text


def write_digest(digest: Digest, out_dir: Path) -> list[Path]:
    """Write digest.json, digest.md and index.html into out_dir (created), each atomically."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    return [
        write_atomic(out_dir / "digest.json", digest.model_dump_json(indent=2) + "\n"),
        write_atomic(out_dir / "digest.md", render_markdown(digest)),
        write_atomic(out_dir / "index.html", render_html(digest)),
    ]


def digest_schema() -> str:
    """The JSON Schema of digest.json, as committed in summarizer/digest/schema/digest.schema.json."""
    return json.dumps(Digest.model_json_schema(), indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def write_schema(path: Path = SCHEMA_PATH) -> Path:
    """Regenerate the committed JSON Schema file from the models."""
    return write_atomic(path, digest_schema())


def read_digest(folder: Path) -> Digest:
    """Load the digest a run wrote into folder (its digest.json); InputError when missing or invalid."""
    path = Path(folder) / "digest.json"
    try:
        return Digest.model_validate_json(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise InputError(str(path), "no digest here; run `nttr run` first, or name a digest folder") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(str(path), f"cannot read it ({getattr(exc, 'strerror', None) or exc})") from None
    except ValidationError as exc:
        err = exc.errors()[0]
        where = ".".join(str(p) for p in err["loc"]) or "top level"
        raise InputError(str(path), f"not a digest written by this nttr ({where}: {err['msg']})") from None


def digest_id(digest: Digest) -> str:
    """A stable id of a digest's content (hash of its JSON): the key of the delivery ledger and state."""
    return hashlib.blake2b(digest.model_dump_json().encode("utf-8"), digest_size=8).hexdigest()


def latest_digest_dir(root: Path) -> Path:
    """The folder under root (or root itself) holding the most recently written digest.json."""
    root = Path(root)
    found = [p.parent for p in (root / "digest.json", *root.glob("*/digest.json")) if p.is_file()]
    if not found:
        raise InputError(str(root), "no digest folder found here; run `nttr run` first, or name a digest folder")
    return max(found, key=lambda d: ((d / "digest.json").stat().st_mtime_ns, str(d)))


if __name__ == "__main__":  # python -m summarizer.digest.outputs --schema
    parser = argparse.ArgumentParser(description="nttr output helpers")
    parser.add_argument("--schema", action="store_true", help="regenerate summarizer/digest/schema/digest.schema.json")
    if parser.parse_args().schema:
        write_schema()
