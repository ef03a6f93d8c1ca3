"""The apps with a real (SQLite) session store, driven through widget traits."""

import gc

import pytest

from tests.unit.test_ui import all_html, with_class
from ztmo.presenter import set_revealed
from ztmo.ui import pillar_app, start_page
from ztmo.ui import session as session_module
from ztmo.ui.pillar import rating_activity


@pytest.fixture()
def store(tmp_path, monkeypatch):
    monkeypatch.setenv("ZTMO_DATA_DIR", str(tmp_path))
    monkeypatch.delenv("ZTMO_DATABASE_URL", raising=False)
    session_module.shared_store.cache_clear()
    s = session_module.shared_store()
    yield s
    s.close()
    session_module.shared_store.cache_clear()


def join_on_start_page(code, nickname=""):
    app = start_page(sessie=code)
    field = with_class(app, "ztmo-join-code")[0]
    assert field.value == code
    with_class(app, "ztmo-nickname")[0].value = nickname
    with_class(app, "ztmo-join-submit")[0].click()
    return app


def test_unknown_session_gives_a_message_and_the_apps_still_work(store):
    app = start_page(sessie="ZZZZZZ")
    assert "We vinden geen sessie" in with_class(app, "ztmo-error")[0].value
    assert "sessie=" not in with_class(app, "ztmo-navigation")[0].value


def test_joining_issues_a_token_that_every_link_carries(store):
    s = store.create_session("Maandag")
    app = join_on_start_page(s.code, "Kim")
    nav = with_class(app, "ztmo-navigation")[0].value
    assert store.participant_count(s.code) == 1
    token = nav.split("deelnemer=")[1].split('"')[0]
    assert store.is_participant(s.code, token)
    assert f"sessie={s.code}&amp;deelnemer={token}" in nav
    assert with_class(app, "ztmo-answer-input")


def live_poll(app) -> None:
    """What the running live views do each second, now (the apps here are bare widgets)."""
    from ztmo.ui.session import Live

    for obj in gc.get_objects():
        try:
            running = isinstance(obj, Live) and not obj._stop.is_set()
        except ReferenceError:  # a weak proxy whose object is gone
            continue
        if running:
            obj.poll_once()


def test_what_is_home_is_saved_and_shown_escaped_on_the_wall(store):
    s = store.create_session("Maandag")
    app = join_on_start_page(s.code)
    with_class(app, "ztmo-answer-input")[0].value = "<img src=x onerror=alert(1)> veilig"
    with_class(app, "ztmo-answer-submit")[0].click()
    (answer,) = store.answers(s.code, "wat_is_thuis")
    assert answer.value == "<img src=x onerror=alert(1)> veilig"
    wall = with_class(app, "ztmo-group-wall")[0].value
    assert "veilig" not in wall and "1 antwoord" in wall  # not revealed yet: a count only
    set_revealed(store, s.code, s.trainer_key, "start", True)
    live_poll(app)
    wall = with_class(app, "ztmo-group-wall")[0].value
    assert "<img" not in wall and "veilig" in wall


def test_too_long_answer_is_refused_and_the_text_stays(store):
    s = store.create_session("Maandag")
    app = join_on_start_page(s.code)
    box = with_class(app, "ztmo-answer-input")[0]
    box.value = "x" * 501
    with_class(app, "ztmo-answer-submit")[0].click()
    assert "501 tekens" in all_html(app) and box.value == "x" * 501
    assert store.answers(s.code) == []


def test_pillar_ratings_go_to_the_store_and_the_group_view_counts_them(store):
    s = store.create_session("Maandag")
    others = [store.join(s.code) for _ in range(4)]
    store.save_answer(s.code, others[0], rating_activity("dichtbij_thuis.1"), "2")
    me = store.join(s.code)
    app = pillar_app(2, sessie=s.code, deelnemer=me)
    with_class(app, "ztmo-rating")[0].children[3].click()
    assert store.answers(s.code, rating_activity("dichtbij_thuis.1"))[1].value == "4"
    set_revealed(store, s.code, s.trainer_key, "pijler2", True)
    for _ in range(5):
        with_class(app, "ztmo-next")[0].click()
    group = with_class(app, "ztmo-group-ratings")[0].value
    # Two ratings: no average, so nobody can work out the other one's score.
    assert "gemiddeld" not in group and "minder dan 5 beoordelingen" in group
    for token, score in zip(others[1:], "333", strict=True):
        store.save_answer(s.code, token, rating_activity("dichtbij_thuis.1"), score)
    live_poll(app)
    group = with_class(app, "ztmo-group-ratings")[0].value
    assert "gemiddeld 3,0 (n = 5)" in group and "<svg" in group
    set_revealed(store, s.code, s.trainer_key, "pijler2", False)  # the trainer hides it again
    live_poll(app)
    group = with_class(app, "ztmo-group-ratings")[0].value
    assert "gemiddeld" not in group and "5 antwoorden" in group


def test_a_page_with_a_token_of_another_session_saves_locally_and_says_so(store):
    a, b = store.create_session("A"), store.create_session("B")
    token_b = store.join(b.code)
    app = pillar_app(1, sessie=a.code, deelnemer=token_b)
    assert "nog niet aangemeld" in with_class(app, "ztmo-error")[0].value
    with_class(app, "ztmo-rating")[0].children[2].click()
    assert store.answers(a.code) == [] and store.answers(b.code) == []


def test_what_is_home_becomes_a_word_cloud_merged_and_without_stop_words(store):
    import re

    s = store.create_session("Maandag")
    for text in ("Thuis is warm", "thuis, WARM eten", "Een wárm bed en <script>x</script>"):
        store.save_answer(s.code, store.join(s.code), "wat_is_thuis", text)
    set_revealed(store, s.code, s.trainer_key, "start", True)
    app = join_on_start_page(s.code)
    live_poll(app)
    cloud = with_class(app, "ztmo-word-cloud")[0].value
    drawn = re.findall(r"<text[^>]*>([^<]*)</text>", cloud)
    assert "warm" in drawn and drawn.count("warm") == 1  # warm, WARM and wárm: one word
    assert not {"is", "een", "en"} & set(drawn)  # Dutch stop words left out
    assert "Het vaakst genoemd: warm (3), thuis (2)" in cloud
    assert "<script>" not in cloud and "3 antwoorden" in cloud
