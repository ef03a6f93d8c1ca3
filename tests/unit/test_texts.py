"""Participant-facing text: no developer talk, care with real cases, and a balanced scan.

Participants are professionals in youth care, not developers. Nothing they read may
name a command, a file path or an environment variable (those belong in the README).
The scan must not steer: its five options per situation have to be equally attractive,
so the checks below make "attractive" concrete (length, wording, what an option is
about). They are a floor, not a replacement for reading the options side by side.
"""

from __future__ import annotations

import json
import re
from collections import defaultdict
from html.parser import HTMLParser
from pathlib import Path

import pytest
import yaml

from ztmo.content import load_guide
from ztmo.params import Params
from ztmo.preferences import load_scan
from ztmo.regions import get_region

REPO = Path(__file__).resolve().parents[2]
DATA = REPO / "data"
NOTEBOOKS = REPO / "notebooks"
NOT_FOR_PARTICIPANTS = {"trainer.ipynb"}
REGIONS = ("Twente", "Zeeland", "Kop van Noord-Holland", "Haarlemmermeer", "Groningen")

#: Developer talk: commands, file paths, environment variables (case-insensitive).
DEVELOPER_TALK = re.compile(
    r"ztmo |make |pip "          # commands
    r"|data/|\.csv|\.py\b|/work|var/"  # file paths
    r"|ZTMO_|PORT=",               # environment variables
    re.IGNORECASE)


# --- collecting the texts -------------------------------------------------------------------
def yaml_strings(node, where: str):
    if isinstance(node, str):
        yield where, node
    elif isinstance(node, dict):
        for key, value in node.items():
            yield from yaml_strings(value, f"{where}.{key}")
    elif isinstance(node, list):
        for i, value in enumerate(node):
            yield from yaml_strings(value, f"{where}[{i}]")


def data_texts():
    paths = sorted((DATA / "content").glob("*.yaml")) + sorted((DATA / "regions").glob("*.yaml"))
    for path in paths:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
        yield from yaml_strings(raw, path.relative_to(REPO).as_posix())


def markdown_texts():
    for path in sorted(NOTEBOOKS.rglob("*.ipynb")):
        if path.name in NOT_FOR_PARTICIPANTS or ".ipynb_checkpoints" in path.parts:
            continue
        nb = json.loads(path.read_text(encoding="utf-8"))
        for i, cell in enumerate(nb["cells"]):
            if cell["cell_type"] == "markdown":
                yield f"{path.relative_to(REPO).as_posix()} cel {i}", "".join(cell["source"])


class _Readable(HTMLParser):
    """What a reader meets in a page: its text and the attributes that are read out
    or followed (links, labels), not the style sheet."""

    SPOKEN = frozenset({"href", "title", "alt", "aria-label", "placeholder"})

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.skip = 0

    def handle_starttag(self, tag, attrs):
        if tag in ("style", "script"):
            self.skip += 1
        self.parts += [v for k, v in attrs if k in self.SPOKEN and v]

    def handle_endtag(self, tag):
        if tag in ("style", "script"):
            self.skip = max(0, self.skip - 1)

    def handle_data(self, data):
        if not self.skip:
            self.parts.append(data)


def readable(markup: str) -> str:
    parser = _Readable()
    parser.feed(markup)
    parser.close()
    return " ".join(" ".join(parser.parts).split())


def page_texts():
    from ztmo.ui import static
    from ztmo.ui.region import RegionApp, load_sources, region_page

    guide, scan = load_guide(), load_scan()
    sources = load_sources()
    for name in REGIONS:
        region = get_region(name)
        params = Params(regio=region.name, regio_code=region.code)
        yield f"regio-pagina {name}", readable(region_page(sources, region, params))
        yield f"start op papier ({name})", readable(static.start_html(guide, params))
        for pillar in guide.pijlers:
            yield (f"pijler {pillar.nummer} op papier ({name})",
                   readable(static.pillar_html(guide, pillar, params)))
        yield f"scan op papier ({name})", readable(static.scan_html(scan, params))
        yield f"duo op papier ({name})", readable(static.duo_html(params))
        yield f"groepsprofiel op papier ({name})", readable(static.group_profile_html(scan, params))
    yield "regio-app zonder regio", readable(RegionApp(Params()).page.value)


def developer_talk(texts) -> list[str]:
    found = []
    for where, text in texts:
        for m in DEVELOPER_TALK.finditer(text):
            found.append(f"{where}: ...{text[max(0, m.start() - 40):m.end() + 30]}...")
    return found


# --- no developer talk ------------------------------------------------------------------------
def test_the_pattern_catches_what_it_should_and_not_plain_dutch():
    for bad in ("Met ztmo data vernieuwen", "zet het in data/lokaal/", "regio_cijfers.csv",
                "zie paths.py", "ZTMO_DATA_PATH", "PORT=8866", "make serve", "pip install x",
                "/work/main/var/edities"):
        assert DEVELOPER_TALK.search(bad), bad
    for fine in ("Ik pak de casus op.", "De gemeente maakt afspraken.", "tabel 85100NED",
                 "https://www.cbs.nl/nl-nl/cijfers", "regio.html", "1_leervoorkeuren_scan.ipynb"):
        assert not DEVELOPER_TALK.search(fine), fine


def test_content_and_region_files_name_no_command_path_or_variable():
    assert developer_talk(data_texts()) == []


def test_notebook_markdown_names_no_command_path_or_variable():
    texts = list(markdown_texts())
    assert len(texts) >= 8  # every participant notebook has some narrative
    assert developer_talk(texts) == []


def test_pages_for_participants_name_no_command_path_or_variable():
    assert developer_talk(page_texts()) == []


# --- real cases, consent, "ons" ----------------------------------------------------------------
REAL_CASE = re.compile(
    r"\becht(e)?\b[^.]*\b(gezin|gezinnen|voorbeeld(en)?|casus|casussen|tijdlijn)\b", re.IGNORECASE)
CARE = re.compile(r"toestemming|anoniem|verzonnen", re.IGNORECASE)


def test_texts_that_invite_real_cases_ask_for_consent_or_anonymity():
    texts = list(data_texts()) + list(markdown_texts())
    careless = [f"{where}: {text}" for where, text in texts
                if REAL_CASE.search(text) and not CARE.search(text)]
    assert careless == []
    guide, scan = load_guide(), load_scan()
    assert CARE.search(guide.groepsopdracht.intro) and "toestemming" in guide.groepsopdracht.intro
    timeline = [s for s in scan.preference("ontdekken").suggesties if "tijdlijn" in s]
    assert timeline and all("toestemming" in s and re.search("verzonnen|anoniem", s)
                            for s in timeline)


def test_the_rating_question_says_whose_practice_it_is_about():
    question = load_guide().beoordeling.vraag
    assert "ons" not in question.split()
    assert all(word in question for word in ("team", "organisatie", "regio"))


def test_the_guide_is_credited_to_nji_and_the_motto_marked_as_our_words():
    guide = load_guide()
    for text in (guide.bron, guide.motto):
        assert "Mijn Thuis" in text and "Nederlands Jeugdinstituut" in text and "NJi" in text
    assert "onze woorden" in guide.motto or "onze eigen woorden" in guide.motto
    assert "organisaties" in guide.rol_organisaties_gemeenten
    assert "gemeenten" in guide.rol_organisaties_gemeenten


def test_faithful_to_the_guide_on_pace_stay_and_harm():
    guide = load_guide()
    every = " ".join(t for _, t in data_texts()).casefold()
    assert "zo snel als het kan" not in every and "zo snel mogelijk" not in every
    assert "even niet" not in every  # a stay is for a while or longer, not "even"
    dichtbij, weer = guide.pillar(2), guide.pillar(3)
    assert "langer" in dichtbij.kernzin and "langer" in dichtbij.intro
    assert "op tijd" in weer.intro and "met zorg" in weer.intro
    assert "crisis" in guide.pillar(1).intro and "extra schadelijk" in guide.pillar(1).intro


# --- the scan is balanced -----------------------------------------------------------------------
MAX_SPREAD = 10  # characters between the longest and shortest option of one situation
MAX_MEAN_GAP = 4  # characters between the preferences' average option lengths
#: Words that make an option sound careless, hasty or, the other way, extra careful.
LOADED = re.compile(
    r"\b(gewoon|gewoonweg|vertrouw\w*|zomaar|meteen|direct|snel|gauw|even|eerst|vooraf|"
    r"alvast|ter plekke|zorgvuldig|grondig|rustig|nep\w*|gok\w*|heel anders)\b"
    r"|kijk wat er gebeurt|zie wat er komt|stap erin",
    re.IGNORECASE)
#: The people the guide says to work WITH. If only one option brings them in, that option
#: is the guide's answer (work together with the family, the child, the school).
PARTNERS = {
    "het gezin": r"\bgezin(nen)?\b",
    "ouders": r"\b(ouders?|moeder|vader)\b",
    "het kind": r"\b(kind|kinderen|jongere|jongeren|jongen|meisje)\b",
    "de school": r"\b(school|scholen|leerkracht\w*|leraar|leraren)\b",
    "pleegouders": r"\bpleegouders?\b",
}
#: What each preference does, in words: an option has to say it plainly.
DOES = {
    "kunst_afkijken": r"\b(kijk|kijken|zie|zien|meelopen|loop)\b",
    "participeren": r"\b(bespreek|bespreken|spar|wissel|denk|praat|gesprek)\b",
    "kennis_verwerven": r"\b(lees|zoek op|onderzoek\w*|boeken|handleiding)\b",
    "oefenen": r"\b(oefen\w*|rollenspel)\b",
    "ontdekken": r"\b(probeer|pas .+ toe|zoek (al doende|zelf) uit|begin|leid|ga .+ in|"
                 r"bedenken|verken)\b",
}
#: An Ontdekken option learns from what happens, so it never reads as reckless.
LEARNS_FROM_IT = r"houd bij|noteer|stel .*bij|leer|zoek .*uit|ontdek|bedenken"
#: Participeren is sparring with peers, not deciding with the family.
PEERS = r"\b(collega'?s?|team|teamoverleg|intervisie|groep|haar)\b"


def scan_items():
    return load_scan().items


@pytest.mark.parametrize("item", scan_items(), ids=lambda i: i.id)
def test_options_of_a_situation_are_about_as_long(item):
    lengths = {o.id: len(o.tekst) for o in item.options}
    assert max(lengths.values()) - min(lengths.values()) <= MAX_SPREAD, lengths


def test_no_preference_gets_the_longer_options_overall():
    lengths = defaultdict(list)
    for item in scan_items():
        for o in item.options:
            lengths[o.preference_id].append(len(o.tekst))
    means = {p: sum(v) / len(v) for p, v in lengths.items()}
    assert max(means.values()) - min(means.values()) <= MAX_MEAN_GAP, means


@pytest.mark.parametrize("item", scan_items(), ids=lambda i: i.id)
def test_no_option_uses_loaded_words(item):
    for o in item.options:
        assert not LOADED.search(o.tekst), o.tekst


@pytest.mark.parametrize("item", scan_items(), ids=lambda i: i.id)
def test_no_option_alone_is_the_guides_answer(item):
    """The family, the child or the school come into all five options or none."""
    guide = load_guide()
    titles = [h.titel.casefold() for p in guide.pijlers for h in p.handvatten]
    for name, pattern in PARTNERS.items():
        with_them = [o.id for o in item.options if re.search(pattern, o.tekst, re.IGNORECASE)]
        assert len(with_them) in (0, len(item.options)), (name, with_them)
    for o in item.options:
        assert not any(t in o.tekst.casefold() for t in titles), o.tekst


@pytest.mark.parametrize("item", scan_items(), ids=lambda i: i.id)
def test_each_option_is_a_sensible_professional_way_to_learn(item):
    for o in item.options:
        assert o.tekst.startswith("Ik ") and o.tekst.endswith(".") and o.tekst.count(".") == 1
        assert re.search(DOES[o.preference_id], o.tekst, re.IGNORECASE), (o.preference, o.tekst)
        if o.preference_id == "ontdekken":
            assert re.search(LEARNS_FROM_IT, o.tekst, re.IGNORECASE), o.tekst
        if o.preference_id == "participeren":
            assert re.search(PEERS, o.tekst, re.IGNORECASE), o.tekst


def test_the_situations_put_nobody_in_at_the_deep_end():
    """A situation where one option would be reckless (say a first crisis placement alone
    at night) makes Ontdekken look careless; the scan has none."""
    for item in scan_items():
        assert not re.search(r"crisis|spoed|vanavond|dienst", item.situatie, re.IGNORECASE), \
            item.id
    assert "geen goede of foute antwoorden" in load_scan().instructie
