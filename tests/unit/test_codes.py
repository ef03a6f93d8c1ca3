"""What people type reaches the store without control, format or direction characters.

A right-to-left override (U+202E) in an answer, idea or flag would make it read backwards
on the projector and in the report; the store boundary takes such characters out of all
participant text (nicknames already), keeps ordinary line breaks, and the length limits
still hold for what is left.
"""

from __future__ import annotations

import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ztmo.errors import InvalidAnswer
from ztmo.store import Store
from ztmo.store.codes import MAX_VALUE, check_value, clean_text

DIRECTION = ["\u200e", "\u200f", "\u202a", "\u202b", "\u202c", "\u202d", "\u202e", "\u2066",
             "\u2067", "\u2068", "\u2069", "\u061c"]
OTHER_INVISIBLE = ["\u200b", "\ufeff", "\u00ad", "\x07", "\x1b", "\x7f", "\x85", "\ue000",
                   "\U000e0041"]


def unwanted(ch: str) -> bool:
    return unicodedata.category(ch).startswith("C") and ch not in "\n\u200d"


@pytest.mark.parametrize("ch", DIRECTION + OTHER_INVISIBLE)
def test_direction_control_and_format_characters_are_taken_out(ch):
    assert check_value(f"thuis{ch} is veilig{ch}") == "thuis is veilig"
    assert check_value(f"{ch}=1+1") == "=1+1"


def test_line_breaks_stay_as_plain_newlines_and_tabs_become_spaces():
    assert check_value("eerste regel\r\ntweede\rderde\u2028vierde") == (
        "eerste regel\ntweede\nderde\nvierde")
    assert check_value("een\ttwee") == "een twee"


def test_emoji_joined_with_a_zero_width_joiner_stay_whole():
    family = "\U0001f469\u200d\U0001f467"
    assert check_value(f"Thuis is {family}") == f"Thuis is {family}"


def test_only_invisible_characters_is_an_empty_answer():
    with pytest.raises(InvalidAnswer, match="leeg"):
        check_value("\u202e\u200b \u2066")


def test_the_length_limit_holds_for_the_cleaned_text():
    assert check_value("\u202e" * 50 + "x" * MAX_VALUE) == "x" * MAX_VALUE
    with pytest.raises(InvalidAnswer, match="te lang"):
        check_value("x" * (MAX_VALUE + 1))


@given(st.text(max_size=300))
def test_no_unwanted_character_ever_survives(text):
    cleaned = clean_text(text)
    assert not any(unwanted(ch) for ch in cleaned)
    assert len(cleaned) <= len(text) + text.count("\r")  # never longer (CRLF becomes LF)
    try:
        stored = check_value(text)
    except InvalidAnswer:
        return
    assert not any(unwanted(ch) for ch in stored) and 0 < len(stored) <= MAX_VALUE


@given(st.text(alphabet=st.characters(blacklist_categories=["C"]), min_size=1, max_size=100))
def test_ordinary_text_is_kept_as_it_is(text):
    assert clean_text(text) == text


@pytest.mark.parametrize("key", ["wat_is_thuis", "idee:eigen:1", "vlag:durven",
                                 "reflectie:allerliefst_thuis.1", "duo:inzicht"])
def test_every_kind_of_participant_text_is_cleaned_in_the_store(tmp_path, key):
    store = Store(f"sqlite:///{tmp_path / 'c.sqlite3'}")
    s = store.create_session("Maandag")
    token = store.join(s.code)
    store.save_answer(s.code, token, key, "\u202eneeb tsoov\u202c idee\u2066")
    assert store.answers(s.code, key)[0].value == "neeb tsoov idee"
    store.close()


def test_an_idea_of_invisible_characters_with_a_long_tail_fits_after_cleaning(tmp_path):
    store = Store(f"sqlite:///{tmp_path / 'c.sqlite3'}")
    s = store.create_session("Maandag")
    token = store.join(s.code)
    store.save_answer(s.code, token, "idee:eigen:1", "\u202e" * 30 + "x" * 120)
    assert store.answers(s.code, "idee:eigen:1")[0].value == "x" * 120
    store.close()
