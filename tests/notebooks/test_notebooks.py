"""Every notebook executed by Papermill, with default parameters and with a region."""

from __future__ import annotations

import json

import papermill as pm
import pytest

from tests.conftest import NOTEBOOKS

pytestmark = pytest.mark.notebooks

APPS = ["index.ipynb", "pillars/1_het_allerliefst_thuis.ipynb", "pillars/2_dichtbij_thuis.ipynb",
        "pillars/3_weer_thuis.ipynb", "trainer.ipynb",
        "learning_styles/1_leervoorkeuren_scan.ipynb", "learning_styles/2_duo_gesprek.ipynb",
        "learning_styles/3_groepsprofiel.ipynb", "regio.ipynb"]
WERKVORMEN = ["werkvormen/1_ideeenmuur.ipynb", "werkvormen/2_tijdlijn.ipynb",
              "werkvormen/3_goede_voorbeelden.ipynb", "werkvormen/4_tien_beloften.ipynb",
              "werkvormen/5_vier_vlaggen.ipynb"]


def execute(rel: str, tmp_path, **parameters) -> dict:
    out = tmp_path / rel.replace("/", "_")
    pm.execute_notebook(str(NOTEBOOKS / rel), str(out), parameters=parameters, kernel_name="python3",
                        cwd=str((NOTEBOOKS / rel).parent), progress_bar=False)
    return json.loads(out.read_text(encoding="utf-8"))


def widget_text(nb: dict) -> str:
    state = nb["metadata"].get("widgets", {}).get("application/vnd.jupyter.widget-state+json", {})
    return json.dumps(state.get("state", {}), ensure_ascii=False)


def errors(nb: dict) -> list:
    return [o for c in nb["cells"] if c["cell_type"] == "code" for o in c.get("outputs", [])
            if o.get("output_type") == "error" or o.get("name") == "stderr"]


@pytest.mark.parametrize("rel", APPS + WERKVORMEN)
def test_runs_with_default_parameters(rel, tmp_path):
    nb = execute(rel, tmp_path)
    assert errors(nb) == []
    text = widget_text(nb)
    assert "\"ztmo-app\"" in text and "\"ztmo-error\"" not in text


@pytest.mark.parametrize("rel", APPS)
def test_runs_with_a_region(rel, tmp_path):
    nb = execute(rel, tmp_path, regio="Gooi & Vechtstreek")
    assert errors(nb) == []
    assert "\"ztmo-error\"" not in widget_text(nb)
    assert any(c["metadata"].get("tags") == ["injected-parameters"] for c in nb["cells"])


def test_start_page_names_the_region(tmp_path):
    text = widget_text(execute("index.ipynb", tmp_path, regio="jz16"))
    assert "Gooi en Vechtstreek" in text
    assert "index.ipynb?regio=JZ16&amp;stap=pijler1" in text  # the journey keeps the region


def test_unknown_region_shows_suggestions_not_a_traceback(tmp_path):
    nb = execute("pillars/3_weer_thuis.ipynb", tmp_path, regio="Twentee")
    assert errors(nb) == []
    text = widget_text(nb)
    assert "\"ztmo-error\"" in text and "Twente" in text


def test_trainer_opens_a_session_given_as_parameters(tmp_path):
    from ztmo.store import Store

    store = Store.from_env()
    s = store.create_session("Papermill")
    text = widget_text(execute("trainer.ipynb", tmp_path, sessie=s.code, sleutel=s.trainer_key))
    assert "ztmo-participant-count" in text and s.code in text and "Papermill" in text


def test_projector_shows_code_and_qr_and_never_the_key(tmp_path):
    from ztmo.store import Store

    store = Store.from_env()
    s = store.create_session("Beamer")
    nb = execute("beamer.ipynb", tmp_path, sessie=s.code)
    assert errors(nb) == []
    text = widget_text(nb)
    assert "ztmo-projector" in text and s.code in text and "<svg" in text
    assert s.trainer_key not in text and "sleutel" not in text.lower()
    assert "\"ztmo-error\"" not in text
    (tmp_path / "x").mkdir()
    missing = widget_text(execute("beamer.ipynb", tmp_path / "x", sessie="ZZZZZZ"))
    assert "\"ztmo-error\"" in missing and "geen sessie" in missing.lower()
