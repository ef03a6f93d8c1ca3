"""axe-core in the browser tests: WCAG 2.1 A and AA, serious and critical findings.

axe.min.js comes with the PyPI package axe-playwright-python (the `test` extra); it is
injected into the page under test, so nothing is fetched from another host.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
BLOCKING = ("serious", "critical")


@cache
def axe_source() -> str:
    import axe_playwright_python

    return (Path(axe_playwright_python.__file__).parent / "axe.min.js").read_text("utf-8")


def violations(page, context: str | None = None) -> list[dict]:
    """axe's serious and critical WCAG 2.1 A/AA findings on the page (or in ``context``, a
    CSS selector), each as {id, impact, help, nodes: [selectors and HTML]}."""
    if not page.evaluate("() => typeof window.axe === 'object'"):
        page.evaluate(axe_source())
    result = page.evaluate(
        "([context, tags]) => axe.run(context ? document.querySelector(context) : document,"
        " {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']})",
        [context, TAGS])
    return [{"id": v["id"], "impact": v["impact"], "help": v["help"],
             "nodes": [(n["target"], n["html"][:160]) for n in v["nodes"][:5]]}
            for v in result["violations"] if v["impact"] in BLOCKING]
