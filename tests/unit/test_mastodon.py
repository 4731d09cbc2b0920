"""The Mastodon source against a fake Mastodon on 127.0.0.1 (real HTTP, no mocks)."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import orjson
import pytest
from servers.base import DROP, Response
from servers.mastodon import FakeMastodon

from commdash.config import ConfigError, load_config
from commdash.link import make_source
from commdash.model import Conversation, Snapshot
from commdash.outbox import Reply
from commdash.sources import mastodon as mastodon_module
from commdash.sources import pull as pull_module
from commdash.sources.http import RemoteError
from commdash.sources.live import Progress, Pulled
from commdash.sources.mastodon import MastodonSource, comparable_text, mentions_acct
from commdash.sources.native import read_native
from commdash.timeutil import iso

NOTIFICATIONS = "/api/v1/notifications"
CONTEXT = "/api/v1/statuses/"


@pytest.fixture
def fake() -> Iterator[FakeMastodon]:
    with FakeMastodon().running() as server:
        yield server


@pytest.fixture
def source(fake: FakeMastodon) -> Iterator[MastodonSource]:
    opened = MastodonSource(fake.url, fake.token)
    yield opened
    opened.close()


def pull(
    source: MastodonSource,
    previous: dict[str, Any] | None = None,
    cursor: dict[str, Any] | None = None,
    log: list[Progress] | None = None,
) -> Pulled:
    return source.pull(previous, cursor or {}, (log if log is not None else []).append)


def document(pulled: Pulled) -> dict[str, Any]:
    assert pulled.document is not None
    return pulled.document


def snapshot(pulled: Pulled) -> Snapshot:
    read = read_native(document(pulled), "mastodon", "mastodon", time.time())
    assert read.skipped == ()
    return read


def conversations(read: Snapshot) -> dict[str, Conversation]:
    assert isinstance(read.conversations, tuple)
    return {c.id: c for c in read.conversations}


def posts(pulled: Pulled) -> dict[str, dict[str, Any]]:
    return {post["id"]: post for post in document(pulled)["posts"]}


def costs(source: MastodonSource, *args: Any) -> tuple[Pulled, int]:
    before = source.requests
    pulled = pull(source, *args)
    return pulled, source.requests - before


def notification(
    number: int, status: Any, kind: str = "mention", created_at: Any = "2026-11-20T09:00:00.000Z"
) -> dict[str, Any]:
    return {"id": str(number), "type": kind, "created_at": created_at, "status": status}


def link_to(fake: FakeMastodon, max_id: str) -> dict[str, str]:
    url = f"{fake.url}{NOTIFICATIONS}?max_id={max_id}&types%5B%5D=mention"
    return {"Link": f'<{url}>; rel="next"'}


# -- mapping ------------------------------------------------------------------------------


def test_a_first_pull_maps_our_posts_and_the_threads_we_are_mentioned_in(
    fake: FakeMastodon, source: MastodonSource
) -> None:
    post = fake.add_status("Meetup on Friday!\n\nQuestions welcome", favourites=3, reblogs=2)
    question = fake.mention("alice@example.org", "When does it start?", in_reply_to=post["id"])
    answer = fake.add_status("@alice@example.org at 6pm", in_reply_to=question["id"])
    lone = fake.mention("bob", "Is the shop open?")
    pulled = pull(source)
    by_id = posts(pulled)
    assert list(by_id) == [post["id"], lone["id"]]
    ours = by_id[post["id"]]
    assert ours["channel"] == "@brand"
    assert ours["text"] == "Meetup on Friday!\n\nQuestions welcome"
    assert ours["metrics"] == {"reactions": {"favourite": 3}, "shares": 2}
    assert ours["permalink"] == post["url"]
    assert [c["id"] for c in ours["comments"]] == [question["id"], answer["id"]]
    assert ours["comments"][1]["parent_id"] == question["id"]
    assert ours["comments"][0]["created_at"] == question["created_at"]
    assert ours["comments"][0]["text"] == "@brand When does it start?"
    assert ours["comments"][1]["text"] == "@alice@example.org at 6pm"
    elsewhere = by_id[lone["id"]]
    assert elsewhere["channel"] == "mentions"
    assert elsewhere["author"] == {"id": lone["account"]["id"], "name": "bob"}
    assert [c["id"] for c in elsewhere["comments"]] == [lone["id"]]
    read = snapshot(pulled)
    assert read.source.platform == "mastodon"
    assert read.source.account.id == fake.account["id"]
    assert read.source.account.name == "Brand Team"
    threads = conversations(read)
    assert set(threads) == {question["id"], lone["id"]}
    assert [m.ours for m in threads[question["id"]].messages] == [False, True]
    assert [m.ours for m in threads[lone["id"]].messages] == [False]


def test_a_thread_rooted_elsewhere_has_its_root_and_every_reply(
    fake: FakeMastodon, source: MastodonSource
) -> None:
    root = fake.add_status("Anyone tried the new app?", author="carol@example.org")
    middle = fake.add_status("@carol@example.org yes", author="dan", in_reply_to=root["id"])
    mention = fake.mention("erin@example.org", "what do you say?", in_reply_to=middle["id"])
    ours = fake.add_status("@erin@example.org we love it", in_reply_to=mention["id"])
    pulled = pull(source)
    thread = posts(pulled)[root["id"]]
    assert thread["channel"] == "mentions"
    assert thread["author"]["id"] == root["account"]["id"]
    assert [c["id"] for c in thread["comments"]] == [
        root["id"],
        middle["id"],
        mention["id"],
        ours["id"],
    ]
    messages = conversations(snapshot(pulled))[root["id"]].messages
    assert [m.depth for m in messages] == [0, 1, 2, 3]
    assert messages[-1].ours


def test_a_content_warning_is_prefixed_and_display_names_are_used(
    fake: FakeMastodon, source: MastodonSource
) -> None:
    fake.user("frank@example.org", "Frank Ocean")
    status = fake.mention("frank@example.org", "spoilers inside", spoiler="Film ending")
    comment = posts(pull(source))[status["id"]]["comments"][0]
    assert comment["text"] == "CW: Film ending\n\n@brand spoilers inside"
    assert comment["author"]["name"] == "Frank Ocean"


def test_progress_is_reported_after_every_response(
    fake: FakeMastodon, source: MastodonSource
) -> None:
    post = fake.add_status("post")
    for n in range(3):
        fake.mention(f"m{n}", "question", in_reply_to=post["id"])
    log: list[Progress] = []
    pull(source, log=log)
    assert [p.pages for p in log] == list(range(1, source.requests + 1))
    assert [p.items for p in log] == sorted(p.items for p in log)
    assert log[-1].items == 4
    assert any(p.doing == "thread 1 of 3" for p in log)


# -- paging -------------------------------------------------------------------------------


def test_mentions_are_paged_to_the_end_through_the_link_header(
    fake: FakeMastodon, source: MastodonSource
) -> None:
    for n in range(90):
        fake.mention(f"user{n}", f"question {n}")
    pulled = pull(source)
    pages = fake.requests("GET", NOTIFICATIONS)
    assert len(pages) == 4  # 40 + 40 + 10, then the empty page that ends them
    assert pages[0].query == {"types[]": ["mention"], "limit": ["40"]}
    assert pages[1].query["max_id"] == ["51"]
    assert len(document(pulled)["posts"]) == 90
    assert pulled.cursor["since"] == "90"
    assert fake.requests("GET", CONTEXT) == []  # roots without replies need no context


def test_every_mention_s_thread_is_read_however_many_there_are(
    fake: FakeMastodon, source: MastodonSource
) -> None:
    early = [fake.add_status(f"Brand post {n}") for n in range(3)]
    for n, post in enumerate(early):  # the oldest mentions: answers to our posts
        fake.mention(f"early{n}", "an early question", in_reply_to=post["id"])
    for n in range(444):
        fake.mention(f"user{n}", f"question {n}")
    pulled = pull(source)
    assert pulled.warnings == ()
    threads = posts(pulled)
    assert len(threads) == 3 + 444
    assert all(len(threads[post["id"]]["comments"]) == 1 for post in early)
    assert pulled.cursor["older"] is None


def test_a_mentions_limit_warns_naming_it_and_later_syncs_bring_the_rest(
    fake: FakeMastodon,
) -> None:
    for n in range(447):
        fake.mention(f"user{n}", f"question {n}")
    source = MastodonSource(fake.url, fake.token, max_mentions=400)
    first = pull(source)
    assert len(posts(first)) == 400
    assert len(first.warnings) == 1 and "max_mentions = 400" in first.warnings[0]
    assert "next syncs" in first.warnings[0]
    newer = [fake.mention(f"late{n}", "and now?")["id"] for n in range(5)]
    second = pull(source, first.document, first.cursor)
    assert len(posts(second)) == 452 and set(newer) <= set(posts(second))
    assert second.warnings == () and second.cursor["older"] is None
    third, cost = costs(source, second.document, second.cursor)
    assert (third.document, cost) == (None, 2)
    source.close()


def test_a_pull_that_stops_at_the_page_cap_goes_on_at_the_next(
    fake: FakeMastodon, source: MastodonSource, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(mastodon_module, "MAX_PAGES", 2)
    for n in range(90):
        fake.mention(f"user{n}", f"question {n}")
    first = pull(source)
    assert len(posts(first)) == 80 and first.cursor["older"] == "11"
    assert first.warnings == ("mentions: 2 pages read; the rest come with the next syncs",)
    second = pull(source, first.document, first.cursor)
    assert len(posts(second)) == 90  # the new ones first (none), then the older ones
    third = pull(source, second.document, second.cursor)  # the end (an empty page) seen
    assert third.document is None and third.cursor["older"] is None and third.warnings == ()


def test_max_mentions_is_read_from_the_config(tmp_path: Path, fake: FakeMastodon) -> None:
    config = tmp_path / "config.toml"
    config.write_text(
        f'[sources.m]\nkind = "mastodon"\nurl = "{fake.url}"\nmax_mentions = 40\n'
        '[sources.f]\nkind = "facebook"\npage_id = "1"\n',
        encoding="utf-8",
    )
    chosen = load_config(config).sources["m"]
    assert chosen.max_mentions == 40 and load_config(config).sources["f"].max_mentions is None
    made = make_source(chosen, offline=True)
    assert isinstance(made, MastodonSource) and made.max_mentions == 40
    made.close()
    config.write_text('[sources.f]\nkind = "facebook"\npage_id = "1"\nmax_mentions = 5\n')
    with pytest.raises(ConfigError, match=r"sources\.f\.max_mentions: only for a mastodon source"):
        load_config(config)
    config.write_text(f'[sources.m]\nkind = "mastodon"\nurl = "{fake.url}"\nmax_mentions = 0\n')
    with pytest.raises(ConfigError, match=r"sources\.m\.max_mentions: expected a whole number"):
        load_config(config)


def test_a_cursor_from_before_the_limit_was_lifted_starts_afresh(
    fake: FakeMastodon, source: MastodonSource
) -> None:
    for n in range(50):
        fake.mention(f"user{n}", f"question {n}")
    capped = MastodonSource(fake.url, fake.token, max_mentions=40)
    old = pull(capped)
    capped.close()
    old_cursor = {**old.cursor, "version": 1}
    del old_cursor["older"]  # as commdash wrote it when it stopped at 400 mentions silently
    again = pull(source, old.document, old_cursor)
    assert len(posts(again)) == 50


def test_a_repeating_link_stops_paging_with_a_warning(
    fake: FakeMastodon, source: MastodonSource
) -> None:
    status = fake.mention("alice", "hi")
    page = Response(200, [notification(7, status)], link_to(fake, "7"))
    fake.server.fail_next("GET", NOTIFICATIONS, *[page] * 5)
    pulled = pull(source)
    assert len(fake.requests("GET", NOTIFICATIONS)) == 2
    assert any("repeats" in w for w in pulled.warnings)
    assert list(posts(pulled)) == [status["id"]]


def test_a_link_with_an_odd_id_is_not_followed(fake: FakeMastodon, source: MastodonSource) -> None:
    status = fake.mention("alice", "hi")
    page = Response(200, [notification(7, status)], link_to(fake, "..%2Fadmin"))
    fake.server.fail_next("GET", NOTIFICATIONS, page)
    pull(source)
    assert len(fake.requests("GET", NOTIFICATIONS)) == 1


# -- incremental --------------------------------------------------------------------------


def test_a_poll_when_nothing_changed_costs_two_requests_and_returns_no_document(
    fake: FakeMastodon, source: MastodonSource
) -> None:
    post = fake.add_status("post")
    fake.mention("alice", "question", in_reply_to=post["id"])
    fake.mention("bob", "elsewhere")
    first = pull(source)
    again, cost = costs(source, first.document, first.cursor)
    assert cost == 2
    assert again.document is None
    assert again.cursor == first.cursor


def test_a_new_mention_refetches_only_its_thread(
    fake: FakeMastodon, source: MastodonSource
) -> None:
    posts_made = [fake.add_status(f"post {n}") for n in range(3)]
    questions = [fake.mention(f"u{n}", "q", in_reply_to=p["id"]) for n, p in enumerate(posts_made)]
    first = pull(source)
    fake.server.log.clear()
    follow_up = fake.mention("u1", "and another thing", in_reply_to=questions[1]["id"])
    second, cost = costs(source, first.document, first.cursor)
    assert cost == 4  # own statuses, the new mention, the empty page after it, one context
    contexts = fake.requests("GET", CONTEXT)
    assert [r.path for r in contexts] == [f"{CONTEXT}{posts_made[1]['id']}/context"]
    assert fake.requests("GET", NOTIFICATIONS)[0].query["min_id"] == [first.cursor["since"]]
    by_id = posts(second)
    assert [c["id"] for c in by_id[posts_made[1]["id"]]["comments"]][-1] == follow_up["id"]
    assert by_id[posts_made[0]["id"]] == posts(first)[posts_made[0]["id"]]
    assert second.cursor["since"] == str(int(first.cursor["since"]) + 1)


def test_a_mention_in_a_known_thread_rooted_elsewhere_keeps_the_root(
    fake: FakeMastodon, source: MastodonSource
) -> None:
    root = fake.mention("alice", "first")
    first = pull(source)
    reply = fake.mention("bob", "second", in_reply_to=root["id"])
    second, cost = costs(source, first.document, first.cursor)
    assert cost == 4
    assert [c["id"] for c in posts(second)[root["id"]]["comments"]] == [root["id"], reply["id"]]


def test_changed_counts_of_our_posts_make_a_new_document(
    fake: FakeMastodon, source: MastodonSource
) -> None:
    post = fake.add_status("post")
    first = pull(source)
    post["favourites_count"] = 5
    second, cost = costs(source, first.document, first.cursor)
    assert cost == 2
    assert posts(second)[post["id"]]["metrics"]["reactions"] == {"favourite": 5}


def test_a_reply_that_does_not_mention_us_is_seen_through_the_reply_count(
    fake: FakeMastodon, source: MastodonSource
) -> None:
    post = fake.add_status("post")
    first = pull(source)
    quiet = fake.add_status("no mention here", author="zoe", in_reply_to=post["id"])
    second, cost = costs(source, first.document, first.cursor)
    assert cost == 3  # own statuses, no new mention, the post's context
    assert [c["id"] for c in posts(second)[post["id"]]["comments"]] == [quiet["id"]]
    fake.delete_status(quiet["id"])
    third = pull(source, second.document, second.cursor)
    assert posts(third)[post["id"]]["comments"] == []


def test_our_replies_in_our_own_thread_are_comments_not_posts(
    fake: FakeMastodon, source: MastodonSource
) -> None:
    post = fake.add_status("Part one")
    first = pull(source)
    more = fake.add_status("Part two", in_reply_to=post["id"])
    second = pull(source, first.document, first.cursor)
    assert list(posts(second)) == [post["id"]]
    assert [c["id"] for c in posts(second)[post["id"]]["comments"]] == [more["id"]]


def test_an_answer_that_is_not_json_is_a_transient_error(
    fake: FakeMastodon, source: MastodonSource
) -> None:
    fake.server.fail_next("GET", NOTIFICATIONS, Response(200, b"<html>maintenance</html>"))
    with pytest.raises(RemoteError, match="not JSON") as caught:
        pull(source)
    assert caught.value.transient


def test_a_new_post_of_ours_appears(fake: FakeMastodon, source: MastodonSource) -> None:
    first = pull(source)
    post = fake.add_status("new post")
    second = pull(source, first.document, first.cursor)
    assert list(posts(second)) == [post["id"]]


def test_a_cursor_of_another_account_starts_afresh(
    fake: FakeMastodon, source: MastodonSource
) -> None:
    fake.mention("alice", "hi")
    first = pull(source)
    cursor = {**first.cursor, "account": {**first.cursor["account"], "id": "999"}}
    second, cost = costs(source, first.document, cursor)
    assert cost == 4  # the account again, own statuses, mentions and their end
    assert second.document is not None


# -- deleted and malformed ----------------------------------------------------------------


def test_a_mention_whose_status_was_deleted_is_skipped_with_a_warning(
    fake: FakeMastodon, source: MastodonSource
) -> None:
    gone = fake.mention("alice", "oops")
    kept = fake.mention("bob", "still here")
    fake.delete_status(gone["id"])
    pulled = pull(source)
    assert list(posts(pulled)) == [kept["id"]]
    assert pulled.warnings == ("mention '1': its status was deleted; skipped",)
    assert pulled.cursor["since"] == "2"


def test_a_thread_deleted_meanwhile_is_skipped(fake: FakeMastodon, source: MastodonSource) -> None:
    post = fake.add_status("post")
    fake.mention("alice", "q", in_reply_to=post["id"])
    fake.server.fail_next("GET", CONTEXT, Response(404, {"error": "Record not found"}))
    pulled = pull(source)
    assert posts(pulled)[post["id"]]["comments"] == []
    assert any("gone" in w for w in pulled.warnings)
    assert len(fake.requests("GET", CONTEXT)) == 1  # not asked again in the same pull
    again = pull(source, pulled.document, pulled.cursor)
    assert len(posts(again)[post["id"]]["comments"]) == 1  # the next pull tries again


def test_a_thread_reused_says_again_what_it_lacks(
    fake: FakeMastodon, source: MastodonSource
) -> None:
    post, unreadable = fake.thread_with_an_unreadable_reply()
    first = pull(source)
    assert first.warnings == (f"status '{unreadable['id']}': no author; skipped",)

    second, cost = costs(source, first.document, first.cursor)
    assert (second.document, cost) == (None, 2)  # the thread is not read again...
    assert (second.warnings, second.unlisted) == (first.warnings, 0)  # ...nor forgotten
    fake.mention("bob", "elsewhere")
    third = pull(source, first.document, second.cursor)
    assert third.document is not None and len(posts(third)) == 2
    assert third.warnings == first.warnings

    unreadable["account"] = fake.user("zed")  # mended, and the thread read again
    fake.mention("carol", "me too", in_reply_to=post["id"])
    fourth = pull(source, third.document, third.cursor)
    assert fourth.warnings == ()
    assert unreadable["id"] in {c["id"] for c in posts(fourth)[post["id"]]["comments"]}


def test_a_cursor_that_kept_no_warnings_starts_afresh(
    fake: FakeMastodon, source: MastodonSource
) -> None:
    fake.thread_with_an_unreadable_reply()
    first = pull(source)
    old_cursor = {**first.cursor, "version": 2}
    old_cursor.pop("warnings", None)  # as commdash wrote it before warnings were kept
    again, cost = costs(source, first.document, old_cursor)
    assert cost == 5  # account, own statuses, mentions and their end, the thread
    assert again.warnings == first.warnings


def test_a_page_that_is_not_a_list_stops_paging_and_the_rest_loads(
    fake: FakeMastodon, source: MastodonSource
) -> None:
    post = fake.add_status("post")
    fake.server.fail_next("GET", NOTIFICATIONS, Response(200, {"unexpected": "object"}))
    pulled = pull(source)
    assert list(posts(pulled)) == [post["id"]]
    assert pulled.warnings == ("notifications page 1: not a list (an object); stopped",)
    assert len(fake.requests("GET", NOTIFICATIONS)) == 1


def test_own_statuses_that_are_not_a_list_keep_the_last_ones(
    fake: FakeMastodon, source: MastodonSource
) -> None:
    post = fake.add_status("post")
    first = pull(source)
    fake.server.fail_next("GET", "/api/v1/accounts/", Response(200, "nonsense"))
    second = pull(source, first.document, first.cursor)
    assert second.document is None  # nothing else changed: the last posts stand
    assert second.cursor["own"] == [post["id"]]
    assert any("own statuses" in w for w in second.warnings)


def test_malformed_items_are_skipped_with_warnings_and_the_rest_loads(
    fake: FakeMastodon, source: MastodonSource
) -> None:
    good = fake.mention("alice", "fine")
    no_created = {**fake.mention("bob", "x"), "created_at": None}
    page = [
        notification(20, good),
        "not an object",
        None,
        {"type": "mention", "status": good},
        notification(19, no_created),
        notification(18, ["a", "list"]),
        notification(17, {"id": None, "created_at": "2026-11-20T09:00:00.000Z"}),
        notification(16, good, kind="favourite"),
        notification(15, good, created_at=None),
    ]
    fake.server.fail_next("GET", NOTIFICATIONS, Response(200, page))
    pulled = pull(source)
    assert list(posts(pulled)) == [good["id"]]
    assert len(pulled.warnings) == 7
    assert all("\n" not in w for w in pulled.warnings)
    snapshot(pulled)


def test_hostile_shapes_do_not_crash_and_stay_data(
    fake: FakeMastodon, source: MastodonSource
) -> None:
    markup = "<p>[bold]x[/] \x1b[31mred\x1b]0;title\x07 " + "y" * 200_000 + "</p>"
    post = fake.add_status("post")
    hostile = fake.mention("mallory", "hi", in_reply_to=post["id"], content=markup)
    weird_replies: list[Any] = [
        {**hostile, "id": "9" * 25, "content": 12, "mentions": {"a": 1}, "account": "nobody"},
        {**hostile, "id": "9" * 26, "account": {"id": True}, "in_reply_to_id": ["x"]},
        {**hostile, "id": "9" * 27, "spoiler_text": 5, "favourites_count": "many"},
        {**hostile, "id": "9" * 28, "account": {"id": 42, "display_name": None, "acct": 7}},
        {**hostile, "id": "9" * 29, "created_at": 1_800_000_000},
        {**hostile, "id": "../../x", "in_reply_to_id": hostile["id"]},
        [],
        "status",
    ]
    fake.server.fail_next(
        "GET",
        CONTEXT,
        Response(200, {"ancestors": "nope", "descendants": [hostile, *weird_replies]}),
    )
    pulled = pull(source)
    comments = {c["id"]: c for c in posts(pulled)[post["id"]]["comments"]}
    assert comments[hostile["id"]]["text"].startswith("[bold]x[/] \x1b[31mred\x1b]0;title\x07 y")
    assert comments["9" * 27]["text"].startswith("[bold]x[/]")
    assert comments["9" * 28]["author"] == {"id": "42", "name": "42"}
    assert "9" * 25 not in comments and "9" * 26 not in comments
    assert len(pulled.warnings) == 4
    read = snapshot(pulled)
    texts = [m.text for c in conversations(read).values() for m in c.messages]
    assert all("\x1b" not in text for text in texts)  # the native reader sanitised them


@pytest.mark.parametrize(
    "body",
    [[], "text", 12, {"ancestors": None, "descendants": None}, {"descendants": [None, 1]}],
)
def test_any_context_shape_is_survived(
    fake: FakeMastodon, source: MastodonSource, body: Any
) -> None:
    post = fake.add_status("post")
    fake.mention("alice", "q", in_reply_to=post["id"])
    fake.server.fail_next("GET", CONTEXT, Response(200, body))
    pulled = pull(source)
    assert post["id"] in posts(pulled)


@pytest.mark.parametrize("body", [[], "text", {"id": None}, {"acct": "x"}])
def test_an_account_answer_without_an_id_is_an_error(
    fake: FakeMastodon, source: MastodonSource, body: Any
) -> None:
    fake.server.fail_next("GET", "/api/v1/accounts/verify_credentials", Response(200, body))
    with pytest.raises(RemoteError, match="no account id"):
        pull(source)


def test_many_bad_items_give_a_bounded_number_of_warnings_and_are_all_counted(
    fake: FakeMastodon, source: MastodonSource
) -> None:
    fake.server.fail_next("GET", NOTIFICATIONS, Response(200, [None] * 1000))
    pulled = pull(source)
    assert len(pulled.warnings) == pull_module.MAX_PART_WARNINGS
    assert len(pulled.warnings) + pulled.unlisted == 1000
    assert all(w.endswith(": not an object; skipped") for w in pulled.warnings)


def test_skipped_mentions_beyond_the_cap_stay_counted_on_every_pull(
    fake: FakeMastodon, source: MastodonSource
) -> None:
    deleted = [fake.mention(f"user{n}", "oops")["id"] for n in range(250)]
    for status_id in deleted:
        fake.delete_status(status_id)
    first = pull(source)
    assert len(first.warnings) + first.unlisted == 250
    assert all(w.endswith(": its status was deleted; skipped") for w in first.warnings)
    second, cost = costs(source, first.document, first.cursor)  # the mentions not read again
    assert cost == 2
    assert (second.warnings, second.unlisted) == (first.warnings, first.unlisted)
    fake.delete_status(fake.mention("late", "oops")["id"])
    third = pull(source, first.document, second.cursor)
    assert len(third.warnings) + third.unlisted == 251
    assert third.warnings[-1] == "mention '251': its status was deleted; skipped"  # newest


# -- errors -------------------------------------------------------------------------------


def test_a_refused_token_is_a_permanent_one_line_error_without_the_token(
    fake: FakeMastodon,
) -> None:
    wrong = "wrong-token-abcdef0123456789"
    source = MastodonSource(fake.url, wrong)
    with pytest.raises(RemoteError) as caught:
        pull(source)
    message = str(caught.value)
    assert "HTTP 401, the token was refused" in message
    assert "\n" not in message and wrong not in message and fake.token not in message
    assert not caught.value.transient
    source.close()


def test_a_rate_limit_is_transient_with_the_wait_from_the_reset_header(
    fake: FakeMastodon, source: MastodonSource
) -> None:
    headers = {
        "x-ratelimit-limit": "300",
        "x-ratelimit-remaining": "0",
        "x-ratelimit-reset": iso(time.time() + 120),
    }
    fake.server.fail_next("GET", NOTIFICATIONS, Response(429, {"error": "Too many"}, headers))
    with pytest.raises(RemoteError) as caught:
        pull(source)
    assert caught.value.transient
    assert caught.value.retry_after is not None and 100 < caught.value.retry_after <= 120
    assert "429" in str(caught.value)


@pytest.mark.parametrize("answer", [Response(500, {"error": "boom"}), Response(503), DROP])
def test_server_failures_are_transient(
    fake: FakeMastodon, source: MastodonSource, answer: Response
) -> None:
    fake.server.fail_next("GET", "/api/v1/accounts/", answer)
    with pytest.raises(RemoteError) as caught:
        pull(source)
    assert caught.value.transient


def test_a_wrong_url_is_a_404(fake: FakeMastodon) -> None:
    source = MastodonSource(fake.url + "/not-mastodon", fake.token)
    with pytest.raises(RemoteError, match="HTTP 404") as caught:
        pull(source)
    assert not caught.value.transient
    source.close()


def test_the_token_is_never_in_the_document_cursor_or_warnings(
    fake: FakeMastodon, source: MastodonSource
) -> None:
    post = fake.add_status("post")
    fake.mention("alice", "q", in_reply_to=post["id"])
    gone = fake.mention("bob", "x")
    fake.delete_status(gone["id"])
    pulled = pull(source)
    assert pulled.warnings
    dumped = orjson.dumps([pulled.document, pulled.cursor, pulled.warnings]).decode()
    assert fake.token not in dumped
    assert source.location == fake.url
    assert fake.token not in source.location


def test_plain_http_elsewhere_than_loopback_is_refused() -> None:
    with pytest.raises(Exception, match="plain http is refused"):
        MastodonSource("http://mastodon.example", "t")


# -- replies ------------------------------------------------------------------------------


def reply_to(status: dict[str, Any], text: str) -> Reply:
    return Reply.new(status["id"], status["id"], text, time.time())


def test_a_reply_keeps_the_visibility_mentions_the_author_and_sends_the_key(
    fake: FakeMastodon, source: MastodonSource
) -> None:
    question = fake.mention("alice@example.org", "private question", visibility="private")
    first = pull(source)
    reply = reply_to(question, "Happy to help!")
    sent_id = source.send_reply(reply, document(first))
    posted = fake.requests("POST", "/api/v1/statuses")
    assert len(posted) == 1
    assert posted[0].headers["idempotency-key"] == reply.id
    assert posted[0].json() == {
        "status": "@alice@example.org Happy to help!",
        "in_reply_to_id": question["id"],
        "visibility": "private",
    }
    assert fake.statuses[sent_id]["in_reply_to_id"] == question["id"]
    second, cost = costs(source, first.document, first.cursor)
    assert cost == 2  # our reply comes with our statuses: no context is read for it
    messages = conversations(snapshot(second))[question["id"]].messages
    assert [(m.id, m.ours) for m in messages] == [(question["id"], False), (sent_id, True)]


def test_sending_the_same_reply_twice_creates_one_status(
    fake: FakeMastodon, source: MastodonSource
) -> None:
    question = fake.mention("alice", "q")
    reply = reply_to(question, "once")
    made = len(fake.statuses)
    first_id = source.send_reply(reply, {})
    assert source.send_reply(reply, {}) == first_id
    assert len(fake.statuses) == made + 1


def test_a_reply_that_already_mentions_the_author_is_not_prefixed(
    fake: FakeMastodon, source: MastodonSource
) -> None:
    question = fake.mention("alice@example.org", "q", spoiler="topic")
    source.send_reply(reply_to(question, "Thanks @alice@example.org!"), {})
    body = fake.requests("POST", "/api/v1/statuses")[0].json()
    assert body["status"] == "Thanks @alice@example.org!"
    assert body["spoiler_text"] == "topic"


@pytest.mark.parametrize("acct", ["alice\n@everyone", "a b", "", "x@y@z", "@alice"])
def test_an_author_name_that_is_not_an_acct_is_not_mentioned(
    fake: FakeMastodon, source: MastodonSource, acct: str
) -> None:
    question = fake.mention("alice@example.org", "q")
    fake.statuses[question["id"]]["account"]["acct"] = acct
    source.send_reply(reply_to(question, "Thanks!"), {})
    assert fake.requests("POST", "/api/v1/statuses")[0].json()["status"] == "Thanks!"


def test_a_reply_to_our_own_status_does_not_mention_us(
    fake: FakeMastodon, source: MastodonSource
) -> None:
    post = fake.add_status("post", visibility="unlisted")
    first = pull(source)
    source.send_reply(reply_to(post, "more details"), document(first))
    body = fake.requests("POST", "/api/v1/statuses")[0].json()
    assert body["status"] == "more details"
    assert body["visibility"] == "unlisted"


def test_replying_to_a_deleted_status_is_a_permanent_error(
    fake: FakeMastodon, source: MastodonSource
) -> None:
    question = fake.mention("alice", "q")
    fake.delete_status(question["id"])
    with pytest.raises(RemoteError, match="HTTP 404") as caught:
        source.send_reply(reply_to(question, "late"), {})
    assert not caught.value.transient
    assert fake.requests("POST") == []


def test_a_reply_to_an_id_that_is_not_a_status_id_is_refused(source: MastodonSource) -> None:
    with pytest.raises(RemoteError, match="not a Mastodon status id"):
        source.send_reply(Reply.new("c", "../../admin", "x", 0.0), {})


def test_matching_replies_are_our_answers_with_the_text(
    fake: FakeMastodon, source: MastodonSource
) -> None:
    question = fake.mention("alice@example.org", "q")
    first = pull(source)
    reply = reply_to(question, "Line one\n\nline  two")
    assert source.matching_replies(reply, document(first)) == []
    fake.add_status("@alice@example.org something else", in_reply_to=question["id"])
    fake.add_status("@brand Line one line two", author="mallory", in_reply_to=question["id"])
    assert source.matching_replies(reply, document(first)) == []
    sent_id = source.send_reply(reply, document(first))
    assert source.matching_replies(reply, document(first)) == [sent_id]
    assert source.matching_replies(reply, {}) == [sent_id]  # the account asked for when unknown
    context = f"/api/v1/statuses/{question['id']}/context"
    junk = Response(200, {"ancestors": [], "descendants": [1, None, "x", {"id": 5}]})
    fake.server.fail_next("GET", context, junk)
    assert source.matching_replies(reply, document(first)) == []  # nothing in it is ours
    fake.server.fail_next("GET", context, Response(200, {"descendants": "later"}))
    with pytest.raises(RemoteError, match="not a thread; try again later") as caught:
        source.matching_replies(reply, document(first))  # unread says nothing
    assert caught.value.transient
    fake.delete_status(question["id"])
    assert source.matching_replies(reply, document(first)) == []


def test_comparing_texts_ignores_leading_mentions_and_spacing() -> None:
    assert comparable_text("@a @b@c.example  hello\n\nworld ") == "hello world"
    assert comparable_text("hello @a") == "hello @a"
    assert mentions_acct("hi @Alice@Example.org!", "alice@example.org")
    assert not mentions_acct("hi @alice@example.org.uk", "alice@example.org")
    assert not mentions_acct("mail bob@alice", "alice")


# -- scale --------------------------------------------------------------------------------


def test_five_thousand_messages_are_served_and_read_quickly(fake: FakeMastodon) -> None:
    started = time.perf_counter()
    roots = fake.populate(threads=100, replies=4900)
    source = MastodonSource(fake.url, fake.token, max_mentions=10_000)
    pulled = pull(source)
    assert time.perf_counter() - started < 5.0
    comments = sum(len(post["comments"]) for post in document(pulled)["posts"])
    foreign = len([r for r in roots if fake.statuses[r]["account"] is not fake.account])
    assert len(document(pulled)["posts"]) == 100
    assert comments == 100 * 49 + foreign
    assert len(fake.statuses) == 5000
    snapshot(pulled)
    again, cost = costs(source, pulled.document, pulled.cursor)
    assert (again.document, cost) == (None, 2)
    source.close()


def stats(tmp_path: Path, fake: FakeMastodon, *options: str) -> subprocess.CompletedProcess[str]:
    """``commdash stats m`` run as the real program, ``m`` being ``fake`` in the config."""
    environ = {k: v for k, v in os.environ.items() if not k.startswith("COMMDASH_")}
    environ.update({"COMMDASH_CONFIG": str(tmp_path / "config.toml"), "M_TOKEN": fake.token})
    return subprocess.run(
        [sys.executable, "-m", "commdash", "stats", "m", *options],
        capture_output=True,
        text=True,
        env=environ,
        stdin=subprocess.DEVNULL,
        timeout=60,
        check=False,
    )


def test_what_a_sync_skipped_is_summarised_on_stderr_and_counted_every_time(
    tmp_path: Path, fake: FakeMastodon
) -> None:
    fake.thread_with_an_unreadable_reply()
    for n in range(11):
        fake.delete_status(fake.mention(f"user{n}", "oops")["id"])
    (tmp_path / "config.toml").write_text(
        f'[sources.m]\nkind = "mastodon"\nurl = "{fake.url}"\ntoken_env = "M_TOKEN"\n',
        encoding="utf-8",
    )
    state = ("--state-dir", str(tmp_path / "s"))
    first = stats(tmp_path, fake, "--json", *state)
    again = stats(tmp_path, fake, "--json", *state)  # incremental: every thread reused
    for done in (first, again):
        assert done.returncode == 0, done.stderr
        assert orjson.loads(done.stdout)["skipped"] == 12
        lines = done.stderr.splitlines()
        assert len(lines) == 11 and all(line.startswith("commdash: warning: ") for line in lines)
        assert lines[-1].endswith(": 2 more items skipped or repaired")
    assert len(fake.requests("GET", "/api/v1/accounts/verify_credentials")) == 1


def test_the_limit_warning_reaches_stderr(tmp_path: Path, fake: FakeMastodon) -> None:
    for n in range(45):
        fake.mention(f"user{n}", f"question {n}")
    (tmp_path / "config.toml").write_text(
        f'[sources.m]\nkind = "mastodon"\nurl = "{fake.url}"\nmax_mentions = 40\n'
        'token_env = "M_TOKEN"\n',
        encoding="utf-8",
    )
    done = stats(tmp_path, fake, "--state-dir", str(tmp_path / "s"))
    assert done.returncode == 0, done.stderr
    assert "commdash: warning: " in done.stderr and "max_mentions = 40" in done.stderr


def test_an_older_page_that_is_not_a_list_is_read_again_by_the_next_sync(
    fake: FakeMastodon, source: MastodonSource
) -> None:
    for n in range(100):  # three pages of mentions, read newest first
        fake.mention(f"user{n}", f"question {n}")
    route = fake.server.routes[("GET", NOTIFICATIONS)]
    broken = {"once": True}

    def second_page_broken_once(request: Any) -> Response:
        if request.param("max_id") is not None and broken.pop("once", False):
            return Response(200, {"unexpected": "object"})
        return route(request)

    fake.server.route("GET", NOTIFICATIONS, second_page_broken_once)
    first = pull(source)
    assert len(posts(first)) == 40  # the newest page only
    assert first.warnings == ("notifications page 2: not a list (an object); stopped",)
    again = pull(source, first.document, first.cursor)
    assert len(posts(again)) == 100  # the older ones were not given up for read
    assert again.cursor["older"] is None
