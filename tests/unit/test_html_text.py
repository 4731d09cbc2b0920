"""Mastodon's HTML content as plain text: what a reader sees, mentions as full accts, data
kept as data, and never an exception or a hang on hostile input."""

from __future__ import annotations

import time

import pytest

from commdash.sources.html_text import MAX_HTML_CHARS, html_to_text

# The shapes below are copied from the recorded samples (shared/formats/samples/mastodon_api).
SAMPLE_MENTION = (
    '<p><span class="h-card" translate="no"><a href="http://localhost:3000/@mastodonpy_test" '
    'class="u-url mention">@<span>mastodonpy_test</span></a></span> hello!</p>'
)
SAMPLE_LINK = (
    '<p><a href="https://halcy.de/" target="_blank" rel="nofollow noopener" translate="no">'
    '<span class="invisible">https://</span><span class="">halcy.de/</span>'
    '<span class="invisible"></span></a> ~ Local account.</p>'
)
LONG_LINK = (
    '<a href="https://example.org/a/very/long/path?x=1" rel="nofollow noopener" '
    'target="_blank"><span class="invisible">https://</span><span class="ellipsis">'
    'example.org/a/very/lo</span><span class="invisible">ng/path?x=1</span></a>'
)


def test_paragraphs_are_separated_by_a_blank_line_and_br_is_a_newline() -> None:
    content = "<p>First line<br>second line<br />third</p><p>Next paragraph</p>"
    assert html_to_text(content) == "First line\nsecond line\nthird\n\nNext paragraph"


def test_whitespace_between_tags_is_not_text() -> None:
    content = "<p>one  two\n three</p>\n\n<p>\n  four </p>\n"
    assert html_to_text(content) == "one two three\n\nfour"


def test_a_mention_becomes_the_full_acct_from_the_mentions_list() -> None:
    mentions = [
        {
            "id": "117020565966271181",
            "username": "mastodonpy_test",
            "url": "http://localhost:3000/@mastodonpy_test",
            "acct": "mastodonpy_test@example.org",
        }
    ]
    assert html_to_text(SAMPLE_MENTION, mentions) == "@mastodonpy_test@example.org hello!"


def test_a_mention_not_in_the_list_keeps_its_link_text() -> None:
    assert html_to_text(SAMPLE_MENTION) == "@mastodonpy_test hello!"
    assert html_to_text(SAMPLE_MENTION, "not a list") == "@mastodonpy_test hello!"
    assert html_to_text(SAMPLE_MENTION, [None, 3, {"acct": 5}]) == "@mastodonpy_test hello!"


def test_a_mention_whose_href_differs_is_found_by_its_user_name() -> None:
    content = (
        '<p><a href="https://remote.example/users/bob" class="u-url mention">'
        "@<span>bob</span></a> hi</p>"
    )
    mentions = [{"url": "https://remote.example/@bob", "acct": "bob@remote.example"}]
    assert html_to_text(content, mentions) == "@bob@remote.example hi"


def test_a_user_name_shared_by_two_mentions_is_not_guessed() -> None:
    content = '<p><a href="https://x/users/bob" class="u-url mention">@<span>bob</span></a></p>'
    mentions = [
        {"url": "https://a.example/@bob", "acct": "bob@a.example", "username": "bob"},
        {"url": "https://b.example/@bob", "acct": "bob@b.example", "username": "bob"},
    ]
    assert html_to_text(content, mentions) == "@bob"


def test_hashtags_and_links_keep_their_text() -> None:
    content = (
        '<p>Join <a href="https://m.example/tags/meetup" class="mention hashtag" rel="tag">'
        "#<span>meetup</span></a> at " + LONG_LINK + "</p>"
    )
    assert html_to_text(content) == "Join #meetup at https://example.org/a/very/long/path?x=1"


def test_a_shortened_link_from_the_samples_keeps_its_full_url() -> None:
    assert html_to_text(SAMPLE_LINK) == "https://halcy.de/ ~ Local account."


def test_entities_are_unescaped_once() -> None:
    content = (
        "<p>Fish &amp; chips &lt;b&gt;not bold&lt;/b&gt; &quot;q&quot; &#39;s&#39; &amp;lt;</p>"
    )
    assert html_to_text(content) == "Fish & chips <b>not bold</b> \"q\" 's' &lt;"


def test_other_tags_are_dropped_and_their_text_kept() -> None:
    content = "<p><strong>Bold</strong> <em>it</em> <code>x = 1</code> <del>gone</del></p>"
    assert html_to_text(content) == "Bold it x = 1 gone"


def test_lists_quotes_and_preformatted_text_keep_their_lines() -> None:
    content = (
        "<p>Steps:</p><ul><li>one</li><li>two</li></ul>"
        "<blockquote>quoted</blockquote><pre>  a\n  b</pre>"
    )
    assert html_to_text(content) == "Steps:\n\none\ntwo\n\nquoted\n\n  a\n  b"


def test_script_and_style_contents_are_not_text() -> None:
    assert html_to_text("<p>a<script>alert(1)</script>b<style>p{}</style>c</p>") == "abc"


def test_markup_and_escape_sequences_stay_as_data() -> None:
    content = "<p>[bold]x[/] \x1b[31mred\x1b[0m \u202eevil</p>"
    assert html_to_text(content) == "[bold]x[/] \x1b[31mred\x1b[0m \u202eevil"


def test_plain_text_without_tags_is_kept() -> None:
    assert html_to_text("just text, 1 < 2 > 0") == "just text, 1 < 2 > 0"


@pytest.mark.parametrize("content", [None, 5, 1.5, True, [], {}, b"<p>x</p>", ""])
def test_anything_but_a_string_is_no_text(content: object) -> None:
    assert html_to_text(content) == ""


@pytest.mark.parametrize(
    "content",
    [
        "<p>unclosed <a href='x' class='mention'>@<span>bob",
        "</p></p></a></span>text",
        "<p <a =<b>x",
        "<<<>>>",
        "<!-- never closed",
        "<![CDATA[x]]>",
        "&#0;&#xD800;&#99999999999;&bogus;",
        '<a href="x>y</a>',
        "<script>never closed",
        "<a" + " x" * 500,
    ],
)
def test_broken_html_gives_text_and_no_exception(content: str) -> None:
    assert isinstance(html_to_text(content), str)


def test_unclosed_link_text_is_kept() -> None:
    assert html_to_text("<p>see <a href='https://x.example'>https://x.example") == (
        "see https://x.example"
    )


def test_deep_nesting_is_fine() -> None:
    depth = 30_000  # within MAX_HTML_CHARS
    content = "<span><a href='x'>" * depth + "deep" + "</a></span>" * depth
    assert html_to_text(content) == "deep"


@pytest.mark.parametrize(
    "piece", ["<", "<!--", "<a", "</", "<!", "<?", "<p>", "<br>", "&", "<a b='", "x "]
)
def test_huge_hostile_input_is_quick(piece: str) -> None:
    content = piece * (MAX_HTML_CHARS // len(piece) + 10)
    started = time.perf_counter()
    text = html_to_text(content)
    assert time.perf_counter() - started < 3.0
    assert len(text) <= MAX_HTML_CHARS


def test_input_beyond_the_limit_is_cut() -> None:
    text = html_to_text("<p>" + "x" * (MAX_HTML_CHARS + 100) + "</p>")
    assert len(text) == MAX_HTML_CHARS - len("<p>")


def test_many_mentions_and_many_links_are_quick() -> None:
    mentions = [
        {"url": f"https://x.example/@u{n}", "acct": f"u{n}@x.example", "username": f"u{n}"}
        for n in range(50_000)
    ]
    link = '<a href="https://y.example/users/u7" class="u-url mention">@<span>u7</span></a> '
    started = time.perf_counter()
    text = html_to_text("<p>" + link * 10_000 + "</p>", mentions)
    assert time.perf_counter() - started < 3.0
    assert text.startswith("@u7@x.example @u7@x.example")
