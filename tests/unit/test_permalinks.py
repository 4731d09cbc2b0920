"""Every source fills a message's permalink when the platform gives one: commdash/v1
``permalink`` on a comment, Graph's ``permalink_url``, Mastodon's ``url``; documents without
it read as before."""

from __future__ import annotations

import time
from pathlib import Path

import orjson
from servers.graph import FakeGraph
from servers.mastodon import FakeMastodon

from commdash.model import Snapshot
from commdash.sources.graph import GraphSource
from commdash.sources.mastodon import MastodonSource
from commdash.sources.native import read_native, read_native_bytes
from commdash.sources.shelf import FileShelf, FileVersion, OnDisk

NOW = 1_764_061_200.0
LINK = "https://example.invalid/posts/p{p}?comment={c}"


def document(posts: int) -> dict[str, object]:
    """``posts`` posts of three comments: a link, none, and one that is not a URL."""
    made = []
    for p in range(posts):
        comments = [
            {"id": f"p{p}c0", "created_at": NOW, "author": "a", "permalink": LINK.format(p=p, c=0)},
            {"id": f"p{p}c1", "created_at": NOW, "author": "b", "parent_id": f"p{p}c0"},
            {"id": f"p{p}c2", "created_at": NOW, "author": "c", "permalink": "x\x1b]52;c;eA==\x07"},
        ]
        made.append({"id": f"p{p}", "created_at": NOW, "comments": comments})
    return {"format": "commdash/v1", "source": {"account": {"id": "us"}}, "posts": made}


def messages(read: Snapshot) -> dict[str, str | None]:
    """Each message's permalink, by id (read back from the file, for a shelf)."""
    found = read.conversations
    conversations = found.values() if isinstance(found, FileShelf) else found
    return {m.id: m.permalink for c in conversations for m in c.messages}


def expected(posts: int) -> dict[str, str | None]:
    links: dict[str, str | None] = {}
    for p in range(posts):
        links |= {f"p{p}c0": LINK.format(p=p, c=0), f"p{p}c1": None, f"p{p}c2": "x"}
    return links


def test_a_commdash_comment_keeps_its_permalink_read_every_way(tmp_path: Path) -> None:
    small = orjson.dumps(document(2))
    assert messages(read_native_bytes(small, "x", "x", NOW)) == expected(2)
    assert messages(read_native(orjson.loads(small), "x", "x", NOW)) == expected(2)

    path = tmp_path / "large.json"
    path.write_bytes(large := orjson.dumps(document(120)))
    on_disk = OnDisk(str(path), FileVersion.of(path.stat()))
    shelved = read_native_bytes(large, str(path), "x", NOW, shelve_as=on_disk)
    assert isinstance(shelved.conversations, FileShelf)
    assert messages(shelved) == expected(120)


def test_graph_comments_take_their_permalink_url() -> None:
    with FakeGraph().running() as fake:
        post = fake.add_post()
        top = fake.add_comment(post)
        fake.add_comment(post, "A reply", parent=top)
        source = GraphSource(fake.page_id, fake.token, fake.base_url)
        try:
            pulled = source.pull(None, {}, lambda _: None)
        finally:
            source.close()
        assert pulled.document is not None
        read = read_native(pulled.document, "graph", "graph", time.time())
        links = list(messages(read).values())
        assert links == [
            f"https://www.facebook.com/{fake.page_id}/posts/{post.partition('_')[2]}/"
            f"?comment_id={top.partition('_')[2]}",
            links[1],
        ]
        assert links[1] is not None and "&reply_comment_id=" in links[1]


def test_mastodon_statuses_take_their_url() -> None:
    with FakeMastodon().running() as fake:
        asked = fake.mention("dana@example.social", "is it on?")
        answer = fake.add_status("yes", "lee@example.social", in_reply_to=asked["id"])
        source = MastodonSource(fake.url, fake.token)
        try:
            pulled = source.pull(None, {}, lambda _: None)
        finally:
            source.close()
        assert pulled.document is not None
        read = read_native(pulled.document, "m", "m", time.time())
        links = messages(read)
        assert links[answer["id"]] == answer["url"]
        assert all(link and link.startswith(fake.url) for link in links.values())
