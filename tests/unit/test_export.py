"""Export files (.xlsx and CSV): Dutch spreadsheets open them well, and no cell is a formula."""

from __future__ import annotations

import csv
import io
import re
import zipfile
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import openpyxl
import pandas as pd
import pytest
from openpyxl.utils.escape import unescape

from ztmo import activities
from ztmo.export import looks_like_formula, to_csv, to_xlsx
from ztmo.store import EXPORT_COLUMNS, Store

# OWASP's CSV-injection starts: =, +, -, @, tab, carriage return.
PAYLOADS = ['=HYPERLINK("http://x","klik")', "+SUM(1,1)", "@cmd", "-1+1", "\t=1", "\r=1"]
ORDINARY = ['Eén; twee "drie"\nregel twee', "Gewoon een antwoord, met komma", "4",
            "Zoë's idee: 'thuis' = veilig", "5 - 3 = 2"]
WHEN = datetime(2026, 5, 12, 9, 30, 15, tzinfo=UTC).astimezone(ZoneInfo("Europe/Amsterdam"))


def frame_of(values: list[str]) -> pd.DataFrame:
    rows = [("KMPT23", f"deelnemer {n}", "", "Wat is thuis?", "wat_is_thuis", v, WHEN, "nee")
            for n, v in enumerate(values, start=1)]
    return pd.DataFrame(rows, columns=EXPORT_COLUMNS)


def read_csv(data: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline=""), delimiter=";"))


def read_xlsx(data: bytes) -> list[list[openpyxl.cell.Cell]]:
    book = openpyxl.load_workbook(io.BytesIO(data))  # not read-only: formulas stay formulas
    return [list(row) for row in book.active.iter_rows()]


def xlsx_text(data: bytes) -> str:
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        return "\n".join(z.read(name).decode("utf-8") for name in z.namelist())


def test_formula_starts_are_the_owasp_list():
    assert all(looks_like_formula(p) for p in PAYLOADS)
    assert not any(looks_like_formula(t) for t in ORDINARY)


def test_csv_is_for_dutch_excel_semicolons_bom_crlf_and_dutch_headers():
    data = to_csv(frame_of(["ja"]))
    assert data.startswith(b"\xef\xbb\xbf")
    assert data.count(b"\r\n") == 2 and b"\n" not in data.replace(b"\r\n", b"")
    header, row = read_csv(data)
    assert header == ["sessie", "deelnemer", "bijnaam", "opdracht", "opdrachtcode", "antwoord",
                      "tijdstip", "verborgen"]
    assert row[6] == "12-05-2026 11:30:15"  # Dutch summer time, as Dutch spreadsheets write it


def test_csv_payloads_start_with_a_quote_and_ordinary_text_is_unchanged():
    header, *rows = read_csv(to_csv(frame_of(PAYLOADS + ORDINARY)))
    answers = [r[header.index("antwoord")] for r in rows]
    assert answers[:len(PAYLOADS)] == ["'" + p for p in PAYLOADS]
    assert answers[len(PAYLOADS):] == ORDINARY  # ; quotes and newlines survive as they are
    for row in rows:
        assert not any(looks_like_formula(cell) for cell in row)


def test_csv_guards_every_column_not_only_the_answer():
    frame = frame_of(["ja"])
    frame.loc[0, "bijnaam"] = "=1+1"
    frame.loc[0, "deelnemer"] = "@x"
    _, row = read_csv(to_csv(frame))
    assert (row[1], row[2]) == ("'@x", "'=1+1")


def test_xlsx_has_no_formula_cells_and_keeps_the_text():
    data = to_xlsx(frame_of(PAYLOADS + ORDINARY))
    assert data.startswith(b"PK")  # a real Office Open XML (zip) workbook
    header, *rows = read_xlsx(data)
    assert [c.value for c in header] == EXPORT_COLUMNS
    col = EXPORT_COLUMNS.index("antwoord")
    for cell in (c for row in [header, *rows] for c in row):
        assert cell.data_type != "f", cell.value
    # Exactly the text typed. A carriage return is stored as _x000D_ (the file format's
    # escape, which Excel decodes); openpyxl's reader leaves that to us.
    assert [unescape(r[col].value) for r in rows] == PAYLOADS + ORDINARY
    assert all(r[col].data_type == "s" for r in rows)
    # Excel's own marker for "this is text", kept even when someone edits the cell.
    assert [r[col].quotePrefix for r in rows] == [True] * len(PAYLOADS) + [False] * len(ORDINARY)
    assert not re.search(r"<f[ >]", xlsx_text(data))  # no formula element anywhere in the file


def test_xlsx_writes_times_as_dates_and_links_as_plain_text():
    frame = frame_of(["http://x.example/klik"])
    _, row = read_xlsx(to_xlsx(frame))
    when = row[EXPORT_COLUMNS.index("tijdstip")]
    assert when.is_date and when.value == datetime(2026, 5, 12, 11, 30, 15)
    assert when.number_format == "dd-mm-yyyy hh:mm:ss"
    answer = row[EXPORT_COLUMNS.index("antwoord")]
    assert answer.value == "http://x.example/klik" and answer.hyperlink is None


def test_an_empty_export_has_only_the_headers():
    empty = pd.DataFrame([], columns=EXPORT_COLUMNS)
    assert read_csv(to_csv(empty)) == [EXPORT_COLUMNS]
    assert [[c.value for c in row] for row in read_xlsx(to_xlsx(empty))] == [EXPORT_COLUMNS]


@pytest.fixture
def session_with_payloads(tmp_path):
    store = Store(f"sqlite:///{tmp_path / 'ztmo.sqlite3'}")
    s = store.create_session("Export")
    first = store.join(s.code, "=Vos\u202e")  # a formula-like nickname with an RTL override
    second = store.join(s.code, "@Uil")
    typed = PAYLOADS[:4] + ORDINARY[:1]
    keys = [activities.WHAT_IS_HOME, "reflectie:weer_thuis.1", "reflectie:weer_thuis.2",
            "reflectie:weer_thuis.3", activities.DUO_INSIGHT]
    for key, value in zip(keys, typed, strict=True):
        store.save_answer(s.code, first, key, value)
    store.save_answer(s.code, second, keys[0], "verborgen antwoord")
    store.hide_answer(s.code, s.trainer_key, second, keys[0])
    store.save_answer(s.code, second, keys[1], "zichtbaar")
    yield store, s.code, (first, second), typed
    store.close()


def test_files_from_a_session_hold_no_tokens_and_no_formulas(session_with_payloads):
    store, code, tokens, typed = session_with_payloads
    frame = store.export(code, include_hidden=True)
    data_csv, data_xlsx = to_csv(frame), to_xlsx(frame)
    for token in tokens:
        assert token.encode() not in data_csv
        assert token not in xlsx_text(data_xlsx)
    header, *rows = read_csv(data_csv)
    got = [dict(zip(header, r, strict=True)) for r in rows]
    assert [(r["deelnemer"], r["bijnaam"]) for r in got] == [("deelnemer 1", "'=Vos")] * 5 + [
        ("deelnemer 2", "'@Uil")] * 2
    assert [r["antwoord"] for r in got[:5]] == ["'" + v if looks_like_formula(v) else v
                                                for v in typed]
    assert [r["verborgen"] for r in got] == ["nee"] * 5 + ["ja", "nee"]
    assert got[0]["opdracht"] == "Wat is thuis?" and got[0]["opdrachtcode"] == "wat_is_thuis"
    cells = [c for row in read_xlsx(data_xlsx) for c in row]
    assert not [c.value for c in cells if c.data_type == "f"]
    assert {c.value for c in cells} >= set(typed) | {"=Vos", "@Uil"}


def test_hidden_answers_are_left_out_of_the_files_by_default(session_with_payloads):
    store, code, _, _ = session_with_payloads
    data = to_csv(store.export(code))
    assert b"verborgen antwoord" not in data and b"zichtbaar" in data
    assert "verborgen antwoord" not in xlsx_text(to_xlsx(store.export(code)))


def test_weet_ik_niet_is_exported_in_words_not_as_a_question_mark(tmp_path):
    """A rating of "weet ik niet" is stored as "?"; the export says it in words, in the
    table and so in both files. A typed "?" stays what it is."""
    store = Store(f"sqlite:///{tmp_path / 'w.sqlite3'}")
    s = store.create_session("Maandag")
    a, b = store.join(s.code), store.join(s.code)
    rating = activities.rating_key("allerliefst_thuis.1")
    store.save_answer(s.code, a, rating, activities.UNKNOWN_RATING)
    store.save_answer(s.code, b, rating, "4")
    store.save_answer(s.code, a, activities.WHAT_IS_HOME, "?")
    frame = store.export(s.code)
    assert frame["antwoord"].tolist() == ["weet ik niet", "4", "?"]
    header, *rows = read_csv(to_csv(frame))
    assert [r[header.index("antwoord")] for r in rows] == ["weet ik niet", "4", "?"]
    cells = [[c.value for c in row] for row in read_xlsx(to_xlsx(frame))]
    assert [row[5] for row in cells[1:]] == ["weet ik niet", "4", "?"]
    store.close()


# Look-alike formula starts: fullwidth and small forms (NFKC makes them =, +, -, @), the
# minus sign, and a real start behind spaces or invisible characters.
LOOKALIKES = ["＝HYPERLINK(\"http://x\",\"klik\")", "＋SUM(1,1)", "－1+1", "＠cmd", "﹦1+1",
              "﹢1", "﹣1", "﹫x", "\u22121+1", " =1+1", "\u00a0=1+1", "\u3000＝1",
              "\u202e=1+1", "\u200b@x", "\ufeff=1", " \t=1", "\n=1+1"]


def test_look_alike_formula_starts_are_formulas_too():
    assert all(looks_like_formula(t) for t in LOOKALIKES)
    assert not any(looks_like_formula(t) for t in [*ORDINARY, "２ = twee", "Ｔhuis",
                                                   "thuis － werk"])


def test_csv_neutralises_look_alike_formula_starts():
    header, *rows = read_csv(to_csv(frame_of(LOOKALIKES + ORDINARY)))
    answers = [r[header.index("antwoord")] for r in rows]
    assert answers == ["'" + t for t in LOOKALIKES] + ORDINARY


def test_xlsx_marks_look_alike_formula_starts_as_text():
    _header, *rows = read_xlsx(to_xlsx(frame_of(LOOKALIKES + ORDINARY)))
    col = EXPORT_COLUMNS.index("antwoord")
    assert [unescape(r[col].value) for r in rows] == LOOKALIKES + ORDINARY  # text unchanged
    assert [r[col].quotePrefix for r in rows] == [True] * len(LOOKALIKES) + [False] * len(
        ORDINARY)
    assert all(r[col].data_type == "s" for r in rows)
