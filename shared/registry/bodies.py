"""The registry's request bodies (本人・世帯の登録), the same at every desk that registers people."""

from __future__ import annotations

from datetime import date

from pydantic import Field

from shared.bodies import Body, examples
from shared.registry.commands import HouseholdMember
from shared.text import Text

__all__ = ["RegisterHouseholdBody", "RegisterPersonBody"]


class RegisterPersonBody(Body):
    """本人登録."""

    model_config = examples(
        {
            "name_kanji": "葉山 太郎",
            "name_kana": "ハヤマ タロウ",
            "birth_date": "1947-05-03",
            "address": "葉山町一色1-2-3",
            "phone": "046-875-0000",
        }
    )
    name_kanji: str | None = Field(default=None, max_length=200, description="氏名 (漢字)")
    name_kana: str | None = Field(default=None, max_length=200, description="氏名 (カナ)")
    birth_date: date | None = Field(default=None, description="生年月日")
    address: str | None = Field(default=None, max_length=500)
    phone: str | None = Field(default=None, max_length=64)
    care_notes: Text | None = Field(default=None, description="要配慮個人情報: disability, illness, DV, debts")


class RegisterHouseholdBody(Body):
    """世帯登録."""

    model_config = examples({"address": "大和市中央1-1-1", "members": [{"person_id": "p-1", "relationship": "本人"}]})
    address: str | None = Field(default=None, max_length=500, description="special-care personal data (要配慮個人情報)")
    members: tuple[HouseholdMember, ...] = ()
