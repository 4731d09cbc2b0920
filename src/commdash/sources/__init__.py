"""Sources: each kind of input is turned into the same :class:`~commdash.model.Snapshot`."""

from commdash.sources.demo import DEMO_PATH
from commdash.sources.files import open_file

__all__ = ["DEMO_PATH", "open_file"]
