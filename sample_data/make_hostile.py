"""Make ``sample_data/hostile.json``: a commdash/v1 export that is valid JSON but hostile.

For manual testing (``commdash sample_data/hostile.json``) and for the test suite. Everything
FORMATS.md §1 says a reader must survive is in here: Rich/Textual markup, terminal escape
sequences (OSC 52 clipboard writes, OSC 0 window titles, OSC 8 links, CSI colours and cursor
moves, 8-bit CSI, BEL, backspaces, carriage returns), bidi overrides, lone surrogates written
as JSON escapes, zero-width characters, combining-mark pile-ups, a 300 KB comment, a thread
2,000 replies deep, parent cycles and self-parents, missing and cross-post parents, duplicate
comment and post ids, bad, naive, "+0000" and Unix-seconds timestamps, wrongly typed fields,
missing ids and authors, unknown extra fields and ``comments: null``. ``source`` stays valid.

The output is deterministic (no randomness, no wall clock) and stays under 1 MB. Python's
``json.loads`` accepts it; stricter parsers (orjson, for one) reject the lone surrogates, which
is part of the test. Stdlib only. Run from the repository root::

    python sample_data/make_hostile.py
"""

# The texts are deliberately full of confusable and invisible characters.
# ruff: noqa: RUF001

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "sample_data" / "hostile.json"

EXPORTED_AT = datetime(2026, 11, 25, 9, 0, 0, tzinfo=UTC)
ACCOUNT = {"id": "page-hostile", "name": "Hostile [b]Test[/b] Page\x1b]0;x\x07"}

# Terminal control.
ESC = "\x1b"
BEL = "\x07"
OSC52 = "\x1b]52;c;cHduZWQ=\x07"  # writes "pwned" to the clipboard
OSC0 = "\x1b]0;PWNED\x07"  # sets the window title
OSC8 = "\x1b]8;;https://evil.invalid\x1b\\click here\x1b]8;;\x1b\\"  # a hyperlink
DCS = "\x1bP1$r0m\x1b\\"
RED = "\x1b[31;1m"
RESET = "\x1b[0m"
CLEAR = "\x1b[2J\x1b[H"  # clear the screen, cursor home
CSI8 = "\x9b"  # the 8-bit CSI introducer
# Bidi and invisible characters.
RLO = "\u202e"
LRO = "\u202d"
PDF = "\u202c"
RLI = "\u2067"
PDI = "\u2069"
ZWJ = "\u200d"
ZWSP = "\u200b"


# Lone surrogates cannot go through json.dumps as characters (it would write them as escapes
# only with ensure_ascii=True, and the file would not be UTF-8 otherwise), so they are written
# as markers and replaced by their JSON escapes in the text afterwards.
def lone(code: int) -> str:
    return f"@@LONE-{code:04x}@@"


def unmark(text: str) -> str:
    for code in (0xD800, 0xDBFF, 0xDC00, 0xDFFF, 0xD83D):
        text = text.replace(lone(code), f"\\u{code:04x}")
    return text


def at(minutes_before: float) -> str:
    moment = EXPORTED_AT - timedelta(minutes=minutes_before)
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def unix(minutes_before: float) -> int:
    return int((EXPORTED_AT - timedelta(minutes=minutes_before)).timestamp())


MEMBER = {"id": "u-mallory", "name": "Mallory"}
OURS = ACCOUNT


def comment(
    cid: Any,
    text: Any,
    minutes_before: float,
    parent: Any = None,
    author: Any = MEMBER,
    **extra: Any,
) -> dict[str, Any]:
    return {
        "id": cid,
        "parent_id": parent,
        "author": author,
        "created_at": at(minutes_before),
        "text": text,
        "likes": 0,
        "hidden": False,
        **extra,
    }


def post(pid: Any, text: Any, minutes_before: float, comments: Any, **extra: Any) -> dict:
    return {
        "id": pid,
        "channel": "Hostile Channel",
        "author": ACCOUNT,
        "created_at": at(minutes_before),
        "status": "published",
        "text": text,
        "permalink": f"https://example.invalid/hostile/posts/{pid}",
        "metrics": {"reactions": {"like": 3}, "shares": 0, "reach": 100},
        "comments": comments,
        **extra,
    }


# ------------------------------------------------------------------------------------------
# h00: an ordinary post, so there is something normal to compare with.

NORMAL = post(
    "h00",
    "A perfectly normal post. Everything else in this file is out to get you.",
    600,
    [
        comment("n1", "Is the shop open on Sunday?", 500, author={"id": "u-ok", "name": "Olga"}),
        comment("n2", "No, Monday to Saturday only.", 480, parent="n1", author=OURS),
        comment("n3", "Thanks!", 470, parent="n2", author={"id": "u-ok", "name": "Olga"}),
        comment("n4", "Still waiting for my order.", 30, author={"id": "u-ok2", "name": "Per"}),
    ],
)

# ------------------------------------------------------------------------------------------
# h01: markup, escape sequences, bidi, surrogates and invisible characters.

MARKUP = [
    "[bold red]hi[/]",
    "[@click=app.quit]click me[/]",
    "[link=https://evil.invalid]x[/link]",
    "[@click=app.bell]ring[/] [@click=screen.dismiss()]close[/]",
    "stray closers [/] [/bold] [/link] and an unclosed [on red tag",
    "[b][i][u][blink][reverse]never closed",
    "\\[escaped] \\\\[bold]double-escaped[/bold]",
    "[$accent]textual variable[/] $accent $primary-darken-3",
    "[red]nested [blue]deeper [green]deepest[/green][/blue][/red]",
    ":thumbs_up: :poop: :red_circle: rich emoji codes",
    "[bold]" * 200 + "two hundred opening tags",
    "[" * 500 + "five hundred brackets" + "]" * 500,
]

ESCAPES = [
    f"clipboard write {OSC52} done",
    f"window title {OSC0} done",
    f"colours {RED}RED ALERT{RESET} and {ESC}[38;2;255;0;0mtruecolor{ESC}[0m",
    f"clear screen {CLEAR} and move {ESC}[10A{ESC}[999C{ESC}[1;1Hhere",
    f"save/restore cursor {ESC}7{ESC}[s moved {ESC}[u{ESC}8",
    f"8-bit CSI {CSI8}31mred{CSI8}0m and {CSI8}2J{CSI8}H clear",
    f"bells {BEL * 20} and an OSC with ST {ESC}]0;title{ESC}\\ end",
    "backspaces: safe\b\b\b\bEVIL and carriage return: safe text\rEVIL",
    f"hyperlink {OSC8} end",
    f"device control {DCS} and a query {ESC}[6n{ESC}[c{ESC}]11;?\x07",
    f"unterminated OSC {ESC}]0;this title never ends and swallows the rest",
    "NUL\x00 DEL\x7f VT\x0b FF\x0c NEL\x85 SO\x0e SI\x0f C1 range \x80\x9f\x9c",
    f"broken sequences {ESC}[ {ESC}[1;2;3 {ESC}]{ESC}{ESC}{ESC}[31m end, and a trailing ESC{ESC}",
    f"alternate screen {ESC}[?1049h mouse {ESC}[?1000h bracketed paste {ESC}[?2004h",
    f"keyboard injection attempt {ESC}[200~rm -rf ~{ESC}[201~",
]

BIDI_AND_INVISIBLE = [
    f"invoice{RLO}fdp.exe",
    f"{RLO}!detrevni si txet sihT{PDF} and back",
    f"{LRO}left override{PDF} {RLI}isolate{PDI} \u200f rlm \u200e lrm \u061c alm",
    f"emoji families 👨{ZWJ}👩{ZWJ}👧{ZWJ}👦 🏳️{ZWJ}🌈 🧑🏽{ZWJ}🚀 and skin tones 👍🏿",
    f"z{ZWJ}e{ZWJ}r{ZWJ}o{ZWSP}w{ZWSP}i{ZWSP}d{ZWSP}t{ZWSP}h \u2060joiner\ufeffbom\u2063",
    "Z" + "\u0336\u0337\u0335\u0334\u0321\u0322\u0327\u0328\u031b\u0300" * 60 + "algo",
    "wide: 全角テキスト ｆｕｌｌｗｉｄｔｈ 한국어 and a tab\there",
    "line\u2028separator and paragraph\u2029separator",
    "noncharacters \ufffe \uffff \ufdd0 and replacement \ufffd",
    "math bold 𝐁𝐎𝐋𝐃 and tag characters \U000e0041\U000e0042 and private use \ue000",
]

SURROGATES = [
    f"lone high surrogate {lone(0xD800)} in the middle",
    f"lone low surrogate {lone(0xDC00)} in the middle",
    f"reversed pair {lone(0xDC00)}{lone(0xD800)} and half an emoji {lone(0xD83D)}",
    f"ends with a high surrogate {lone(0xDBFF)}",
    f"{lone(0xDFFF)}starts with a low surrogate",
]

HOSTILE_AUTHORS = [
    {"id": "u-markup", "name": "[bold red]Admin[/] [@click=app.quit]Mallory[/]"},
    {"id": "u-osc", "name": f"Eve{OSC52}{OSC0}"},
    {"id": "u-csi", "name": f"{RED}Trudy{RESET}{CLEAR}"},
    {"id": "u-bidi", "name": f"{RLO}evilarT"},
    {"id": "u-zw", "name": f"{ZWSP}{ZWJ}\u2060\ufeff"},  # looks empty
    {"id": f"u-sur{lone(0xD800)}", "name": f"Sur{lone(0xDC00)}rogate"},
    {"id": "u-long", "name": "Loooo" + "o" * 5000 + "ng Name"},
    {"id": "u-nl", "name": "Multi\nLine\r\nName\tTabbed"},
    {"id": "page-hostile ", "name": "Not quite the page (trailing space in id)"},
]

texts = MARKUP + ESCAPES + BIDI_AND_INVISIBLE + SURROGATES
h01_comments = []
for i, text in enumerate(texts):
    author = HOSTILE_AUTHORS[i % len(HOSTILE_AUTHORS)]
    h01_comments.append(comment(f"x{i + 1:02d}", text, 400 - i * 7, author=author))
# A reply of ours with markup in it, and a member answer to it.
h01_comments.append(comment("x90", "[b]Our[/b] reply " + OSC0, 100, parent="x01", author=OURS))
h01_comments.append(comment("x91", f"{RED}member again{RESET}", 20, parent="x90"))
# Same id as a comment on h04 (a duplicate across posts).
h01_comments.append(comment("dup-x", "duplicate id across posts (h01 copy)", 90))

MARKUP_POST = post(
    "h01",
    f"[bold red]Markup[/] {OSC52}escapes{OSC0} {RLO}idib{PDF} {lone(0xD800)} post text\n"
    f"{CLEAR}{ESC}[5A{BEL}{CSI8}31mline two{RESET}",
    420,
    h01_comments,
    channel=f"[@click=app.quit]Channel[/]{ESC}]0;chan{BEL}",
    author={"id": "u-markup", "name": "[bold red]Admin[/]"},
    permalink=f"https://example.invalid/h01{ESC}]8;;https://evil.invalid{BEL}x{ESC}]8;;{BEL}",
)

# ------------------------------------------------------------------------------------------
# h02: one 300 KB comment (300,000 characters) among ordinary ones.

BIG_SIZE = 300_000
lines = []
n = 0
while sum(len(line) + 1 for line in lines) < 200_000:
    n += 1
    decoration = f"{RED}red{RESET}" if n % 97 == 0 else ("[bold]b[/]" if n % 89 == 0 else "")
    lines.append(f"Line {n:05d} of a very long comment: lorem ipsum dolor sit amet. {decoration}")
head = "\n".join(lines) + "\n"
BIG_TEXT = head + "A" * (BIG_SIZE - len(head) - 3) + "END"
assert len(BIG_TEXT) == BIG_SIZE

BIG_POST = post(
    "h02",
    "A post with a 300 KB comment.",
    380,
    [
        comment("big-1", "before the big one", 370),
        comment("big-2", BIG_TEXT, 360, author={"id": "u-wall", "name": "Wall of Text"}),
        comment("big-3", "reply to the big one", 350, parent="big-2", author=OURS),
        comment("big-4", "W" * 20_000, 340),  # 20,000 characters without a space
    ],
)

# ------------------------------------------------------------------------------------------
# h03: a thread 2,000 replies deep, each replying to the previous one. Members and the page
# alternate; the last message is a member's, 5 minutes before the export.

DEPTH = 2000
deep = [
    {
        "id": "deep-0000",
        "parent_id": None,
        "author": {"id": "u-deep", "name": "Deep Diver"},
        "created_at": at(DEPTH + 5),
        "text": "The root of a very deep thread",
    }
]
for i in range(1, DEPTH + 1):
    deep.append(
        {
            "id": f"deep-{i:04d}",
            "parent_id": f"deep-{i - 1:04d}",
            "author": OURS if i % 2 else {"id": "u-deep", "name": "Deep Diver"},
            "created_at": at(DEPTH + 5 - i),
            "text": f"reply {i}",
        }
    )
DEEP_POST = post("h03", "A thread 2,000 replies deep.", DEPTH + 10, deep)

# ------------------------------------------------------------------------------------------
# h04: broken threads.

THREADS_POST = post(
    "h04",
    "Parents that form cycles, point nowhere or point to another post; duplicate ids.",
    300,
    [
        comment("cyc-a", "a: my parent is b", 290, parent="cyc-b"),
        comment("cyc-b", "b: my parent is a", 289, parent="cyc-a"),
        comment("cyc-child", "child of the a-b cycle", 288, parent="cyc-a", author=OURS),
        comment("self", "I am my own parent", 287, parent="self"),
        comment("tri-a", "three-cycle a → c", 286, parent="tri-c"),
        comment("tri-b", "three-cycle b → a", 285, parent="tri-a"),
        comment("tri-c", "three-cycle c → b", 284, parent="tri-b"),
        comment("orphan", "my parent does not exist", 283, parent="no-such-comment"),
        comment("cross", "my parent is on post h01", 282, parent="x01"),
        comment("cross-deep", "my parent is on post h03", 281, parent="deep-1000"),
        comment("dup-1", "first comment with id dup-1", 280),
        comment("dup-1", "second comment with id dup-1", 279),
        comment("dup-1", "third dup-1, replying to dup-1", 278, parent="dup-1"),
        comment("dup-x", "duplicate id across posts (h04 copy)", 277),
        comment("early", "a reply older than its parent", 400, parent="late"),
        comment("late", "the parent of an older reply", 200),
        comment("pnum", "parent_id is a number", 199, parent=42),
        comment("pobj", "parent_id is an object", 198, parent={"id": "cyc-a"}),
        comment("pempty", "parent_id is an empty string", 197, parent=""),
        comment("plist", "parent_id is a list", 196, parent=["cyc-a"]),
    ],
)

# ------------------------------------------------------------------------------------------
# h05: badly typed and missing fields, all timestamp forms.


def field_case(cid: str, note: str, **fields: Any) -> dict[str, Any]:
    base = comment(cid, note, 100)
    for key, value in fields.items():
        if value is MISSING:
            del base[key]
        else:
            base[key] = value
    return base


MISSING = object()

FIELDS_POST = post(
    "h05",
    "Comments with bad, missing and oddly typed fields.",
    250,
    [
        field_case("t-word", "created_at: 'yesterday'", created_at="yesterday"),
        field_case("t-range", "created_at out of range", created_at="2026-13-45T99:99:99Z"),
        field_case("t-null", "created_at: null", created_at=None),
        field_case("t-huge", "created_at: 1e30", created_at=1e30),
        field_case("t-neg", "created_at: -1e12", created_at=-1e12),
        field_case("t-bool", "created_at: true", created_at=True),
        field_case("t-empty", "created_at: ''", created_at=""),
        field_case("t-missing", "no created_at at all", created_at=MISSING),
        field_case("t-naive", "naive time, read as UTC", created_at="2026-11-25T08:00:00"),
        field_case("t-0000", "Graph API +0000 offset", created_at="2026-11-25T08:10:00+0000"),
        field_case("t-offset", "+05:30 offset", created_at="2026-11-25T13:50:00+05:30"),
        field_case("t-ms", "milliseconds", created_at="2026-11-25T08:15:00.123Z"),
        field_case("t-space", "space instead of T", created_at="2026-11-25 08:20:00Z"),
        field_case("t-unix", "Unix seconds", created_at=unix(35)),
        field_case("t-unixf", "Unix seconds with a fraction", created_at=unix(33) + 0.75),
        field_case("t-unixs", "Unix seconds as a string", created_at=str(unix(31))),
        field_case("t-future", "far future", created_at="9999-12-31T23:59:59Z"),
        field_case("t-past", "year 1", created_at="0001-01-01T00:00:00Z"),
        field_case("t-long", "a 5,000-character timestamp", created_at="2026" + "9" * 4996),
        field_case("a-missing", "no author", author=MISSING),
        field_case("a-null", "author: null", author=None),
        field_case("a-string", "author is a string", author="Just A String"),
        field_case("a-empty", "author: {}", author={}),
        field_case("a-noid", "author without id", author={"name": "No Id"}),
        field_case("a-types", "author id a number, name null", author={"id": 123, "name": None}),
        field_case("a-list", "author is a list", author=["u1", "Name"]),
        field_case("l-string", "likes: '5'", likes="5"),
        field_case("l-neg", "likes: -3", likes=-3),
        field_case("l-float", "likes: 1e30", likes=1e30),
        field_case("l-bigint", "likes: 10**40", likes=10**40),
        field_case("l-bool", "likes: true", likes=True),
        field_case("l-null", "likes: null", likes=None),
        field_case("x-number", 12345),
        field_case("x-float", 3.14),
        field_case("x-null", None),
        field_case("x-list", ["a", "list", "of", "strings"]),
        field_case("x-object", {"text": "an object"}),
        field_case("x-bool", False),
        field_case("x-missing", "", text=MISSING),
        field_case("h-string", "hidden: 'yes'", hidden="yes"),
        field_case("h-number", "hidden: 1", hidden=1),
        field_case("h-null", "hidden: null", hidden=None),
        field_case("i-missing", "no id", id=MISSING),
        field_case("i-null", "id: null", id=None),
        field_case("i-number", "id is a number", id=7),
        field_case("i-empty", "id is an empty string", id=""),
        field_case(
            "u-extra",
            "unknown extra fields",
            reactions_breakdown={"like": 2, "angry": 1},
            attachments=[{"type": "photo", "url": "https://example.invalid/x.jpg"}],
            __proto__={"polluted": True},
            constructor="Object",
            nested={"a": {"b": {"c": {"d": [1, 2, {"e": None}]}}}},
        ),
        "a comment that is a string",
        None,
        42,
        [],
        {},
    ],
)

# ------------------------------------------------------------------------------------------
# Broken posts.

NO_ID_POST = post("(no id)", "A post without an id.", 240, [comment("noid-c1", "orphaned?", 230)])
del NO_ID_POST["id"]

DUPLICATE_POST = post(
    "h01",
    "A second post with id h01.",
    230,
    [comment("dup-post-c1", "a comment on the duplicate post h01", 220)],
)

NULL_COMMENTS_POST = post("h06", "A post with comments: null.", 220, None)

MISSING_COMMENTS_POST = post("h07", "A post without a comments field.", 215, [])
del MISSING_COMMENTS_POST["comments"]

COMMENTS_NOT_LIST = post("h08", "A post whose comments is an object.", 212, {"c1": "x"})

BAD_METRICS_POST = post(
    "h09",
    "A post with odd metrics: reach 0, negative counts, strings.",
    210,
    [comment("m1", "engagement rate must not divide by zero", 200)],
    metrics={
        "reactions": {
            "like": "12",
            "love": -5,
            "wow": 1e30,
            "[bold]markup[/]": 3,
            f"{RED}escape{RESET}": 2,
            "care": None,
        },
        "shares": "many",
        "reach": 0,
        "impressions": -1,
        "unknown_metric": {"x": 1},
    },
)

METRICS_NULL_POST = post("h10", "metrics: null and reach as a string.", 205, [], metrics=None)
METRICS_STRING_POST = post(
    "h11", "reactions as a list.", 204, [], metrics={"reactions": ["like", 5], "reach": "100"}
)

BAD_POST_FIELDS = post(
    "h12",
    12345,  # text is a number
    200,
    [comment("bp1", "a comment on a post with bad fields", 190)],
    status="unknown-status",
    created_at="yesterday",
    channel=42,
    author="A string author",
    scheduled_at="not a time",
    permalink=["not", "a", "string"],
)

TIMES_POSTS = [
    post("h13", "created_at: naive", 0, [], created_at="2026-11-24T12:00:00"),
    post("h14", "created_at: +0000", 0, [], created_at="2026-11-24T12:05:00+0000"),
    post("h15", "created_at: Unix seconds", 0, [], created_at=unix(1000)),
    post(
        "h16",
        "scheduled, with a Unix scheduled_at",
        0,
        [],
        status="scheduled",
        created_at="2026-11-24T12:10:00Z",
        scheduled_at=unix(-600),
    ),
    post("h17", "created_at missing", 0, []),
]
del TIMES_POSTS[-1]["created_at"]

NOT_POSTS = [None, "a post that is a string", 42, [], {}]

DOCUMENT = {
    "format": "commdash/v1",
    "x-generator": {"name": "make_hostile.py", "unknown": ["fields", {"are": "ignored"}]},
    "source": {
        "name": "Hostile test data",
        "platform": "facebook",
        "account": ACCOUNT,
        "x-unknown": True,
    },
    "exported_at": EXPORTED_AT.strftime("%Y-%m-%dT%H:%M:%SZ"),
    "posts": [
        NORMAL,
        MARKUP_POST,
        BIG_POST,
        DEEP_POST,
        THREADS_POST,
        FIELDS_POST,
        NO_ID_POST,
        DUPLICATE_POST,
        NULL_COMMENTS_POST,
        MISSING_COMMENTS_POST,
        COMMENTS_NOT_LIST,
        BAD_METRICS_POST,
        METRICS_NULL_POST,
        METRICS_STRING_POST,
        BAD_POST_FIELDS,
        *TIMES_POSTS,
        *NOT_POSTS,
    ],
}


def main() -> None:
    text = unmark(json.dumps(DOCUMENT, ensure_ascii=False, indent=1)) + "\n"
    assert "@@LONE-" not in text
    parsed = json.loads(text)  # still JSON, with the lone surrogates in it
    assert "\ud800" in parsed["posts"][1]["text"]
    data = text.encode("utf-8")
    assert len(data) < 1_000_000, len(data)
    OUT.write_bytes(data)
    print(f"wrote {OUT.relative_to(ROOT)} ({len(data):,} bytes)")
    print(f"posts: {len(parsed['posts'])} entries (some are not objects or lack an id)")
    comments = sum(
        len(p["comments"])
        for p in parsed["posts"]
        if isinstance(p, dict) and isinstance(p.get("comments"), list)
    )
    print(f"comment entries: {comments} (a {DEPTH:,}-reply thread, a {BIG_SIZE:,}-char text)")


if __name__ == "__main__":
    main()
