"""The map of the 42 youth-care regions, from the bundled 2025 boundaries (TopoJSON).

The boundaries are inlined in the Vega-Lite spec and drawn to SVG by vl-convert,
so the map shows offline and in static pages. Only the chosen region's
municipalities are drawn on top, to keep the SVG small.
"""

from __future__ import annotations

import copy
import json
from functools import lru_cache
from pathlib import Path

from .errors import DataFileError
from .paths import data_dir

REGIONS_FILE = "jeugdregio_2025.topojson"
MUNICIPALITIES_FILE = "gemeente_2025.topojson"
SOURCE = ("Kaart: CBS/PDOK, Gebiedsindelingen 2025 (grenzen vereenvoudigd door cartomap/nl). "
          "De indeling van gemeenten in regio's is door ons afgeleid uit de kaart.")


@lru_cache(maxsize=4)
def _topology(path: Path) -> dict:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise DataFileError(f"Het kaartbestand {path} ontbreekt.") from None
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise DataFileError(f"Het kaartbestand {path} is geen geldige TopoJSON ({exc}).") from None


def _geo(name: str, directory: Path | None) -> dict:
    return _topology((directory or data_dir()).resolve() / "regions" / "geo" / name)


def _only(topology: dict, obj: str, codes: set[str]) -> dict:
    """A copy of the topology whose object keeps only the features with these codes."""
    out = copy.copy(topology)
    objects = dict(topology["objects"])
    geometry = dict(objects[obj])
    geometry["geometries"] = [g for g in objects[obj]["geometries"]
                              if g["properties"]["statcode"] in codes]
    objects[obj] = geometry
    out["objects"] = objects
    return out


def region_map(code: str = "", municipalities: tuple[str, ...] = (),
               directory: Path | None = None) -> dict:
    """Vega-Lite spec: all regions in grey, the chosen one in colour, its municipalities
    outlined. Without a code: all regions, each labelled on hover."""
    regions = _geo(REGIONS_FILE, directory)
    layers = [{
        "data": {"values": regions, "format": {"type": "topojson",
                                               "feature": "jeugdregio_2025"}},
        "mark": {"type": "geoshape", "stroke": "#ffffff", "strokeWidth": 0.7},
        "encoding": {
            "color": {"condition": {"test": f"datum.properties.statcode === '{code}'",
                                    "value": "#0b6e69"}, "value": "#d5dde2"},
            "tooltip": {"field": "properties.statnaam", "type": "nominal", "title": "Regio"},
        },
    }]
    if municipalities:
        gm = _only(_geo(MUNICIPALITIES_FILE, directory), "gemeente_2025", set(municipalities))
        layers.append({
            "data": {"values": gm, "format": {"type": "topojson", "feature": "gemeente_2025"}},
            "mark": {"type": "geoshape", "fill": None, "stroke": "#f4f7f6",
                     "strokeWidth": 0.6},
            "encoding": {"tooltip": {"field": "properties.statnaam", "type": "nominal",
                                     "title": "Gemeente"}},
        })
    return {"$schema": "https://vega.github.io/schema/vega-lite/v5.json",
            "width": 300, "height": 340, "projection": {"type": "mercator"},
            "layer": layers}
