"""Editions rendered once per session for two regions; notebooks built in memory."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from tests.conftest import NOTEBOOKS

REGIONS = ("Twente", "Gooi & Vechtstreek")  # JZ14, JZ16


def code_cell(source: str, tags: tuple[str, ...] = ()) -> dict:
    return {"cell_type": "code", "execution_count": None, "id": f"c{abs(hash(source)) % 10**8}",
            "metadata": {"tags": list(tags)} if tags else {}, "outputs": [], "source": source}


def markdown_cell(source: str) -> dict:
    return {"cell_type": "markdown", "id": f"m{abs(hash(source)) % 10**8}", "metadata": {},
            "source": source}


def notebook(title: str, *cells: dict) -> dict:
    """A notebook like ours: first code cell tagged `parameters` with regio and sessie."""
    params = code_cell('regio = ""\nsessie = ""', ("parameters",))
    return {"cells": [params, *cells], "nbformat": 4, "nbformat_minor": 5,
            "metadata": {"title": title, "kernelspec": {"name": "python3", "language": "python",
                                                         "display_name": "Python 3"}}}


def write_notebook(path: Path, nb: dict) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(nb, ensure_ascii=False), encoding="utf-8")


def copy_notebooks(target: Path, keep: tuple[str, ...]) -> Path:
    """A copy of some of our notebooks (relative paths), to add test notebooks beside."""
    for rel in keep:
        (target / rel).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(NOTEBOOKS / rel, target / rel)
    return target


@pytest.fixture(scope="session")
def rendered(tmp_path_factory):
    """Both regions' editions, made once through the core API (2 workers). Tests must
    leave them as they found them."""
    from ztmo.editions import render
    from ztmo.regions import get_region

    out = tmp_path_factory.mktemp("edities")
    summary = render.render([get_region(r) for r in REGIONS], out, workers=2)
    return summary
