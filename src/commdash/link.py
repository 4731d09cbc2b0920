"""A live source wired into a session: which source a name or URL means, the offline copy,
pulls that replace the inbox's data, and the courier that delivers the outbox."""

from __future__ import annotations

from dataclasses import dataclass

from commdash.config import ConfigError, SourceConfig
from commdash.delivery import Courier
from commdash.model import Author, Snapshot, SourceInfo
from commdash.paths import source_key
from commdash.sources.http import check_url, where
from commdash.sources.live import LiveSource
from commdash.store import Store
from commdash.store.opener import StoreOpener
from commdash.sync import LiveFeed, cache_path
from commdash.timeutil import Clock


def make_source(chosen: SourceConfig, offline: bool = False) -> LiveSource:
    """The source a config section describes (its token read now, kept in memory only).
    ``offline``: only what is kept on disk will be read (no request is made), so the token
    is not asked for."""
    token = "" if offline else chosen.token()
    if chosen.kind == "facebook":
        check_url(chosen.url, chosen.allow_http)
        if token is None:
            raise _no_token(chosen)
        assert chosen.page_id is not None
        from commdash.sources.graph import GraphSource

        return GraphSource(
            chosen.page_id,
            token,
            base_url=chosen.url,
            allow_http=chosen.allow_http,
            name=chosen.name,
            days=chosen.days,
        )
    if chosen.kind == "mastodon":
        check_url(chosen.url, chosen.allow_http)
        if token is None:
            raise _no_token(chosen)
        from commdash.sources.mastodon import MastodonSource

        return MastodonSource(
            chosen.url,
            token,
            allow_http=chosen.allow_http,
            name=chosen.name,
            max_mentions=chosen.max_mentions,
        )
    for url in (chosen.url, chosen.reply_url, chosen.hide_url):
        if url is not None:
            check_url(url, chosen.allow_http)
    from commdash.sources.native_http import NativeHttpSource

    return NativeHttpSource(
        chosen.url,
        token=token,
        reply_url=chosen.reply_url,
        hide_url=chosen.hide_url,
        allow_http=chosen.allow_http,
        name=chosen.name,
    )


def _no_token(chosen: SourceConfig) -> ConfigError:
    return ConfigError(
        f"source {chosen.name!r}: no token; set token_env or token_command in the config"
    )


def identity(chosen: SourceConfig) -> str:
    """What names the source's offline copy: its kind, URL and page (never the token)."""
    return f"{chosen.kind} {where(chosen.url)} {chosen.page_id or ''}".strip()


def placeholder(chosen: SourceConfig) -> Snapshot:
    """What is shown before the first pull of a source never synced on this machine."""
    account = Author(chosen.page_id or "", chosen.name)
    platform = "generic" if chosen.kind == "commdash" else chosen.kind
    info = SourceInfo(chosen.name, platform, account, 0.0, where(chosen.url))
    return Snapshot(info, (), ())


@dataclass
class Link:
    """The live half of a session."""

    config: SourceConfig
    feed: LiveFeed
    stores: StoreOpener
    """Opens a source's state, which follows its account, known after a pull."""
    courier: Courier | None = None
    """Delivers the outbox; it has a store of its own (it works in another thread)."""

    @property
    def poll_seconds(self) -> float:
        return self.config.poll_seconds

    def store_for(self, snapshot: Snapshot, current: Store | None = None) -> Store:
        """The store of the account ``snapshot`` is of: ``current`` when it is that one
        already (opening a team store joins the database anew), else a new one, ``current``
        closed."""
        key = source_key(snapshot.source)
        if current is not None and current.directory == self.stores.root / key:
            return current
        if current is not None:
            current.close()
        return self.stores.open(key)

    def renew_token(self) -> None:
        """Read the token again (its command run anew, its variable read anew: the manager
        renewed it) and send it from now on; delivery resumes. Runs while the TUI owns the
        terminal, so the command gets no input."""
        self.feed.source.use_token(self.config.token(may_prompt=False))
        if self.courier is not None:
            self.courier.resume()

    def follow(self, snapshot: Snapshot) -> None:
        """The courier delivers to the state directory of the account now shown."""
        courier = self.courier
        if courier is not None:
            key = source_key(snapshot.source)
            if courier.store.directory != self.stores.root / key:
                courier.store = self.stores.open(key)


def open_link(
    chosen: SourceConfig, stores: StoreOpener, offline: bool = False
) -> tuple[Link, Snapshot, Store]:
    """The link, the snapshot to show first (the offline copy, or a placeholder) and the
    state directory for it. Nothing is fetched here."""
    source = make_source(chosen, offline)
    feed = LiveFeed(source, cache_path(stores.root, identity(chosen)), chosen.name)
    snapshot = feed.open_cached() or placeholder(chosen)
    link = Link(chosen, feed, stores)
    store = link.store_for(snapshot)
    # Deliveries are scheduled by the wall clock, even when the figures' clock is pinned.
    link.courier = Courier(source, link.store_for(snapshot), Clock(), lambda: feed.document)
    return link, snapshot, store
