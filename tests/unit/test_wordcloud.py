"""The word cloud: counting words in Dutch answers and laying them out as one SVG."""

import itertools
import random
import time
import xml.etree.ElementTree as ET

import pytest

from ztmo import wordcloud
from ztmo.wordcloud import ASCENT, DESCENT, PALETTE, STOPWORDS, Word, svg, words

NS = "{http://www.w3.org/2000/svg}"

DUTCH = [
    "zorg", "thuis", "gezin", "school", "vrienden", "veiligheid", "hulp", "jeugdzorg", "pleegzorg",
    "netwerk", "ouders", "kind", "jongere", "samen", "rust", "ruimte", "luisteren", "vertrouwen",
    "structuur", "sport", "muziek", "kamer", "eigen", "plek", "familie", "opa", "oma", "buurt",
    "toekomst", "keuze", "stem", "regie", "dichtbij", "wonen", "leren", "werken", "geld", "spelen",
    "praten", "begrip", "ritme", "liefde", "eten", "slapen", "zekerheid", "hoop", "grenzen",
    "mentor", "huisdier", "tuin",
]


def many_words(n=50, seed=1):
    rng = random.Random(seed)
    return [Word(text, max(1, int(40 / (i + 1) ** 0.7)) + rng.randint(0, 1))
            for i, text in enumerate(DUTCH[:n])]


def texts_of(root):
    return [t for t in root.iter(f"{NS}text")]


def boxes(markup):
    """The box of every word, recomputed from the SVG attributes alone."""
    root = ET.fromstring(markup)
    out = []
    for t in texts_of(root):
        x, y = float(t.get("x")), float(t.get("y"))
        size, width = float(t.get("font-size")), float(t.get("textLength"))
        assert t.get("lengthAdjust") == "spacingAndGlyphs"
        out.append((x - width / 2, y - ASCENT * size, x + width / 2, y + DESCENT * size))
    return root, out


def assert_no_overlap_inside(markup, width, height):
    root, bs = boxes(markup)
    assert root.get("viewBox") == f"0 0 {width} {height}"
    for left, top, right, bottom in bs:
        assert 0 <= left < right <= width and 0 <= top < bottom <= height
    for i, a in enumerate(bs):
        for b in bs[i + 1:]:
            apart = a[2] <= b[0] or b[2] <= a[0] or a[3] <= b[1] or b[3] <= a[1]
            assert apart, (a, b)
    return root, bs


# -- counting -----------------------------------------------------------------------------

def test_words_are_merged_over_case_and_shown_in_lower_case_on_a_tie():
    assert words(["Thuis", "thuis", "THUIS is fijn"]) == [Word("thuis", 3), Word("fijn", 1)]


def test_the_most_used_spelling_is_shown():
    assert words(["Amsterdam", "Amsterdam centrum", "amsterdam"])[0] == Word("Amsterdam", 3)


def test_words_are_merged_over_accents():
    assert words(["café", "cafe", "Café"]) == [Word("cafe", 3)]  # tie: lower case, A-Z
    assert words(["café", "café", "cafe"]) == [Word("café", 3)]
    # An accent typed as a separate combining mark is the same letter.
    assert words(["cafe\u0301", "café"]) == [Word("café", 2)]
    assert words(["ideeën", "IDEEEN"]) == [Word("ideeën", 2)]


def test_stop_words_numbers_and_single_letters_are_left_out():
    assert words(["De het een en van ik je dat is, Één keer"]) == [Word("keer", 1)]
    assert words(["in 2024 waren er 12 of 3.5 kinderen"]) == [Word("kinderen", 1)]
    assert words(["a b c x y"]) == []
    assert {"de", "het", "een", "iets", "geen", "haar", "zo'n"} <= STOPWORDS
    assert 90 <= len(STOPWORDS) <= 160


def test_internal_hyphens_and_apostrophes_stay_but_not_at_the_ends():
    found = {w.text for w in words(["zo'n gezellige 18-jarigen", "jeugd-ggz", "'s avonds thuis-"])}
    assert found == {"gezellige", "18-jarigen", "jeugd-ggz", "avonds", "thuis"}
    # Curly and straight apostrophes are one word.
    assert words(["oma’s", "oma's"]) == [Word("oma's", 2)]


def test_a_word_counts_once_per_answer():
    assert words(["thuis thuis thuis thuis", "school", "school"]) == [
        Word("school", 2), Word("thuis", 1)]


def test_sorted_by_count_then_alphabetically_and_capped_at_the_limit():
    texts = [" ".join(DUTCH)] + ["zorg thuis", "zorg"]
    result = words(texts)
    assert len(result) == 50
    assert result[:2] == [Word("zorg", 3), Word("thuis", 2)]
    rest = [w.text for w in result[2:]]
    assert rest == sorted(rest)
    assert words(texts, limit=3) == result[:3]
    assert words(texts, limit=0) == []


def test_counting_does_not_depend_on_the_order_and_skips_non_text():
    texts = ["Thuis is rust", "THUIS", "rust en ruimte", "Rust", None, 42]
    assert words(texts) == words(list(reversed(texts)))
    assert words(texts)[0] == Word("rust", 3)


def test_tokens_cannot_carry_markup():
    assert {w.text for w in words(["<script>alert(1)</script> thuis"])} == {
        "script", "alert", "thuis"}


# -- drawing ------------------------------------------------------------------------------

def test_svg_is_well_formed_accessible_and_names_the_top_words():
    markup = svg(words(["Thuis is rust", "thuis en school", "school", "thuis"]))
    root = ET.fromstring(markup)
    assert root.tag == f"{NS}svg" and root.get("role") == "img"
    label = root.get("aria-label")
    assert label.startswith("Woordwolk.")
    assert "thuis (3 keer)" in label and "school (2 keer)" in label and "rust (1 keer)" in label
    assert root.find(f"{NS}title").text == label
    assert [t.text for t in texts_of(root)] == ["thuis", "school", "rust"]


def test_aria_label_names_at_most_ten_words():
    root = ET.fromstring(svg(many_words(30)))
    label = root.get("aria-label")
    assert label.count("keer)") == wordcloud.ARIA_WORDS
    assert "en nog 20 andere woorden" in label


def test_every_word_is_escaped_in_text_and_label():
    evil = [Word("<b>&", 5), Word('a"b onload="x', 3), Word("<script>alert(1)</script>", 2)]
    markup = svg(evil)
    assert "<b>" not in markup and "<script" not in markup and 'onload="x' not in markup
    assert "&lt;b&gt;&amp;" in markup
    root = ET.fromstring(markup)  # still well-formed XML
    assert [t.text for t in texts_of(root)] == [w.text for w in evil]
    assert all(attr in ("x", "y", "font-size", "textLength", "lengthAdjust", "fill")
               for t in texts_of(root) for attr in t.attrib)
    assert "<b>&" in root.get("aria-label")  # the parsed value: it was escaped in the markup


def test_control_characters_cannot_break_the_svg():
    root = ET.fromstring(svg([Word("a\x00b\x1b", 2), Word("\x07", 1)]))
    assert [t.text for t in texts_of(root)] == ["ab"]


@pytest.mark.parametrize(("width", "height"), [(960, 540), (600, 400), (301, 203)])
def test_no_word_overlaps_another_or_the_edge(width, height):
    markup = svg(many_words(50), width=width, height=height)
    _, bs = assert_no_overlap_inside(markup, width, height)
    assert len(bs) >= (45 if width == 960 else 10)


def test_words_that_do_not_fit_are_left_out():
    given = many_words(50)
    markup = svg(given, width=240, height=90)
    root, bs = assert_no_overlap_inside(markup, 240, 90)
    assert 0 < len(bs) < 50
    shown = [t.text for t in texts_of(root)]
    assert shown[0] == "zorg"  # the most frequent word goes first
    assert "niet meer in" in root.find(f"{NS}desc").text


def test_a_word_wider_than_the_canvas_is_left_out_or_made_smaller():
    long = "samenwerkingsverband"  # about 1250 pixels wide at 96
    root, bs = assert_no_overlap_inside(svg([Word(long, 3)], width=400, height=200), 400, 200)
    assert len(bs) == 1 and 18 <= float(texts_of(root)[0].get("font-size")) < 40
    root, bs = assert_no_overlap_inside(svg([Word(long * 3, 3)], width=400, height=200),
                                        400, 200)
    assert bs == [] and "geen woorden" in root.get("aria-label")


def test_font_size_grows_with_the_count_between_the_limits():
    given = many_words(20)
    root = ET.fromstring(svg(given, min_size=18, max_size=96))
    size = {t.text: float(t.get("font-size")) for t in texts_of(root)}
    count = {w.text: w.count for w in given}
    assert set(size) == set(count)
    assert all(18 <= s <= 96 for s in size.values())
    ranked = sorted(size, key=lambda t: -count[t])
    for a, b in itertools.pairwise(ranked):
        assert count[a] == count[b] or size[a] >= size[b]
    assert size[ranked[0]] > size[ranked[-1]]


def test_the_same_words_always_give_the_same_svg():
    texts = ["Thuis is rust", "thuis en school", "Rust, ruimte", "sport en muziek", "thuis"]
    assert svg(words(texts)) == svg(words(list(reversed(texts)))) == svg(words(texts))
    assert svg(many_words(50)) == svg(many_words(50))


def test_colours_come_from_the_palette_with_enough_contrast_on_white():
    def luminance(colour):
        rgb = [int(colour[i:i + 2], 16) / 255 for i in (1, 3, 5)]
        lin = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in rgb]
        return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]

    assert all(1.05 / (luminance(c) + 0.05) >= 4.5 for c in PALETTE)
    root = ET.fromstring(svg(many_words(12)))
    assert {t.get("fill") for t in texts_of(root)} <= set(PALETTE)


def test_no_words_gives_a_small_dutch_message():
    markup = svg([])
    root = ET.fromstring(markup)
    assert root.get("role") == "img" and root.get("aria-label") == "Nog geen woorden."
    assert texts_of(root)[0].text == "Nog geen woorden."
    assert float(root.get("height")) <= 60
    assert ET.fromstring(svg(words([]))).get("aria-label") == "Nog geen woorden."


def test_impossible_sizes_are_refused():
    for kwargs in ({"width": 0}, {"height": -5}, {"min_size": 0}, {"min_size": 50, "max_size": 20}):
        with pytest.raises(ValueError):
            svg([Word("thuis", 1)], **kwargs)


def test_fifty_words_lay_out_quickly():
    given = many_words(50)
    svg(given)  # warm up (numpy, the spiral of this canvas size)
    best = float("inf")
    for seed in range(3):
        shuffled = many_words(50, seed=seed + 2)
        start = time.process_time()
        svg(shuffled)
        best = min(best, time.process_time() - start)
    assert best < 0.1


def test_text_width_estimate_is_plausible():
    assert wordcloud.text_width("", 20) == 0
    assert wordcloud.text_width("mmm", 10) > wordcloud.text_width("iii", 10)
    assert wordcloud.text_width("é", 10) == wordcloud.text_width("e", 10)
    assert 0.5 * 20 * 5 < wordcloud.text_width("thuis", 20) < 0.8 * 20 * 5
