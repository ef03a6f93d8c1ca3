from collections import Counter
from pathlib import Path

import pytest
import yaml

from ztmo.errors import ContentError
from ztmo.preferences import PREFERENCE_IDS, load_scan

NAMES = ["Kunst afkijken", "Participeren", "Kennis verwerven", "Oefenen", "Ontdekken"]
IDS = ["kunst_afkijken", "participeren", "kennis_verwerven", "oefenen", "ontdekken"]


@pytest.fixture()
def raw(repo):
    return yaml.safe_load((repo / "data/content/leervoorkeuren.yaml").read_text(encoding="utf-8"))


def write(tmp_path: Path, data) -> Path:
    path = tmp_path / "leervoorkeuren.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


def broken(tmp_path, raw) -> str:
    with pytest.raises(ContentError) as err:
        load_scan(write(tmp_path, raw))
    msg = str(err.value)
    assert "leervoorkeuren.yaml" in msg
    return msg


def test_five_preferences_in_the_fixed_order_with_the_exact_names():
    scan = load_scan()
    assert [p.naam for p in scan.preferences] == NAMES
    assert [p.id for p in scan.preferences] == IDS == list(PREFERENCE_IDS)
    for p in scan.preferences:
        assert 2 <= len(p.helpt) <= 3 and len(p.valkuilen) == 2
        assert 2 <= len(p.suggesties) <= 3
    usual = {p.naam for p in scan.preferences if p.gewone_bijeenkomst}
    assert usual == {"Kennis verwerven", "Participeren"}
    assert "Ruijters" in scan.bron and "niet" in scan.bron


def test_at_least_twelve_situations_each_with_one_option_per_preference():
    scan = load_scan()
    assert len(scan.items) >= 12
    assert len({i.id for i in scan.items}) == len(scan.items)
    for item in scan.items:
        assert sorted(o.preference for o in item.options) == sorted(NAMES)
        assert [o.id for o in item.options] == ["a", "b", "c", "d", "e"]
        for o in item.options:
            assert o.tekst.startswith("Ik ") and len(o.tekst) <= 100
            assert NAMES[IDS.index(o.preference_id)] == o.preference


def test_every_preference_is_reachable_and_letters_do_not_give_it_away():
    scan = load_scan()
    letters: dict[str, set[str]] = {n: set() for n in NAMES}
    firsts = Counter(item.options[0].preference for item in scan.items)
    for item in scan.items:
        for o in item.options:
            letters[o.preference].add(o.id)
    assert all(len(v) == 5 for v in letters.values()), letters
    assert set(firsts) == set(NAMES)


def test_preference_lookup_by_name_or_id_and_a_dutch_error_otherwise():
    scan = load_scan()
    assert scan.preference("Oefenen").id == "oefenen"
    assert scan.preference("kunst_afkijken").naam == "Kunst afkijken"
    with pytest.raises(ContentError, match="bestaat niet"):
        scan.preference("x" * 100)


def test_default_file_is_cached_and_frozen():
    scan = load_scan()
    assert load_scan() is scan
    with pytest.raises(AttributeError):
        scan.items[0].situatie = "anders"  # type: ignore[misc]


def test_missing_field_names_file_item_and_field(tmp_path, raw):
    del raw["scan"]["items"][2]["situatie"]
    msg = broken(tmp_path, raw)
    assert "situatie 3 (s03)" in msg and "'situatie'" in msg and "ontbreekt" in msg


def test_missing_preference_field_is_named(tmp_path, raw):
    del raw["voorkeuren"][3]["tip"]
    msg = broken(tmp_path, raw)
    assert "voorkeur 4 (Oefenen)" in msg and "'tip'" in msg


def test_a_preference_twice_in_one_item_is_refused(tmp_path, raw):
    opties = raw["scan"]["items"][4]["opties"]
    opties[1]["voorkeur"] = opties[0]["voorkeur"]
    msg = broken(tmp_path, raw)
    assert "situatie 5 (s05), optie 2" in msg and "'voorkeur'" in msg
    assert "precies één keer" in msg


def test_only_four_options_is_refused(tmp_path, raw):
    raw["scan"]["items"][0]["opties"].pop()
    msg = broken(tmp_path, raw)
    assert "situatie 1 (s01)" in msg and "'opties'" in msg and "precies 5" in msg


def test_empty_text_is_refused(tmp_path, raw):
    raw["scan"]["items"][6]["opties"][3]["tekst"] = "  "
    msg = broken(tmp_path, raw)
    assert "situatie 7 (s07), optie 4" in msg and "'tekst'" in msg and "leeg" in msg


def test_empty_bullet_is_refused(tmp_path, raw):
    raw["voorkeuren"][0]["suggesties"][1] = ""
    msg = broken(tmp_path, raw)
    assert "voorkeur 1 (Kunst afkijken)" in msg and "'suggesties'" in msg


def test_duplicate_item_id_is_refused(tmp_path, raw):
    raw["scan"]["items"][9]["id"] = raw["scan"]["items"][1]["id"]
    msg = broken(tmp_path, raw)
    assert "situatie 10 (s02)" in msg and "'id'" in msg and "komt vaker voor" in msg


def test_duplicate_option_id_is_refused(tmp_path, raw):
    raw["scan"]["items"][3]["opties"][4]["id"] = "a"
    msg = broken(tmp_path, raw)
    assert "situatie 4 (s04), optie 5" in msg and "'id'" in msg


def test_unknown_preference_in_an_option_is_refused(tmp_path, raw):
    raw["scan"]["items"][0]["opties"][0]["voorkeur"] = "luisteren"
    msg = broken(tmp_path, raw)
    assert "'luisteren' is geen voorkeur" in msg


def test_preferences_must_be_the_five_in_order(tmp_path, raw):
    raw["voorkeuren"][0], raw["voorkeuren"][1] = raw["voorkeuren"][1], raw["voorkeuren"][0]
    msg = broken(tmp_path, raw)
    assert "voorkeur 1" in msg and "'naam'" in msg and "verwacht 'Kunst afkijken'" in msg


def test_four_preferences_is_refused(tmp_path, raw):
    raw["voorkeuren"].pop()
    assert "precies 5 voorkeuren" in broken(tmp_path, raw)


def test_too_few_items_is_refused(tmp_path, raw):
    raw["scan"]["items"] = raw["scan"]["items"][:9]
    assert "minstens 10 situaties" in broken(tmp_path, raw)


def test_flag_must_be_a_boolean(tmp_path, raw):
    raw["voorkeuren"][2]["gewone_bijeenkomst"] = "ja"
    msg = broken(tmp_path, raw)
    assert "'gewone_bijeenkomst'" in msg and "true of false" in msg


def test_missing_file_and_bad_yaml_are_named(tmp_path):
    with pytest.raises(ContentError, match="ontbreekt") as err:
        load_scan(tmp_path / "weg.yaml")
    assert "weg.yaml" in str(err.value)
    path = tmp_path / "leervoorkeuren.yaml"
    path.write_text("voorkeuren: [\n  - kapot", encoding="utf-8")
    with pytest.raises(ContentError, match=r"leervoorkeuren\.yaml is geen geldige YAML"):
        load_scan(path)
