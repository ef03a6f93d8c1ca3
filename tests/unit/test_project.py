"""Project hygiene: notebooks thin and clean, environments in agreement, nothing from CDNs."""

import json
import re
import tomllib

import pytest
import yaml

from tests.conftest import NOTEBOOKS, REPO

ALL_NOTEBOOKS = sorted(p for p in NOTEBOOKS.rglob("*.ipynb") if ".ipynb_checkpoints" not in p.parts)


def test_the_required_notebooks_exist():
    names = {p.relative_to(NOTEBOOKS).as_posix() for p in ALL_NOTEBOOKS}
    assert {"index.ipynb", "pillars/1_het_allerliefst_thuis.ipynb",
            "pillars/2_dichtbij_thuis.ipynb", "pillars/3_weer_thuis.ipynb"} <= names


@pytest.mark.parametrize("path", ALL_NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_is_committed_clean_thin_and_parametrised(path):
    nb = json.loads(path.read_text(encoding="utf-8"))
    assert nb["metadata"]["kernelspec"]["name"] == "python3"
    assert nb["metadata"].get("title"), "a Dutch page title in metadata.title"
    code = [c for c in nb["cells"] if c["cell_type"] == "code"]
    assert "parameters" in code[0]["metadata"].get("tags", [])
    for cell in code:
        assert cell["outputs"] == [] and cell["execution_count"] is None
    for cell in code[1:]:
        lines = [x for x in "".join(cell["source"]).splitlines() if x.strip()]
        assert len(lines) <= 2, f"notebooks stay thin: {lines}"
        assert all(x.startswith(("from ztmo", "import ztmo")) or "(" in x for x in lines)


def _pip_list(path):
    env = yaml.safe_load(path.read_text(encoding="utf-8"))
    for dep in env["dependencies"]:
        if isinstance(dep, dict) and "pip" in dep:
            return sorted(dep["pip"])
    return []


def test_environment_files_list_the_same_packages_as_pyproject():
    deps = sorted(tomllib.loads((REPO / "pyproject.toml").read_text())["project"]["dependencies"])
    names = {re.split(r"[<>=!~ \[]", d)[0].lower() for d in deps}
    assert {"jupyterlab", "ipywidgets", "voila", "pandas", "altair", "papermill", "ipykernel",
            "pyyaml", "sqlalchemy"} <= names
    assert any(d.startswith("voila>=0.5.6") for d in deps), "Voila 0.5.6 fixes a file-read hole"
    assert _pip_list(REPO / "environment.yml") == deps
    assert _pip_list(REPO / "binder" / "environment.yml") == deps


def test_templates_and_styles_load_nothing_from_other_hosts():
    files = list((REPO / "lib/ztmo/share").rglob("*")) + list((REPO / "lib/ztmo/ui").glob("*.css"))
    for f in files:
        if f.is_file():
            text = f.read_text(encoding="utf-8")
            assert not re.search(r"(src|href)\s*=\s*[\"']?(https?:)?//", text), f
            assert "@import" not in text, f
            assert not re.search(r"cdn\.|jsdelivr|unpkg|googleapis|cdnjs", text), f


def test_ci_runs_the_readme_test_command():
    assert "make test" in (REPO / ".ci/run").read_text()
    assert "make test" in (REPO / "README.md").read_text()
    assert "make serve" in (REPO / "README.md").read_text()
