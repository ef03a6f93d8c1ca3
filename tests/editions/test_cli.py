"""`ztmo editie` refuses bad input before any work (no notebooks run, no marker)."""

from __future__ import annotations

import os

from ztmo.cli import main


def test_unknown_region_exits_2_with_a_suggestion(tmp_path, capsys):
    out = tmp_path / "uit"
    assert main(["editie", "--regio", "Twentee", "--uit", str(out)]) == 2
    err = capsys.readouterr().err
    assert "Deze regio kennen we niet" in err and "Twente" in err
    assert not out.exists()


def test_an_unwritable_output_folder_is_reported_before_any_work(tmp_path, capsys):
    blocker = tmp_path / "een-bestand"
    blocker.write_text("geen map", encoding="utf-8")
    assert main(["editie", "--regio", "Twente", "--uit", str(blocker / "edities")]) == 2
    err = capsys.readouterr().err
    assert "kunnen we niet schrijven" in err and "--uit" in err
    if os.geteuid() != 0:  # root may write anywhere; the file above blocks everyone
        readonly = tmp_path / "alleen-lezen"
        readonly.mkdir(mode=0o500)
        assert main(["editie", "--regio", "Twente", "--uit", str(readonly)]) == 2


def test_workers_must_be_at_least_one(tmp_path, capsys):
    assert main(["editie", "--regio", "Twente", "--uit", str(tmp_path), "--workers", "0"]) == 2
    assert "--workers" in capsys.readouterr().err


def test_a_notebooks_folder_without_edition_notebooks_is_refused(tmp_path, capsys):
    empty = tmp_path / "leeg"
    empty.mkdir()
    code = main(["editie", "--regio", "Twente", "--uit", str(tmp_path / "uit"), "--notebooks",
                 str(empty)])
    assert code == 2 and "geen notebooks" in capsys.readouterr().err
