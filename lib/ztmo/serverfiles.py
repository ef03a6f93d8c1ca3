"""Voila's files route, with the path checked before the allow-list sees it.

Voila matches ``--VoilaConfiguration.file_allowlist`` against the path as given, before it
is normalised: ``/voila/files/notebooks/../.venv/share/.../jupyterlab.svg`` matches
"notebooks/.*[.]svg" and is then served from outside the apps' folder. Here a path is
refused (404, the same answer as for a file that is not there) unless it is plain: no
empty, "." or ".." segments, nothing hidden (a segment starting with "."), no backslash,
no percent sign (a second layer of encoding), no control characters. Tornado has decoded
the URL once already, so "%2e%2e" and "..%2f" arrive here as "..".
"""

from __future__ import annotations

import tornado.web
from voila.static_file_handler import AllowListFileHandler

__all__ = ["AllowListFileHandler", "PlainFilesHandler", "plain_path"]


def plain_path(path: str) -> bool:
    """A relative path of ordinary names only, separated by single slashes."""
    if not path or any(ch in path for ch in "\\%") or not path.isprintable():
        return False
    return all(part and not part.startswith(".") for part in path.split("/"))


class PlainFilesHandler(AllowListFileHandler):
    """`AllowListFileHandler` that first refuses any path that is not plain."""

    async def get(self, path: str, include_body: bool = True) -> None:
        if not plain_path(path):
            raise tornado.web.HTTPError(404)
        await super().get(path, include_body=include_body)
