"""The shared chart renderer: a real subprocess on a real socket."""

import os
import re
import subprocess
import sys
import time

import pytest

from ztmo import chartd, charts

LABELS = {1: "Nog niet", 2: "Een beetje", 3: "Redelijk", 4: "Goed", 5: "Heel goed"}


@pytest.fixture(scope="module")
def worker():
    proc, env = chartd.start()
    deadline = time.monotonic() + 30
    while not os.path.exists(env[chartd.ENV_ADDRESS]) and time.monotonic() < deadline:
        time.sleep(0.1)
    yield env
    proc.terminate()
    proc.wait(10)


def test_worker_draws_the_same_svg_as_the_kernel_would(worker):
    kwargs = {"rows": [("Een", 4), ("Twee", None)], "question": "Vraag", "labels": LABELS}
    svg = chartd.request("ratings", kwargs, env=worker)
    same = re.compile(r"clip\d+")  # vl-convert numbers its clip paths per process
    assert same.sub("clip", svg) == same.sub("clip", chartd.draw("ratings", kwargs))


def test_wrong_key_or_no_worker_means_draw_it_yourself(worker, monkeypatch):
    bad = dict(worker, **{chartd.ENV_KEY: "0" * 32})
    assert chartd.request("ratings", {}, env=bad) is None
    assert chartd.request("ratings", {}, env={}) is None
    monkeypatch.delenv(chartd.ENV_ADDRESS, raising=False)
    assert "<svg" in charts.render("ratings", rows=[("Een", 2)], question="V", labels=LABELS)


def test_unknown_chart_is_an_error_answer_not_a_crash(worker):
    assert chartd.request("bestaat_niet", {}, env=worker) is None
    assert chartd.request("group_ratings", {"rows": [("H1", {1: 1})], "labels": LABELS},
                          env=worker).startswith("<svg")


def test_a_kernel_using_the_worker_never_loads_altair_or_vl_convert(worker):
    code = ("import sys; from ztmo import charts; "
            "svg = charts.render('ratings', rows=[('Een', 5)], question='V', "
            "labels={5: 'Heel goed'}); "
            "print(svg[:4], 'altair' in sys.modules, 'vl_convert' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], env=dict(os.environ, **worker),
                         capture_output=True, text=True, timeout=60, check=False)
    assert out.stdout.split() == ["<svg", "False", "False"]


def test_the_worker_draws_a_region_page_as_the_kernel_would(worker):
    from ztmo.regions import get_region
    from ztmo.ui import region

    same = re.compile(r"clip\d+")
    shared = chartd.request("region_body", {"code": "JZ38"}, env=worker)
    here = region.region_body(region.load_sources(), get_region("JZ38"))
    assert shared is not None and same.sub("clip", shared) == same.sub("clip", here)
    assert chartd.request("region_body", {"code": "JZ99"}, env=worker) is None  # unknown


def test_a_participant_kernel_shows_its_region_without_pandas(worker):
    """The journey's region step in a server's kernel: the page comes from the shared
    renderer, so the kernel never imports pandas (about 45 MB each)."""
    code = ("import sys\n"
            "from ztmo.params import Params\n"
            "from ztmo.ui.region import RegionApp\n"
            "app = RegionApp(Params(regio='Twente', regio_code='JZ38', sessie='AB12CD'))\n"
            "page = app.page.value\n"
            "print('pandas' in sys.modules, 'Twente' in page, 'sessie=AB12CD' in page,\n"
            "      page.count('<svg') > 0)")
    out = subprocess.run([sys.executable, "-c", code], env=dict(os.environ, **worker),
                         capture_output=True, text=True, timeout=120, check=False)
    assert out.stdout.split() == ["False", "True", "True", "True"], out.stderr[-2000:]


def test_the_worker_draws_the_word_cloud_as_the_kernel_would(worker):
    from ztmo import wordcloud

    found = wordcloud.words(["veilig en warm", "warm eten", "mijn eigen bed"])
    size = {"width": 480, "height": 320, "min_size": 14, "max_size": 56}
    shared = chartd.request("word_cloud", {"words": [(w.text, w.count) for w in found], **size},
                            env=worker)
    assert shared == wordcloud.svg(found, **size)
