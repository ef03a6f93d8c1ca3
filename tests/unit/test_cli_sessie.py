"""`ztmo sessie nieuw | export | verwijder`: parse, call the store, Dutch output, exit codes."""

from __future__ import annotations

import csv
import re

import openpyxl
import pytest

from ztmo import activities, cli
from ztmo.store import Store


@pytest.fixture
def data_dir(tmp_path, monkeypatch):
    monkeypatch.delenv("ZTMO_DATABASE_URL", raising=False)
    monkeypatch.setenv("ZTMO_DATA_DIR", str(tmp_path / "var"))
    return tmp_path / "var"


def new_session(capsys) -> tuple[str, str]:
    assert cli.main(["sessie", "nieuw", "--naam", "Leernetwerk Zwolle"]) == 0
    out = capsys.readouterr().out
    code = re.search(r"Code voor deelnemers: (\w{6})", out).group(1)
    key = re.search(r"Sleutel voor de trainer: (\w{10})", out).group(1)
    return code, key


def test_nieuw_creates_the_session_in_the_data_dir(data_dir, capsys):
    code, _ = new_session(capsys)
    with Store.from_env() as store:
        assert store.get_session(code).name == "Leernetwerk Zwolle"
    assert (data_dir / "ztmo.sqlite3").is_file()


def test_nieuw_prints_the_join_and_trainer_paths(data_dir, capsys):
    assert cli.main(["sessie", "nieuw", "--naam", "x"]) == 0
    out = capsys.readouterr().out
    code = re.search(r"Code voor deelnemers: (\w+)", out).group(1)
    key = re.search(r"Sleutel voor de trainer: (\w+)", out).group(1)
    assert f"voila/render/notebooks/index.ipynb?sessie={code}\n" in out
    assert f"voila/render/notebooks/trainer.ipynb?sessie={code}&sleutel={key}\n" in out


def test_export_writes_a_csv_for_dutch_spreadsheets(data_dir, tmp_path, capsys):
    code, _ = new_session(capsys)
    with Store.from_env() as store:
        token = store.join(code, "Zoë")
        store.save_answer(code, token, "reflectie:weer_thuis.1", "Één, twee; \"drie\"\nvier")
    target = tmp_path / "uit.csv"
    assert cli.main(["sessie", "export", code.lower(), "--csv", str(target)]) == 0
    assert capsys.readouterr().out == f"1 antwoord geschreven naar {target}\n"
    data = target.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf") and b"\r\n" in data and token.encode() not in data
    with target.open(encoding="utf-8-sig", newline="") as f:
        (row,) = list(csv.DictReader(f, delimiter=";"))
    assert (row["sessie"], row["deelnemer"], row["bijnaam"], row["antwoord"]) == (
        code, "deelnemer 1", "Zoë", "Één, twee; \"drie\"\nvier")
    assert row["opdrachtcode"] == "reflectie:weer_thuis.1"
    assert row["opdracht"] == activities.label("reflectie:weer_thuis.1") != row["opdrachtcode"]
    assert row["verborgen"] == "nee"
    assert re.fullmatch(r"\d\d-\d\d-\d{4} \d\d:\d\d:\d\d", row["tijdstip"])


def test_export_writes_xlsx_and_csv_and_leaves_hidden_answers_out(data_dir, tmp_path, capsys):
    code, key = new_session(capsys)
    with Store.from_env() as store:
        a, b = store.join(code), store.join(code)
        store.save_answer(code, a, "wat_is_thuis", "=HYPERLINK(\"http://x\",\"klik\")")
        store.save_answer(code, b, "wat_is_thuis", "Jan de Vries")
        store.save_answer(code, b, "beoordeling:weer_thuis.1", 4)
        store.hide_answer(code, key, b, "wat_is_thuis")
    xlsx, table = tmp_path / "uit.xlsx", tmp_path / "uit.csv"
    assert cli.main(["sessie", "export", code, "--xlsx", str(xlsx), "--csv", str(table)]) == 0
    out = capsys.readouterr().out
    assert out.startswith(f"2 antwoorden geschreven naar {xlsx} en {table}\n")
    assert "1 antwoord niet meegenomen" in out and "--met-verborgen" in out
    cells = [c for row in openpyxl.load_workbook(xlsx).active.iter_rows() for c in row]
    values = {c.value for c in cells}
    assert '=HYPERLINK("http://x","klik")' in values and "Jan de Vries" not in values
    assert not [c for c in cells if c.data_type == "f"]
    assert b"Jan de Vries" not in table.read_bytes()
    assert b"'=HYPERLINK" in table.read_bytes()
    for token in (a, b):
        assert token.encode() not in table.read_bytes()

    assert cli.main(["sessie", "export", code, "--csv", str(table), "--met-verborgen"]) == 0
    assert capsys.readouterr().out == f"3 antwoorden geschreven naar {table}\n"
    with table.open(encoding="utf-8-sig", newline="") as f:
        rows = list(csv.DictReader(f, delimiter=";"))
    assert [(r["antwoord"], r["verborgen"]) for r in rows if r["deelnemer"] == "deelnemer 2"] == [
        ("Jan de Vries", "ja"), ("4", "nee")]


def test_export_needs_a_file_to_write_to(data_dir, capsys):
    code, _ = new_session(capsys)
    assert cli.main(["sessie", "export", code]) == 2
    err = capsys.readouterr().err
    assert "--xlsx" in err and "--csv" in err and "Traceback" not in err


def test_export_to_an_impossible_place_gives_a_dutch_error(data_dir, tmp_path, capsys):
    code, _ = new_session(capsys)
    assert cli.main(["sessie", "export", code, "--csv", str(tmp_path / "nee" / "x.csv")]) == 2
    assert "kon niet worden geschreven" in capsys.readouterr().err


def test_verwijder_needs_the_right_key(data_dir, capsys):
    code, key = new_session(capsys)
    assert cli.main(["sessie", "verwijder", code, "--sleutel", "FOUTFOUT22"]) == 2
    captured = capsys.readouterr()
    assert "klopt niet" in captured.err and "Traceback" not in captured.err
    assert cli.main(["sessie", "verwijder", code, "--sleutel", key]) == 0
    assert "verwijderd" in capsys.readouterr().out
    with Store.from_env() as store, pytest.raises(Exception, match="geen sessie"):
        store.get_session(code)


def test_unknown_session_exits_2_with_a_dutch_message(data_dir, tmp_path, capsys):
    assert cli.main(["sessie", "export", "ZZZZZZ", "--csv", str(tmp_path / "x.csv")]) == 2
    err = capsys.readouterr().err
    assert "We vinden geen sessie" in err and "Traceback" not in err
    assert not (tmp_path / "x.csv").exists()


def test_unreachable_database_exits_2(monkeypatch, capsys):
    monkeypatch.setenv("ZTMO_DATABASE_URL", "sqlite:////nergens/bestaat/dit/ztmo.sqlite3")
    assert cli.main(["sessie", "nieuw", "--naam", "x"]) == 2
    assert "niet verloren" in capsys.readouterr().err


def test_missing_arguments_are_refused_by_the_parser(data_dir):
    with pytest.raises(SystemExit) as exc:
        cli.main(["sessie", "nieuw"])
    assert exc.value.code == 2
