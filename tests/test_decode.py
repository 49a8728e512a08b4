"""decode: BOMs, UTF-8, legacy encodings decoded without mojibake, binary detection."""

from __future__ import annotations

import codecs

from summarizer.read.decode import decode, decode_bytes, looks_binary

RUSSIAN = "Саммит ОДКБ прошёл в Бишкеке. Лидеры обсудили безопасность региона и борьбу с терроризмом."


def test_utf8_is_decoded_as_utf8() -> None:
    assert decode_bytes("Tokayev’s café".encode()) == ("Tokayev’s café", "utf-8")


def test_utf8_bom_is_removed() -> None:
    text, encoding = decode_bytes(codecs.BOM_UTF8 + "Hello".encode())
    assert (text, encoding) == ("Hello", "utf-8-sig")


def test_utf16_with_bom_is_decoded() -> None:
    text, _ = decode_bytes("Summit in Minsk".encode("utf-16"))
    assert text == "Summit in Minsk"


def test_cp1251_russian_is_decoded_without_mojibake() -> None:
    text, encoding = decode_bytes(RUSSIAN.encode("cp1251"))
    assert text == RUSSIAN
    assert encoding == "cp1251"


def test_latin1_accents_inside_english_words_are_decoded() -> None:
    source = "The café served crème brûlée to the naïve délégués."
    text, _ = decode_bytes(source.encode("latin-1"))
    assert text == source


def test_mostly_utf8_with_a_broken_byte_keeps_utf8_and_counts_it() -> None:
    decoded = decode("Kazakhstan’s president said so.".encode() + b"\xff ok")
    assert decoded.encoding == "utf-8"
    assert decoded.replaced == 1
    assert decoded.text.startswith("Kazakhstan’s president")


def test_nul_bytes_look_binary() -> None:
    assert looks_binary(b"abc\x00def")


def test_utf16_text_with_bom_is_not_binary() -> None:
    assert not looks_binary("abc".encode("utf-16"))
