"""Which paths the files route lets through to Voila's allow-list (ztmo.serverfiles)."""

import pytest

from ztmo.serverfiles import plain_path


@pytest.mark.parametrize("path", ["notebooks/logo.svg", "notebooks/pillars/kaart 1.png",
                                  "notebooks/werkvormen/a-b_c.JPG"])
def test_plain_paths_pass(path):
    assert plain_path(path)


@pytest.mark.parametrize("path", [
    "", "notebooks/../.venv/share/jupyter/lab/static/jupyterlab.svg", "notebooks/..",
    "..", "notebooks/./logo.svg", "./notebooks/logo.svg", "notebooks//logo.svg",
    "/notebooks/logo.svg", "notebooks/logo.svg/", "notebooks\\..\\x.svg",
    "notebooks/%2e%2e/x.svg", "notebooks/%252e%252e/x.svg", "notebooks/.venv/x.svg",
    "notebooks/.hidden.svg", "notebooks/x.svg\x00.txt", "notebooks/\n../x.svg",
])
def test_anything_else_is_refused(path):
    assert not plain_path(path)
