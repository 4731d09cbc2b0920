"""Triage state, undo journal, drafts and outbox in TinyDB files, never lost.

Layout of a source's directory (``<state root>/<source key>/``):

- ``states/00.json`` … ``states/ff.json``, ``triage.json``: the triage store
  (:mod:`commdash.store.triage`);
- ``outbox.json``: the outbox store (:mod:`commdash.store.outbox`);
- ``presence/<session>.json``: where each session writes a reply now
  (:mod:`commdash.store.presence`, no lock);
- ``.lock``: the lock that serialises writers across processes (:mod:`commdash.statefiles`).

:class:`Store` (:mod:`commdash.store.directory`) is the directory as the app uses it.
"""

from commdash.store.directory import Store
from commdash.store.triage import DISCARD, SHARDS

__all__ = ["DISCARD", "SHARDS", "Store"]
