"""How long a reply may be, counted as each platform counts, where a reply to a reply lands,
and the triager refusing to queue a reply the platform would refuse for its length."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest
from _builders import ACCOUNT, NOW, conv, msg, post, snapshot

from commdash.actions import TooLongError, Triager
from commdash.inbox import Inbox
from commdash.model import SourceInfo
from commdash.replying import (
    ReplyLimit,
    grapheme_count,
    lands_under,
    mastodon_countable,
    queued_text,
    reply_limit,
    too_long,
)
from commdash.store import Store
from commdash.timeutil import Clock


def source(platform: str, limit: int | None = None) -> SourceInfo:
    return SourceInfo("Page", platform, ACCOUNT, NOW, "/nowhere.json", limit)


# -- the limits ---------------------------------------------------------------------------


def test_each_platform_has_its_limit_and_a_document_may_say_another() -> None:
    assert reply_limit(source("facebook")) == ReplyLimit(8000, "utf-16", "Facebook's")
    assert reply_limit(source("mastodon")) == ReplyLimit(500, "mastodon", "the Mastodon server's")
    assert reply_limit(source("mastodon", 11_000)) == ReplyLimit(
        11_000, "mastodon", "the Mastodon server's"
    )
    assert reply_limit(source("generic")) is None
    assert reply_limit(source("discourse", 32_000)) == ReplyLimit(
        32_000, "code points", "the source's"
    )


def test_facebook_counts_utf16_code_units() -> None:
    facebook = ReplyLimit(8000, "utf-16", "Facebook's")
    assert facebook.count("Takk!") == 5
    assert facebook.count("Takk 🚲") == 7  # beyond U+FFFF: two units
    assert facebook.count("e\u0301") == 2  # a letter and its accent


def test_other_sources_count_code_points() -> None:
    assert ReplyLimit(10, "code points", "the source's").count("Takk 🚲") == 6


@pytest.mark.parametrize(
    ("text", "length"),
    [
        ("hello", 5),
        ("see https://example.org/a/very/long/path?with=query&and=more", 4 + 23),
        ("see https://example.org/x.", 4 + 23 + 1),  # the full stop is not the URL's
        ("(https://example.org/x)", 1 + 23 + 1),
        ("@alice@example.social thanks", len("@alice thanks")),
        ("@bob thanks", len("@bob thanks")),
        ("mail me: me@example.org", len("mail me: me@example.org")),  # not a mention
        ("e\u0301te\u0301", 3),  # accents: one character each with their letter
        ("👍🏽", 1),  # a thumb with a skin tone
        ("👩\u200d👩\u200d👧 family", 8),  # a joined family is one
        ("🇳🇴🇩🇪", 2),  # two flags
        ("한국어", 3),
        ("\u1112\u1161\u11ab", 1),  # a Hangul syllable written in jamo
        ("a\r\nb", 3),
    ],
)
def test_mastodon_counts_as_its_validator(text: str, length: int) -> None:
    assert ReplyLimit(500, "mastodon", "").count(text) == length


def test_mastodon_measures_urls_and_mentions_by_what_they_stand_for() -> None:
    assert mastodon_countable("@ann@host.example hi https://x.example/p") == "@ann hi " + "x" * 23
    assert grapheme_count("") == 0


def test_too_long_says_by_how_much_in_one_line() -> None:
    facebook = reply_limit(source("facebook", 10))
    assert too_long("a" * 10, facebook) is None
    why = too_long("a" * 13, facebook)
    assert (
        why
        == "The reply is 3 characters over Facebook's limit (13 of 10): shorten it, then queue it."
    )
    assert too_long("a" * 100_000, None) is None


def test_what_is_counted_is_what_is_queued() -> None:
    assert queued_text("\n  Takk!\x1b[31m  \n\n") == "Takk!"


# -- where a reply lands ----------------------------------------------------------------


def test_on_facebook_a_reply_to_a_reply_lands_under_the_top_level_comment() -> None:
    thread = conv(
        msg("c1", NOW - 300, who="Dana"),
        msg("c2", NOW - 200, who="Lee"),
        msg("c3", NOW - 100, ours=True),
    )
    root, nested = thread.messages[0], thread.messages[1]
    assert lands_under("facebook", thread, nested) == root
    assert lands_under("facebook", thread, root) is None
    assert lands_under("mastodon", thread, nested) is None  # threads as deep as they go
    assert lands_under("generic", thread, nested) is None


# -- the triager refuses what the platform would ------------------------------------------


@pytest.fixture
def triager(tmp_path: Path) -> Triager:
    thread = conv(msg("c1", NOW - 300, who="Dana"), msg("c2", NOW - 200, who="Lee"))
    data = snapshot([post("p1")], [thread])
    data = replace(data, source=replace(data.source, reply_limit=20))
    store = Store(tmp_path / "state")
    clock = Clock(NOW)
    return Triager(Inbox(data, store.states(), store.replies(), clock, 3600.0), store, clock)


def test_a_reply_over_the_limit_is_not_queued(triager: Triager) -> None:
    with pytest.raises(TooLongError) as refused:
        triager.reply("c1", "c2", "Thanks for asking, we will be there!")
    assert str(refused.value) == (
        "The reply is 16 characters over Facebook's limit (36 of 20): shorten it, then queue it."
    )
    assert triager.store.replies() == [] and triager.inbox.replies("c1") == []
    queued = triager.reply("c1", "c2", "  Thanks, see you!\n\n")  # what is sent is counted
    assert queued.text == "Thanks, see you!"


def test_an_edit_over_the_limit_leaves_the_reply_as_it_was(triager: Triager) -> None:
    queued = triager.reply("c1", "c2", "Thanks!")
    with pytest.raises(TooLongError, match="over Facebook's limit"):
        triager.edit_reply(queued.id, "Thanks! " * 5)
    assert triager.store.replies() == [queued]
