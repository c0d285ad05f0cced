"""Search normalisation (検索用の正規化): pure helpers the person-search adapter uses.

Staff type names the way they hear them: hiragana or katakana, full- or half-width, with or
without a space between family and given name. Both the stored key and the query go through the
same function, so that ``やまだ はなこ``, ``ﾔﾏﾀﾞﾊﾅｺ`` and ``ヤマダ　ハナコ`` meet::

    >>> normalise_name("やまだ　はなこ")
    'ヤマダハナコ'
    >>> normalise_name("ﾔﾏﾀﾞ ﾊﾅｺ")
    'ヤマダハナコ'
    >>> normalise_phone("０４６-２６０-５６３３")
    '0462605633'

Kanji are kept as written (after NFKC, which folds full-width Latin letters and digits); variant
kanji (髙/高, 﨑/崎) are not folded, because folding them would merge different people's keys.
"""

from __future__ import annotations

import unicodedata

__all__ = ["hiragana_to_katakana", "normalise_name", "normalise_phone", "person_search_keys"]

# ぁ (U+3041) .. ゖ (U+3096) and the iteration marks ゝゞ (U+309D, U+309E) sit exactly 0x60 below
# their katakana counterparts.
_HIRAGANA_TO_KATAKANA = {cp: cp + 0x60 for cp in (*range(0x3041, 0x3097), 0x309D, 0x309E)}


def hiragana_to_katakana(text: str) -> str:
    """Replace every hiragana letter by its katakana twin; other characters stay."""
    return text.translate(_HIRAGANA_TO_KATAKANA)


def normalise_name(text: str) -> str:
    """Search key of a name in kanji or kana.

    NFKC (half-width katakana → full-width, voiced marks composed, full-width Latin → ASCII),
    hiragana → katakana, every kind of whitespace (including the ideographic space) removed,
    Latin letters case-folded.
    """
    folded = unicodedata.normalize("NFKC", text)
    folded = hiragana_to_katakana(folded)
    return "".join(ch for ch in folded if not ch.isspace()).casefold()


def normalise_phone(text: str) -> str:
    """Search key of a phone number: its digits only (full-width digits folded to ASCII)."""
    folded = unicodedata.normalize("NFKC", text)
    return "".join(ch for ch in folded if "0" <= ch <= "9")


def person_search_keys(name_kanji: str | None, name_kana: str | None, phone: str | None) -> dict[str, str]:
    """The keys under which a person is found; absent or empty values give no key."""
    keys: dict[str, str] = {}
    for key, value, fn in (
        ("name_kanji", name_kanji, normalise_name),
        ("name_kana", name_kana, normalise_name),
        ("phone", phone, normalise_phone),
    ):
        if value:
            normalised = fn(value)
            if normalised:
                keys[key] = normalised
    return keys
