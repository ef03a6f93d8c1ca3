import pytest

from ztmo.errors import UnknownRegion
from ztmo.params import parse_query, resolve


def test_defaults_when_nothing_is_given():
    p = resolve(query="")
    assert (p.regio, p.regio_code, p.sessie, p.errors) == ("", "", "", ())
    assert p.link_query() == ""


def test_query_string_is_used_when_nothing_was_injected():
    p = resolve(query="regio=twente&sessie=abc234")
    assert (p.regio, p.regio_code, p.sessie) == ("Twente", "JZ14", "ABC234")
    assert p.link_query() == "?regio=JZ14&sessie=ABC234"


def test_injected_value_wins_over_the_query_string():
    p = resolve(regio="Zeeland", query="regio=Twente")
    assert p.regio_code == "JZ38"


def test_environment_query_string_is_read_outside_preheat(monkeypatch):
    monkeypatch.delenv("VOILA_PREHEAT", raising=False)
    monkeypatch.setenv("QUERY_STRING", "regio=JZ13")
    assert resolve().regio == "Amsterdam-Amstelland"


def test_unknown_region_gives_suggestions_not_an_exception():
    p = resolve(query="regio=Amsterdm")
    assert p.regio == ""
    assert len(p.errors) == 1 and isinstance(p.errors[0], UnknownRegion)
    assert "Amsterdam-Amstelland" in str(p.errors[0])


def test_bad_session_code_is_dropped_with_a_dutch_message():
    p = resolve(sessie="<script>")
    assert p.sessie == ""
    assert "sessiecode" in str(p.errors[0])


def test_query_values_are_capped_and_unknown_keys_ignored():
    parsed = parse_query("?regio=" + "x" * 500 + "&evil=1")
    assert set(parsed) == {"regio"} and len(parsed["regio"]) == 80


@pytest.mark.parametrize("qs", ["regio=", "regio=%20%20", ""])
def test_blank_values_count_as_missing(qs):
    assert resolve(query=qs).errors == ()


def test_trainer_key_is_read_but_never_carried_in_links():
    p = resolve(query="sessie=abc234&sleutel=k3y9xx&deelnemer=tok1234")
    assert p.sleutel == "K3Y9XX" and p.deelnemer == "tok1234"
    assert "sleutel" not in p.link_query()
