"""Opening a source together with its saved state: what both the TUI and the CLI start from."""

from __future__ import annotations

import gc
import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from commdash.config import Config, live_config, load_config, unknown_name
from commdash.errors import SourceError
from commdash.inbox import Inbox
from commdash.paths import source_key, state_root
from commdash.sources import DEMO_PATH, open_file, parse_cache
from commdash.sources.demo import shift_times
from commdash.sources.files import open_export
from commdash.store import Store
from commdash.store.opener import StoreOpener
from commdash.timeutil import Clock

if TYPE_CHECKING:
    from commdash.link import Link


@dataclass(frozen=True, slots=True)
class Session:
    inbox: Inbox
    store: Store
    is_demo: bool
    link: Link | None = None
    """For a live source: its feed and courier."""

    def __post_init__(self) -> None:
        self.inbox.manager = self.store.manager  # whom the filter's "mine" means


def open_session(
    source: str | None,
    state_dir: str | None,
    clock: Clock,
    sla_minutes: float,
    config: Config | None = None,
    offline: bool = False,
) -> Session:
    """Read ``source`` (None: the bundled demo; a path; a URL or a name in the config) and
    the state kept for it. A live source opens on its offline copy: nothing is fetched
    (and with ``offline``, nothing may be: its token is not read)."""
    config = config or load_config()
    chosen = None if source is None else live_config(source, config)
    if source is not None and chosen is None and _could_be_a_name(source):
        raise SourceError(unknown_name(source, config))
    if chosen is not None:
        from commdash.link import open_link  # the HTTP stack only for a live source

        link, snapshot, store = open_link(chosen, store_opener(state_dir, config), offline)
        sla_seconds = sla_minutes * 60.0
        inbox = Inbox(snapshot, store.states(), store.replies(), clock, sla_seconds)
        return Session(inbox, store, is_demo=False, link=link)
    with _collector_paused():
        return _open_session(source, store_opener(state_dir, config), clock, sla_minutes)


def store_opener(state_dir: str | None, config: Config) -> StoreOpener:
    """Where the state of the sources is kept: the files under the state root, or the team
    database of the config's ``[team]`` (its password read now, kept in memory only)."""
    root = state_root(state_dir)
    if config.team is None:
        return StoreOpener(root)
    connection = config.team.connection(may_prompt=True)
    return StoreOpener(
        root, connection.conninfo, connection.password, connection.redacted, config.team.name
    )


def _could_be_a_name(spec: str) -> bool:
    """Whether ``spec``, which names no source of the config, could have been meant as a
    name: it is no file, nor a path (a path is told simply that there is no such file)."""
    if "/" in spec or os.sep in spec:
        return False
    try:
        return not Path(spec).expanduser().exists()
    except (RuntimeError, OSError, ValueError):
        return True


@contextmanager
def _collector_paused() -> Iterator[None]:
    """Loading makes millions of objects that all live on: the garbage collector would scan
    them again and again for nothing. It is paused meanwhile, and what was loaded is moved
    out of its sight (``gc.freeze``) before it resumes."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        gc.freeze()
        if was_enabled:
            gc.enable()


def _open_session(
    source: str | None, stores: StoreOpener, clock: Clock, sla_minutes: float
) -> Session:
    sla_seconds = sla_minutes * 60.0
    if source is None:
        snapshot = open_file(str(DEMO_PATH))
        store = stores.open(source_key(snapshot.source))
        # The demo is moved to the moment it was first triaged, so it always looks fresh
        # yet keeps agreeing with the state saved for it.
        snapshot = shift_times(snapshot, store.anchor(clock.now()))
        inbox = Inbox(snapshot, store.states(), store.replies(), clock, sla_seconds)
        return Session(inbox, store, is_demo=True)
    opened = open_export(source)
    snapshot = opened.snapshot
    store = stores.open(source_key(snapshot.source))
    states, replies = store.states(), store.replies()
    if opened.derived is not None:
        inbox = Inbox.restore(opened.derived, snapshot, states, replies, clock, sla_seconds)
    elif opened.key is not None:
        # Counted first with no state and kept with the parse, so that a re-open starts from
        # the count; then the state is applied.
        inbox = Inbox(snapshot, {}, [], clock, sla_seconds)
        parse_cache.save_aside(opened.key, snapshot, inbox.base())
        inbox.reload(states, replies)
    else:
        inbox = Inbox(snapshot, states, replies, clock, sla_seconds)
    return Session(inbox, store, is_demo=False)
