"""`ztmo trainer nieuw | lijst | intrekken` and `ztmo opruimen`: Dutch output, exit codes."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import update

from ztmo import cli
from ztmo.store import Store
from ztmo.store.schema import sessions


@pytest.fixture
def data_dir(tmp_path, monkeypatch):
    monkeypatch.delenv("ZTMO_DATABASE_URL", raising=False)
    monkeypatch.delenv("ZTMO_BEWAARTERMIJN", raising=False)
    monkeypatch.setenv("ZTMO_DATA_DIR", str(tmp_path / "var"))
    return tmp_path / "var"


def new_trainer(capsys, name: str = "Anna de Vries") -> tuple[str, str]:
    assert cli.main(["trainer", "nieuw", "--naam", name]) == 0
    out = capsys.readouterr().out
    trainer_id = re.search(r"\(code (\w{6})\)", out).group(1)
    key = re.search(r"Persoonlijke sleutel: ([\w-]{23})", out).group(1)
    assert "niet meer te zien" in out
    return trainer_id, key


def test_a_new_trainer_gets_a_key_that_signs_in(data_dir, capsys):
    trainer_id, key = new_trainer(capsys)
    assert re.fullmatch(r"(\w{5}-){3}\w{5}", key)
    with Store.from_env() as store:
        token, trainer = store.sign_in(key)
        assert trainer.id == trainer_id and store.signed_in(token).name == "Anna de Vries"


def test_the_list_shows_each_trainer_without_keys(data_dir, capsys):
    assert cli.main(["trainer", "lijst"]) == 0
    assert "nog geen trainers" in capsys.readouterr().out
    a, key_a = new_trainer(capsys, "Anna")
    b, _ = new_trainer(capsys, "Bram")
    assert cli.main(["trainer", "intrekken", b.lower()]) == 0
    assert "werkt niet meer" in capsys.readouterr().out
    assert cli.main(["trainer", "lijst"]) == 0
    out = capsys.readouterr().out
    lines = out.strip().splitlines()
    assert lines[0].startswith(f"{a}  Anna  sinds") and "actief" in lines[0]
    assert lines[1].startswith(f"{b}  Bram") and "ingetrokken op" in lines[1]
    assert key_a not in out and key_a.replace("-", "") not in out


def test_revoking_an_unknown_trainer_is_a_dutch_error(data_dir, capsys):
    assert cli.main(["trainer", "intrekken", "ZZZZZZ"]) == 2
    assert "Er is geen trainer met de code 'ZZZZZZ'" in capsys.readouterr().err


def test_a_trainer_needs_a_name(data_dir, capsys):
    assert cli.main(["trainer", "nieuw", "--naam", "   "]) == 2
    assert "Geef de trainer een naam" in capsys.readouterr().err


def test_opruimen_lists_first_and_then_deletes_what_is_past_the_period(data_dir, capsys):
    with Store.from_env() as store:
        old = store.create_session("Voorjaar 2024")
        new = store.create_session("Deze week")
        with store._engine.begin() as conn:
            conn.execute(update(sessions).where(sessions.c.code == old.code).values(
                created_at=datetime.now(UTC) - timedelta(days=200)))
    assert cli.main(["opruimen", "--proef", "--maanden", "6"]) == 0
    out = capsys.readouterr().out
    assert f"sessie {old.code}  Voorjaar 2024" in out and new.code not in out
    assert "Zou verwijderen: 1 sessie, 0 leernetwerken" in out
    assert cli.main(["opruimen"]) == 0  # the default: 12 months, nothing that old
    assert "Verwijderd: 0 sessies" in capsys.readouterr().out
    assert cli.main(["opruimen", "--maanden", "6"]) == 0
    assert "Verwijderd: 1 sessie" in capsys.readouterr().out
    with Store.from_env() as store:
        assert [s.code for s in store.expired(date.today() + timedelta(days=1)).sessions] == [
            new.code]


def test_opruimen_refuses_a_strange_period(data_dir, capsys, monkeypatch):
    assert cli.main(["opruimen", "--maanden", "0"]) == 2
    assert "tussen 1 en 120 maanden" in capsys.readouterr().err
    monkeypatch.setenv("ZTMO_BEWAARTERMIJN", "een jaar")
    assert cli.main(["opruimen", "--proef"]) == 2
    assert "ZTMO_BEWAARTERMIJN" in capsys.readouterr().err
