"""ipywidgets components that compose the apps (the thin shell around the pure core)."""

from .journey import Journey, journey_app
from .learning import duo_app, group_profile_app, scan_app
from .pillar import PillarWalk, pillar_app
from .projector import projector_page
from .start import start_page
from .trainer import trainer_page

__all__ = ["Journey", "PillarWalk", "duo_app", "group_profile_app", "journey_app", "pillar_app",
           "projector_page", "region_app", "scan_app", "start_page", "trainer_page"]


def region_app(*args, **kwargs):
    """The region app (see `ui.region`). Imported on use: it needs pandas, which the other
    apps do not, so their kernels stay small and start fast."""
    from .region import region_app as app

    return app(*args, **kwargs)
