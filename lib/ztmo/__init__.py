"""ztmo: the learning environment "Zo thuis mogelijk opgroeien".

Small public API; import submodules for the rest (``ztmo.ui``, ``ztmo.content``).
Nothing heavy is imported here, so ``import ztmo`` stays fast.
"""

__version__ = "0.1.0"
