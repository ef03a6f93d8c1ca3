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
