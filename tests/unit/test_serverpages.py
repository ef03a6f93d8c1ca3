"""The server's light pages: Dutch, escaped, without scripts or other hosts."""

from __future__ import annotations

import re

import pytest

from ztmo import texts
from ztmo.errors import ContentError
from ztmo.serverpages import busy_page, error_page, full_page, join_page, sign_in_page


def no_script_no_other_host(html: str) -> None:
    assert "<script" not in html.lower()
    assert not re.search(r"""(src|href|action)=["']https?://""", html)
    assert 'lang="nl"' in html and 'name="viewport"' in html


def test_the_join_page_asks_for_the_code_under_the_servers_path():
    html = join_page("/ztmo/", hosted=True)
    no_script_no_other_host(html)
    assert 'action="/ztmo/voila/render/notebooks/index.ipynb"' in html
    assert 'name="sessie"' in html and "Vul de code in die de trainer laat zien" in html
    assert "zonder sessie" not in html  # a hosted server: only with a code
    laptop = join_page("/", hosted=False)
    assert 'href="/voila/render/notebooks/index.ipynb">Verder zonder code' in laptop


def test_a_wrong_code_is_said_plainly_and_never_echoed_as_markup():
    html = join_page("/", hosted=True, code="<b>x</b>", problem="meedoen.onbekend")
    assert "Deze code kennen we niet" in html and "<b>x</b>" not in html
    assert 'role="alert"' in html
    again = join_page("/", hosted=True, code="K7MP3Y", problem="meedoen.onbekend")
    assert 'value="K7MP3Y"' in again  # a typo can be corrected
    limited = join_page("/", hosted=True, problem="meedoen.te_vaak", wait_minutes=4)
    assert "Wacht 4 minuten" in limited


def test_the_sign_in_page_posts_the_key_with_its_xsrf_token():
    html = sign_in_page("/ztmo/", "tok&en", next_path='/ztmo/x"><script>')
    no_script_no_other_host(html)
    assert 'method="post" action="/ztmo/aanmelden"' in html
    assert 'name="_xsrf" value="tok&amp;en"' in html
    assert 'type="password"' in html and "&quot;&gt;&lt;script&gt;" in html
    wrong = sign_in_page("/", "t", problem="aanmelden.fout")
    assert "Deze sleutel klopt niet" in wrong


@pytest.mark.parametrize("page, words", [
    (full_page, "Deze sessie zit vol"), (busy_page, "Het is even druk"),
])
def test_full_and_busy_pages_retry_by_themselves(page, words):
    html = page()
    no_script_no_other_host(html)
    assert words in html and 'http-equiv="refresh" content="30"' in html


def test_error_pages_name_no_file_and_no_path():
    assert "Deze pagina bestaat niet" in error_page(404)
    assert "Er ging iets mis op de server" in error_page(500)
    assert "gaat niet verloren" in error_page(503, "fouten.opslag")


def test_texts_are_read_by_key_and_a_missing_one_is_a_content_error():
    assert texts.text("server", "aanmelden.aangemeld", naam="Anna") == "Aangemeld als Anna"
    assert set(texts.section("server", "pagina")) >= {"verbinding_weg", "geen_websocket"}
    with pytest.raises(ContentError, match="mist de tekst 'bestaat.niet'"):
        texts.text("server", "bestaat.niet")
