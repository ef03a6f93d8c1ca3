from pathlib import Path

import pytest
import yaml

from ztmo.content import GUIDELINES_PER_PILLAR, load_guide
from ztmo.errors import ContentError

EXPECTED_TITLES = {
    1: ["Breng alles in beeld", "Werk samen met het netwerk van het gezin",
        "Werk samen met de school", "Maak een gedeelde verklarende analyse",
        "Bied integrale gezinshulp"],
    2: ["Organiseer hulp dichtbij thuis",
        "Zoek naar gezinsgerichte woonvormen of een kleinschalige voorziening",
        "Houd broers en zussen bij elkaar", "Ondersteun het gedeeld opvoederschap",
        "Zorg voor onvoorwaardelijk wonen en werk toekomstgericht"],
    3: ["Zorg voor contact met thuis", "Regel hulp voor ouders",
        "Neem tijdig en zorgvuldig een perspectiefbesluit",
        "Regel hulp voor, tijdens en na terugkeer naar huis",
        "Houd contact met de vorige woonplek na terugkeer naar huis"],
}


@pytest.fixture()
def raw(repo):
    return yaml.safe_load((repo / "data/content/pijlers.yaml").read_text(encoding="utf-8"))


def write(tmp_path: Path, data) -> Path:
    path = tmp_path / "pijlers.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


def test_guide_has_three_pillars_of_five_guidelines_with_the_guide_titles():
    guide = load_guide()
    assert [p.titel for p in guide.pijlers] == ["Het allerliefst thuis", "Dichtbij thuis",
                                                "Weer thuis"]
    for p in guide.pijlers:
        assert len(p.handvatten) == GUIDELINES_PER_PILLAR
        assert [h.titel for h in p.handvatten] == EXPECTED_TITLES[p.nummer]
        for h in p.handvatten:
            assert 2 <= len(h.vragen) <= 3 and all(q.endswith("?") for q in h.vragen)
    assert [p.titel for p in guide.principes] == [
        "Werk contextueel en systemisch",
        "Werk samen met het gezin en behandel iedereen gelijkwaardig",
        "Bied het gezin aandachtsvolle zorg",
    ]
    assert guide.groepsopdracht.max_groepsgrootte == 8
    assert sorted(guide.beoordeling.labels) == [1, 2, 3, 4, 5]


def test_pillar_lookup_by_number_or_id_and_a_dutch_error_otherwise():
    guide = load_guide()
    assert guide.pillar(2).titel == "Dichtbij thuis"
    assert guide.pillar("weer_thuis").nummer == 3
    with pytest.raises(ContentError, match="Pijler '4' bestaat niet"):
        guide.pillar(4)


def test_missing_file_names_the_file(tmp_path):
    with pytest.raises(ContentError, match="ontbreekt") as err:
        load_guide(tmp_path / "weg.yaml")
    assert "weg.yaml" in str(err.value)


def test_yaml_syntax_error_names_file_and_line(tmp_path):
    path = tmp_path / "pijlers.yaml"
    path.write_text("motto: goed\npijlers: [\n  - kapot", encoding="utf-8")
    with pytest.raises(ContentError, match=r"pijlers\.yaml is geen geldige YAML \(regel \d+"):
        load_guide(path)


def test_empty_text_names_item_and_field(tmp_path, raw):
    raw["pijlers"][1]["handvatten"][2]["waarom"] = "   "
    with pytest.raises(ContentError) as err:
        load_guide(write(tmp_path, raw))
    msg = str(err.value)
    assert "pijlers.yaml" in msg and "pijler 2, handvat 3" in msg and "'waarom'" in msg


def test_wrong_number_of_guidelines_is_refused(tmp_path, raw):
    raw["pijlers"][0]["handvatten"].pop()
    with pytest.raises(ContentError, match="pijler 1, veld 'handvatten': er horen precies 5"):
        load_guide(write(tmp_path, raw))


def test_missing_field_is_named(tmp_path, raw):
    del raw["principes"][0]["uitleg"]
    with pytest.raises(ContentError, match="principe 1, veld 'uitleg': dit veld ontbreekt"):
        load_guide(write(tmp_path, raw))


def test_duplicate_ids_are_refused(tmp_path, raw):
    raw["pijlers"][2]["handvatten"][4]["id"] = raw["pijlers"][0]["handvatten"][0]["id"]
    with pytest.raises(ContentError, match="komt vaker voor"):
        load_guide(write(tmp_path, raw))


def test_rating_scale_must_cover_one_to_five(tmp_path, raw):
    del raw["beoordeling"]["schaal"][5]
    with pytest.raises(ContentError, match="labels voor 1 tot en met 5"):
        load_guide(write(tmp_path, raw))


def test_dataclasses_are_frozen():
    guide = load_guide()
    with pytest.raises(AttributeError):
        guide.pijlers[0].titel = "iets anders"  # type: ignore[misc]


def test_the_guide_is_credited_and_the_role_of_organisations_is_there():
    guide = load_guide()
    assert "Mijn Thuis" in guide.bron and "Nederlands Jeugdinstituut (NJi)" in guide.bron
    assert "in onze woorden" in guide.motto and "NJi" in guide.motto
    assert "organisaties en gemeenten" in guide.rol_organisaties_gemeenten


@pytest.mark.parametrize("field", ["bron", "rol_organisaties_gemeenten"])
def test_credit_and_role_texts_are_required(tmp_path, raw, field):
    del raw[field]
    with pytest.raises(ContentError, match=f"het begin, veld '{field}': dit veld ontbreekt"):
        load_guide(write(tmp_path, raw))
