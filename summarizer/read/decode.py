"""Bytes to text: BOMs, UTF-8, and a best guess for legacy encodings (cp1251, latin-1, ...)."""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass

from charset_normalizer import from_bytes

_BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
_WORD = re.compile(rb"[A-Za-z\x80-\xff]+")
_UTF8_SEQ = re.compile(rb"[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}|[\xf0-\xf4][\x80-\xbf]{3}")
_CP1252_UNDEFINED = frozenset(b"\x81\x8d\x8f\x90\x9d")
_SNIFF = 1 << 20


@dataclass(frozen=True)
class Decoded:
    """Decoded text, the encoding used and how many characters could not be decoded."""

    text: str
    encoding: str
    replaced: int = 0

    @property
    def is_utf8(self) -> bool:
        return self.encoding in ("utf-8", "utf-8-sig", "ascii") and self.replaced == 0


def looks_binary(data: bytes) -> bool:
    """True when the bytes hold NUL characters (and no UTF-16/32 BOM explains them)."""
    if any(data.startswith(bom) for bom, enc in _BOMS if enc.startswith(("utf-16", "utf-32"))):
        return False
    return b"\x00" in data[:_SNIFF] or b"\x00" in data[-_SNIFF:]


def _legacy_mostly_words(data: bytes) -> bool:
    """True when non-ASCII bytes come in whole words (Cyrillic, Greek...), not as accents inside Latin words."""
    high = [w for w in _WORD.findall(data[:_SNIFF]) if any(b >= 0x80 for b in w)]
    if not high:
        return False
    whole = sum(1 for w in high if all(b >= 0x80 for b in w))
    return whole / len(high) >= 0.5


def decode(data: bytes) -> Decoded:
    """Decode bytes with the most plausible encoding; never raises, never drops text silently."""
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            text = data[len(bom) :].decode(encoding.replace("-sig", ""), errors="replace")
            return Decoded(text, encoding, text.count("\ufffd"))
    try:
        return Decoded(data.decode("utf-8"), "utf-8")
    except UnicodeDecodeError:
        pass
    lenient = data.decode("utf-8", errors="replace")
    bad = lenient.count("\ufffd")
    if len(_UTF8_SEQ.findall(data)) >= bad:  # mostly UTF-8 with a few broken bytes
        return Decoded(lenient, "utf-8", bad)
    if not _legacy_mostly_words(data):  # accents inside Latin words: Western European
        encoding = "latin-1" if _CP1252_UNDEFINED & set(data) else "cp1252"
        return Decoded(data.decode(encoding, errors="replace"), encoding)
    best = from_bytes(data[:_SNIFF]).best()
    encoding = best.encoding if best is not None else "cp1251"
    try:
        text = data.decode(encoding, errors="replace")
    except LookupError:
        encoding, text = "cp1251", data.decode("cp1251", errors="replace")
    return Decoded(text, encoding, text.count("\ufffd"))


def decode_bytes(data: bytes) -> tuple[str, str]:
    """Decode bytes best-effort and return (text, encoding used)."""
    decoded = decode(data)
    return decoded.text, decoded.encoding
