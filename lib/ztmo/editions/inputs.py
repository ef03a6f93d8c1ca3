"""What an edition depends on, as one hash: unchanged inputs mean nothing to render.

The inputs are the edition's notebooks, every file in the data folder (content,
regions, figures, a region's own files), the ztmo package's source (apps, templates,
style) and the package version. One hash for the run, combined with the region per
edition.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parents[1]
_SKIP_PARTS = {"__pycache__", ".ipynb_checkpoints", ".pytest_cache"}


def _files(root: Path) -> Iterable[Path]:
    if not root.exists():
        return []
    return sorted(p for p in root.rglob("*") if p.is_file()
                  and not _SKIP_PARTS.intersection(p.relative_to(root).parts)
                  and p.suffix not in (".pyc", ".pyo"))


def run_hash(notebooks_dir: Path, notebooks: Iterable[str], data_dir: Path, version: str,
             package_dir: Path = PACKAGE_DIR) -> str:
    """The hash of everything every edition of this run is made from."""
    digest = hashlib.sha256(f"ztmo {version}\n".encode())

    def add(label: str, path: Path) -> None:
        data = path.read_bytes()
        digest.update(f"{label}\0{len(data)}\0".encode())
        digest.update(data)

    for rel in notebooks:
        add(f"notebook:{rel}", notebooks_dir / rel)
    for path in _files(data_dir):
        add(f"data:{path.relative_to(data_dir).as_posix()}", path)
    for path in _files(package_dir):
        add(f"ztmo:{path.relative_to(package_dir).as_posix()}", path)
    return digest.hexdigest()


def edition_hash(run: str, code: str, name: str) -> str:
    """The hash for one region's edition."""
    return hashlib.sha256(f"{run}\0{code}\0{name}".encode()).hexdigest()
