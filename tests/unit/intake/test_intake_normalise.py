"""Search normalisation: stored keys and queries meet whatever the typing."""

from __future__ import annotations

import pytest

from shared.registry.normalise import hiragana_to_katakana, normalise_name, normalise_phone, person_search_keys


@pytest.mark.parametrize(
    "typed",
    ["やまだ はなこ", "ヤマダ　ハナコ", "ﾔﾏﾀﾞ ﾊﾅｺ", "  やまだ\tハナコ ", "ﾔﾏﾀﾞﾊﾅｺ"],
)
def test_kana_names_in_any_width_or_script_meet_in_one_katakana_key(typed: str) -> None:
    assert normalise_name(typed) == "ヤマダハナコ"


def test_half_width_voiced_and_semi_voiced_kana_compose_into_one_character() -> None:
    assert normalise_name("ﾊﾟﾋﾞﾌﾟ") == "パビプ"


def test_kanji_names_lose_spaces_but_keep_their_characters() -> None:
    assert normalise_name("山田　花子") == "山田花子"
    assert normalise_name("髙橋") == "髙橋"  # variant kanji are not folded: different people


def test_full_width_latin_letters_fold_to_lower_case_ascii() -> None:
    assert normalise_name("ＳＭＩＴＨ Ｊｏｈｎ") == "smithjohn"


def test_hiragana_iteration_marks_and_small_letters_become_katakana() -> None:
    assert hiragana_to_katakana("ゝゞぁゔゖ") == "ヽヾァヴヶ"
    assert hiragana_to_katakana("ー・漢字ABC") == "ー・漢字ABC"


@pytest.mark.parametrize("typed", ["046-260-5633", "０４６－２６０－５６３３", "(046) 260 5633", "tel: 046.260.5633"])
def test_phone_numbers_keep_their_digits_only(typed: str) -> None:
    assert normalise_phone(typed) == "0462605633"


def test_search_keys_skip_absent_and_empty_values() -> None:
    assert person_search_keys("山田 花子", None, "--") == {"name_kanji": "山田花子"}
    assert person_search_keys(None, "やまだ", "090 1234 5678") == {"name_kana": "ヤマダ", "phone": "09012345678"}
