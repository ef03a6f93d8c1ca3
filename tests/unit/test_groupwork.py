"""Group activities (data/content/groepswerk.yaml): the real file, its links, its faults."""

import re
from pathlib import Path

import pytest
import yaml

from ztmo.content import load_guide
from ztmo.errors import ContentError
from ztmo.groupwork import (
    FLAG_IDS,
    KINDS,
    REGION_NOT_NAMED,
    ROLE_IDS,
    load_groupwork,
)

REPO = Path(__file__).resolve().parents[2]
SEEDS = REPO.parent / "shared" / "seeds"
needs_seeds = pytest.mark.skipif(not SEEDS.is_dir(),
                                 reason=f"de brondocumenten ontbreken ({SEEDS})")
#: Which seed each practice source is: cards may only come from these two documents.
PRACTICE_SEEDS = {"actielijn-2": "001_4226b47cd58ec1f7.txt",
                  "nji-gesloten": "002_899820414de204fe.txt"}
PROMISE_SEED = "004_a86824108b9fa814.txt"


@pytest.fixture()
def raw(repo):
    return yaml.safe_load((repo / "data/content/groepswerk.yaml").read_text(encoding="utf-8"))


def write(tmp_path: Path, data) -> Path:
    path = tmp_path / "groepswerk.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


def broken(tmp_path, raw) -> str:
    with pytest.raises(ContentError) as err:
        load_groupwork(write(tmp_path, raw))
    msg = str(err.value)
    assert "groepswerk.yaml" in msg
    return msg


def guideline_ids() -> list[str]:
    return [h.id for p in load_guide().pijlers for h in p.handvatten]


def sentences(text: str) -> int:
    return len(re.findall(r"[.!?](?:\s|$)", text))


# --- the real file ------------------------------------------------------------------------
def test_timeline_of_a_made_up_family_with_nine_to_twelve_moments():
    t = load_groupwork().tijdlijn
    assert 9 <= len(t.momenten) <= 12
    assert "verzonnen gezin" in t.uitleg and "geen echt gezin" in t.uitleg
    assert "Gooi en Vechtstreek" in t.bron and "2022" in t.bron
    assert {m.soort for m in t.momenten} == set(KINDS)  # quiet, busy and crisis all occur
    assert sorted(t.soorten) == sorted(KINDS)
    for m in t.momenten:
        assert 2 <= sentences(m.tekst) <= 3, m.id
        assert len(m.titel) <= 40 and m.wanneer
    # only a first name: the child's name is never followed by a family name
    assert not [m.id for m in t.momenten if re.search(r"\bLisa [A-Z]", m.tekst)]


def test_ten_promises_with_each_child_sentence_used_once_and_the_five_roles():
    b = load_groupwork().beloften
    assert len(b.themas) == 10
    assert [t.nummer for t in b.themas] == list(range(1, 11))
    assert sorted(t.kind_nummer for t in b.themas) == list(range(1, 11))
    assert load_groupwork().promise("thuis").kind == "Ik wil gewoon een thuis"
    assert [r.id for r in b.rollen] == list(ROLE_IDS)
    assert "Elke dag beter" in b.bron and "Zorg voor de Jeugd" in b.bron
    assert "gekoppeld" in b.bron  # the pairing of theme and sentence is ours, and says so


def test_four_flags_in_order_each_with_a_question():
    v = load_groupwork().vlaggen
    assert [f.id for f in v.lijst] == list(FLAG_IDS)
    assert [f.titel for f in v.lijst] == ["Moeten", "Kunnen", "Willen", "Durven"]
    assert len({f.kleur for f in v.lijst}) == 4
    assert all("?" in f.vraag for f in v.lijst)
    assert "onze eigen woorden" in v.bron


def test_practice_cards_link_only_to_existing_guidelines_and_cover_almost_all():
    gw = load_groupwork()
    cards = gw.praktijken.kaarten
    assert 8 <= len(cards) <= 15
    assert len({p.id for p in cards}) == len(cards)
    known = set(guideline_ids())
    for p in cards:
        assert p.handvatten and set(p.handvatten) <= known, p.id
        assert p.bron in {s.titel for s in gw.praktijken.bronnen}
        assert 1 <= sentences(p.wat) <= 3, p.id
    # every guideline has a card, except those the sources give no example for
    assert set(gw.guidelines_without_practice()) <= {"weer_thuis.5"}
    for gid in guideline_ids():
        linked = gw.practices_for(gid)
        assert all(gid in p.handvatten for p in linked)
        assert bool(linked) == (gid not in gw.guidelines_without_practice())


def test_lookups_and_dutch_errors_for_unknown_ids():
    gw = load_groupwork()
    first = gw.tijdlijn.momenten[0]
    assert gw.moment(first.id) is first
    assert gw.flag("durven").titel == "Durven"
    assert gw.role("ouder").label == "Ouder of ervaringsdeskundige"
    with pytest.raises(ContentError, match="Het moment 'bestaat-niet' bestaat niet"):
        gw.moment("bestaat-niet")
    with pytest.raises(ContentError, match="De belofte"):
        gw.promise("x")
    with pytest.raises(ContentError, match="Het handvat 'pijler_9.1' bestaat niet"):
        gw.practices_for("pijler_9.1")


def test_wall_questions_and_dot_voting_text():
    m = load_groupwork().muur
    assert 3 <= len(m.vragen) <= 5 and all(q.tekst.endswith("?") for q in m.vragen)
    assert "kwart" in m.uitleg_stemmen and "één" in m.uitleg_stemmen
    # the worked example in the text is a quarter: twenty ideas, five votes
    assert "twintig ideeën" in m.uitleg_stemmen and "vijf" in m.uitleg_stemmen


def test_default_file_is_cached_and_frozen():
    gw = load_groupwork()
    assert load_groupwork() is gw
    with pytest.raises(AttributeError):
        gw.tijdlijn.momenten[0].titel = "iets anders"  # type: ignore[misc]


# --- faithful to the sources, in our own words ---------------------------------------------
def _norm(text: str) -> str:
    return " ".join(re.findall(r"[\w!?#]+", text.casefold()))


def _strings(node, where=""):
    if isinstance(node, str):
        yield where, node
    elif isinstance(node, dict):
        for k, v in node.items():
            yield from _strings(v, f"{where}.{k}")
    elif isinstance(node, list):
        for i, v in enumerate(node):
            yield from _strings(v, f"{where}[{i}]")


@needs_seeds
def test_promises_are_quoted_exactly_from_the_report():
    seed = _norm((SEEDS / PROMISE_SEED).read_text(encoding="utf-8"))
    for t in load_groupwork().beloften.themas:
        assert _norm(t.thema) in seed, t.id
        assert _norm(f"{t.kind_nummer}. {t.kind}") in seed, t.id


@needs_seeds
def test_practices_names_and_regions_appear_in_their_own_source():
    texts = {k: _norm((SEEDS / v).read_text(encoding="utf-8")) for k, v in PRACTICE_SEEDS.items()}
    gw = load_groupwork()
    assert {s.id for s in gw.praktijken.bronnen} == set(PRACTICE_SEEDS)
    for p in gw.praktijken.kaarten:
        seed = f" {texts[p.bron_id]} "
        parts = [s for s in re.split(r" \(|\)| bij ", p.naam) if _norm(s)]
        for part in parts:
            assert f" {_norm(part)} " in seed, (p.id, part)
        if p.regio not in (REGION_NOT_NAMED, "landelijk"):
            # The jeugdregio's own name; the source may write it with a hyphen or a space.
            assert _norm(p.regio).replace(" ", "") in seed.replace(" ", ""), (p.id, p.regio)


@needs_seeds
def test_no_run_of_eight_words_is_copied_from_a_source(raw):
    size = 8
    grams: set[str] = set()
    for path in SEEDS.glob("00*.txt"):
        words = _norm(path.read_text(encoding="utf-8")).split()
        grams.update(" ".join(words[i:i + size]) for i in range(len(words) - size + 1))
    copied = []
    for where, text in _strings(raw):
        if where.startswith(".beloften.themas"):  # the titles are quoted on purpose
            continue
        words = _norm(text).split()
        copied += [f"{where}: {' '.join(words[i:i + size])}"
                   for i in range(len(words) - size + 1) if " ".join(words[i:i + size]) in grams]
    assert copied == []


# --- broken copies: file, item and field are named --------------------------------------------
def test_missing_field_names_file_item_and_field(tmp_path, raw):
    del raw["tijdlijn"]["momenten"][2]["tekst"]
    msg = broken(tmp_path, raw)
    mid = raw["tijdlijn"]["momenten"][2]["id"]
    assert f"tijdlijn, moment 3 ({mid})" in msg and "'tekst'" in msg and "ontbreekt" in msg


def test_unknown_kind_of_moment_is_refused(tmp_path, raw):
    raw["tijdlijn"]["momenten"][0]["soort"] = "heftig"
    msg = broken(tmp_path, raw)
    assert "moment 1" in msg and "'soort'" in msg and "rustig, druk, crisis" in msg


def test_duplicate_moment_id_is_refused(tmp_path, raw):
    raw["tijdlijn"]["momenten"][4]["id"] = raw["tijdlijn"]["momenten"][1]["id"]
    msg = broken(tmp_path, raw)
    assert "moment 5" in msg and "'id'" in msg and "komt vaker voor" in msg


@pytest.mark.parametrize("bad", ["Met Hoofdletter", "te_laag_streepje", "a" * 25, ""])
def test_id_must_follow_the_pattern(tmp_path, raw, bad):
    raw["praktijken"]["kaarten"][3]["id"] = bad
    msg = broken(tmp_path, raw)
    assert "praktijken, voorbeeld 4" in msg and "'id'" in msg


def test_too_few_moments_is_refused(tmp_path, raw):
    raw["tijdlijn"]["momenten"] = raw["tijdlijn"]["momenten"][:8]
    msg = broken(tmp_path, raw)
    assert "bij tijdlijn" in msg and "'momenten'" in msg and "9 tot en met 12" in msg


def test_nine_promises_is_refused(tmp_path, raw):
    raw["beloften"]["themas"].pop()
    msg = broken(tmp_path, raw)
    assert "'themas'" in msg and "precies 10" in msg and "niet 9" in msg


def test_a_child_sentence_twice_is_refused(tmp_path, raw):
    raw["beloften"]["themas"][7]["kind_nummer"] = raw["beloften"]["themas"][2]["kind_nummer"]
    msg = broken(tmp_path, raw)
    assert "beloften, thema 8" in msg and "'kind_nummer'" in msg


def test_flags_out_of_order_are_refused(tmp_path, raw):
    lijst = raw["vlaggen"]["lijst"]
    lijst[1], lijst[2] = lijst[2], lijst[1]
    msg = broken(tmp_path, raw)
    assert "vlaggen, vlag 2" in msg and "'id'" in msg and "verwacht 'kunnen'" in msg


def test_a_missing_flag_is_refused(tmp_path, raw):
    raw["vlaggen"]["lijst"].pop()
    msg = broken(tmp_path, raw)
    assert "'lijst'" in msg and "precies 4" in msg


def test_roles_must_be_the_fixed_five(tmp_path, raw):
    raw["beloften"]["rollen"][0]["id"] = "hulpverlener"
    msg = broken(tmp_path, raw)
    assert "beloften, rol 1" in msg and "verwacht 'professional'" in msg


def test_unknown_guideline_on_a_card_is_refused(tmp_path, raw):
    card = raw["praktijken"]["kaarten"][5]
    card["handvatten"] = card["handvatten"] + ["weer_thuis.6"]
    msg = broken(tmp_path, raw)
    assert f"praktijken, voorbeeld 6 ({card['id']})" in msg and "'handvatten'" in msg
    assert "'weer_thuis.6' bestaat niet" in msg


def test_a_card_without_guidelines_is_refused(tmp_path, raw):
    raw["praktijken"]["kaarten"][0]["handvatten"] = []
    msg = broken(tmp_path, raw)
    assert "voorbeeld 1" in msg and "'handvatten'" in msg


def test_a_card_from_an_unlisted_source_is_refused(tmp_path, raw):
    raw["praktijken"]["kaarten"][2]["bron"] = "internet"
    msg = broken(tmp_path, raw)
    assert "voorbeeld 3" in msg and "'bron'" in msg and "staat niet bij de bronnen" in msg


def test_too_long_text_is_refused(tmp_path, raw):
    raw["praktijken"]["kaarten"][1]["wat"] = "Een zin. " * 80
    msg = broken(tmp_path, raw)
    assert "voorbeeld 2" in msg and "'wat'" in msg and "te lang" in msg


def test_empty_wall_text_and_missing_section_are_named(tmp_path, raw):
    raw["muur"]["uitleg_stemmen"] = "  "
    msg = broken(tmp_path, raw)
    assert "bij muur" in msg and "'uitleg_stemmen'" in msg and "leeg" in msg
    del raw["muur"]
    msg = broken(tmp_path, raw)
    assert "het begin" in msg and "'muur'" in msg and "ontbreekt" in msg


def test_wrong_version_is_refused(tmp_path, raw):
    raw["versie"] = 2
    msg = broken(tmp_path, raw)
    assert "'versie'" in msg and "versie 1" in msg


def test_missing_file_and_bad_yaml_are_named(tmp_path):
    with pytest.raises(ContentError, match="ontbreekt") as err:
        load_groupwork(tmp_path / "weg.yaml")
    assert "weg.yaml" in str(err.value)
    path = tmp_path / "groepswerk.yaml"
    path.write_text("tijdlijn: [\n  - kapot", encoding="utf-8")
    with pytest.raises(ContentError, match=r"groepswerk\.yaml is geen geldige YAML"):
        load_groupwork(path)
