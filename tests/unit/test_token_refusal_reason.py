"""What the items waiting behind a refused token say: the refusal's reason without the URL it
starts with (another item's, http:// as well as https://), the rest of the reason whole, colons
and all; a reason that names no URL is kept as it is."""

from __future__ import annotations

from pathlib import Path

import pytest

from commdash.delivery import Courier
from commdash.outbox import TOKEN_REFUSED, Reply
from commdash.sources.http import RemoteError
from commdash.sources.live import Cursor, Document, LiveSource, OutgoingReply, ProgressFn, Pulled
from commdash.store import Store
from commdash.timeutil import Clock

NOW = 1_800_000_000.0


class Refusing(LiveSource):
    """A platform that refuses the token with ``reason``."""

    location = "platform"
    requests = 0

    def __init__(self, reason: str) -> None:
        self.reason = reason

    def pull(self, previous: Document | None, cursor: Cursor, progress: ProgressFn) -> Pulled:
        return Pulled(None, cursor)

    def send_reply(self, reply: OutgoingReply, document: Document) -> str:
        raise RemoteError(self.reason, refused=True)

    def matching_replies(self, reply: OutgoingReply, document: Document) -> list[str] | None:
        return None

    def use_token(self, token: str | None) -> None:
        pass

    def close(self) -> None:
        pass


@pytest.mark.parametrize(
    ("reason", "told"),
    [
        (
            "http://127.0.0.1:8080/api/replies: HTTP 401, the server wants a token and none "
            "was given; set $COMMDASH_TOKEN, or token_env for this source in the config",
            "HTTP 401, the server wants a token and none was given; set $COMMDASH_TOKEN, or "
            "token_env for this source in the config",
        ),
        (
            "https://graph.example/v19.0/1_2/comments: HTTP 403: (#200) Permissions error: "
            "pages_manage_engagement",
            "HTTP 403: (#200) Permissions error: pages_manage_engagement",
        ),
        ("HTTP 401: token refused", "HTTP 401: token refused"),
    ],
)
def test_the_items_behind_a_refusal_give_its_reason_without_its_url(
    tmp_path: Path, reason: str, told: str
) -> None:
    store = Store(tmp_path)
    refused, waiting = (Reply.new("c1", "c1", f"reply {n}", NOW + n) for n in range(2))
    store.queue_reply(refused)
    store.queue_reply(waiting)
    Courier(Refusing(reason), store, Clock(NOW + 5), lambda: {}, owner="me").deliver_due()
    errors = {item.id: item.error for item in store.replies()}
    assert errors == {
        refused.id: f"{TOKEN_REFUSED} ({reason})",
        waiting.id: f"{TOKEN_REFUSED} ({told})",
    }
