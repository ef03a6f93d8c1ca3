"""ipywidgets components that compose the apps (the thin shell around the pure core)."""

from .pillar import PillarWalk, pillar_app
from .start import start_page
from .trainer import trainer_page

__all__ = ["PillarWalk", "pillar_app", "start_page", "trainer_page"]
