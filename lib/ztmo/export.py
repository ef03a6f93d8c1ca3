"""Files for a report: an export table as .xlsx or as CSV that Dutch spreadsheets open well.

Answers are typed by participants, so a cell must never become a formula: text that a
spreadsheet would read as one (starting with =, +, -, @, a tab or a carriage return: OWASP's
CSV-injection list; also their fullwidth look-alikes such as "＝", and behind leading spaces
or invisible characters) gets a leading single quote in CSV, and is written as a string cell with
Excel's own "quote prefix" in .xlsx (shown and kept as text, even when someone edits it).
"""

from __future__ import annotations

import csv
import io
import unicodedata
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import pandas

# What a spreadsheet may read as the start of a formula (OWASP, "CSV Injection").
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
MINUS_SIGNS = "\u2212"  # looks like "-", and NFKC leaves it as it is
CSV_TIME = "%d-%m-%Y %H:%M:%S"  # how Dutch spreadsheets write a date and time
XLSX_TIME = "dd-mm-yyyy hh:mm:ss"  # Excel's format code (the file's codes are not localised)
SHEET_NAME = "Antwoorden"
MAX_WIDTH = 60  # characters: wider columns wrap their text


def looks_like_formula(text: str) -> bool:
    """Would a spreadsheet (or someone editing the cell) take this for a formula? Also
    for look-alikes: fullwidth and small forms such as "＝" (compared after NFKC), and a
    start behind spaces or invisible characters that a spreadsheet may trim."""
    if text.startswith(FORMULA_START):
        return True
    normal = unicodedata.normalize("NFKC", text)
    start = 0
    while start < len(normal) and (normal[start].isspace()
                                   or unicodedata.category(normal[start])[0] in "CZ"):
        start += 1
    return normal.startswith(FORMULA_START + tuple(MINUS_SIGNS), start)


def _plain(value: Any) -> Any:
    """None for empty cells (None, NaN, NaT); numpy scalars as Python values."""
    import pandas as pd  # already loaded: the caller has a DataFrame

    if value is None or (pd.api.types.is_scalar(value) and pd.isna(value)):
        return None
    item = getattr(value, "item", None)  # numpy scalars
    if item is not None and not isinstance(value, (str, datetime, date)):
        try:
            return item()
        except (TypeError, ValueError):
            return value
    return value


def _local(value: datetime) -> datetime:
    """The wall-clock time as given (the store already gives Dutch time), without a zone:
    spreadsheets know no time zones."""
    if hasattr(value, "to_pydatetime"):  # pandas Timestamp
        value = value.to_pydatetime()
    return value.replace(tzinfo=None)


def csv_cell(value: Any) -> str:
    """One cell as text that a spreadsheet shows as it is."""
    value = _plain(value)
    if value is None:
        return ""
    if isinstance(value, bool):
        return "ja" if value else "nee"
    if isinstance(value, datetime):
        return _local(value).strftime(CSV_TIME)
    if isinstance(value, (int, float)):
        return str(value)
    text = str(value)
    return "'" + text if looks_like_formula(text) else text


def to_csv(frame: pandas.DataFrame) -> bytes:
    """CSV for Dutch Excel: ';' between cells, UTF-8 with BOM, CRLF, every cell quoted."""
    out = io.StringIO(newline="")
    writer = csv.writer(out, delimiter=";", quotechar='"', quoting=csv.QUOTE_ALL,
                        lineterminator="\r\n")
    writer.writerow([csv_cell(c) for c in frame.columns])
    for row in frame.itertuples(index=False, name=None):
        writer.writerow([csv_cell(v) for v in row])
    return out.getvalue().encode("utf-8-sig")


def to_xlsx(frame: pandas.DataFrame) -> bytes:
    """A real Excel workbook: one sheet, bold header row, filters, text never a formula."""
    import xlsxwriter

    buffer = io.BytesIO()
    # Nothing typed by a participant is turned into a formula, link or number by the
    # library: we say per cell what it is (write_string etc.), and these options guard too.
    book = xlsxwriter.Workbook(buffer, {
        "in_memory": True, "strings_to_formulas": False, "strings_to_urls": False,
        "strings_to_numbers": False,
    })
    sheet = book.add_worksheet(SHEET_NAME)
    header = book.add_format({"bold": True, "bottom": 1})
    wrap = book.add_format({"text_wrap": True, "valign": "top"})
    as_text = book.add_format({"text_wrap": True, "valign": "top", "quote_prefix": True})
    when = book.add_format({"num_format": XLSX_TIME, "valign": "top"})
    other = book.add_format({"valign": "top"})
    widths = [len(str(c)) for c in frame.columns]
    for col, name in enumerate(frame.columns):
        sheet.write_string(0, col, str(name), header)
    for r, row in enumerate(frame.itertuples(index=False, name=None), start=1):
        for col, raw in enumerate(row):
            value = _plain(raw)
            if value is None:
                sheet.write_blank(r, col, None, other)
                continue
            if isinstance(value, bool):
                value = "ja" if value else "nee"
            if isinstance(value, datetime):
                sheet.write_datetime(r, col, _local(value), when)
                shown = 19
            elif isinstance(value, (int, float)):
                sheet.write_number(r, col, value, other)
                shown = len(str(value))
            else:
                text = str(value)
                sheet.write_string(r, col, text, as_text if looks_like_formula(text) else wrap)
                shown = max((len(line) for line in text.splitlines()), default=0)
            widths[col] = max(widths[col], shown)
    for col, width in enumerate(widths):
        sheet.set_column(col, col, min(width, MAX_WIDTH) + 2)
    sheet.freeze_panes(1, 0)
    if len(frame.columns):
        sheet.autofilter(0, 0, max(len(frame), 1), len(frame.columns) - 1)
    book.close()
    return buffer.getvalue()
