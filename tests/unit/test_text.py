"""Tests for commdash.text: the boundary that makes hostile text safe for a terminal."""

from __future__ import annotations

import json
import random
import unicodedata

import orjson
import pytest

from commdash.text import (
    clip,
    escape_json_controls,
    json_is_clean,
    one_line,
    sanitize,
    sanitize_tree,
)

BIDI_CONTROLS = [
    "\u202a",
    "\u202b",
    "\u202c",
    "\u202d",
    "\u202e",
    "\u2066",
    "\u2067",
    "\u2068",
    "\u2069",
    "\u200e",
    "\u200f",
    "\u061c",
]


def assert_terminal_safe(text: str) -> None:
    """The invariant every output of sanitize() must satisfy."""
    assert type(text) is str
    for char in text:
        if char in "\n\t":
            continue
        category = unicodedata.category(char)
        assert category not in ("Cc", "Cs"), repr(char)
        assert char not in BIDI_CONTROLS, repr(char)
        assert char not in "\u2028\u2029\ufffe\uffff", repr(char)
    text.encode("utf-8")  # strict: no surrogate can survive


def cells(text: str) -> int:
    """Terminal cells, by the rules one_line() promises."""
    total = 0
    for char in text:
        if char == "\u200d" or unicodedata.category(char) in ("Mn", "Me"):
            continue
        total += 2 if unicodedata.east_asian_width(char) in ("W", "F") else 1
    return total


# --- sanitize: inputs ----------------------------------------------------------------------


def test_plain_text_is_returned_unchanged() -> None:
    text = "Crème brûlée — 日本語 😀 مرحبا\n\tend [ok]"
    assert sanitize(text) is text


def test_none_becomes_empty() -> None:
    assert sanitize(None) == ""


@pytest.mark.parametrize(("value", "expected"), [(42, "42"), (-1.5, "-1.5"), (True, "True")])
def test_numbers_become_their_str(value: object, expected: str) -> None:
    assert sanitize(value) == expected


def test_bytes_decode_as_utf8_with_replacement() -> None:
    assert sanitize(b"caf\xc3\xa9 \xff!") == "café \ufffd!"
    assert sanitize(bytearray(b"ok")) == "ok"


def test_bytes_are_sanitized_after_decoding() -> None:
    assert sanitize(b"\x1b]0;pwned\x07title \x1b[31mred") == "title red"


def test_other_objects_are_sanitized_str() -> None:
    class Hostile:
        def __str__(self) -> str:
            return "\x1b]0;pwned\x07name"

    assert sanitize(Hostile()) == "name"


def test_broken_str_gives_empty() -> None:
    class Broken:
        def __str__(self) -> str:
            raise RuntimeError("no")

    assert sanitize(Broken()) == ""


def test_str_subclass_comes_back_as_plain_str() -> None:
    class Sneaky(str):
        pass

    result = sanitize(Sneaky("hello"))
    assert type(result) is str
    assert result == "hello"


# --- sanitize: OSC -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        # OSC 52 sets the clipboard.
        ("hi\x1b]52;c;SGVsbG8=\x07there", "hithere"),
        ("hi\x1b]52;c;SGVsbG8=\x1b\\there", "hithere"),
        ("hi\x1b]52;c;?\x07there", "hithere"),
        # OSC 0 and OSC 2 set the window title.
        ("\x1b]0;pwned\x07title", "title"),
        ("\x1b]0;pwned\x1b\\title", "title"),
        ("\x1b]2;pwned\x07title", "title"),
        ("\x1b]2;pwned\x1b\\title", "title"),
        # OSC 8 hyperlink: the visible text stays, the link does not.
        ("\x1b]8;;https://evil.example\x1b\\click\x1b]8;;\x1b\\", "click"),
        # The 8-bit ST also ends it.
        ("a\x1b]0;t\x9cb", "ab"),
    ],
)
def test_osc_is_removed_whole(raw: str, expected: str) -> None:
    assert sanitize(raw) == expected


def test_unterminated_osc_is_removed_to_the_end() -> None:
    assert sanitize("before\x1b]0;title that never ends ;)") == "before"
    assert sanitize("before\x1b]52;c;" + "QUFB" * 100) == "before"


def test_osc_payload_swallows_newlines_and_brackets() -> None:
    assert sanitize("a\x1b]0;line\nline [b]\x07z") == "az"


def test_osc_cut_short_by_a_new_escape() -> None:
    # A terminal abandons the OSC at the ESC and starts the CSI.
    assert sanitize("a\x1b]0;evil\x1b[31mb") == "ab"


# --- sanitize: CSI -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("\x1b[31mred\x1b[0m", "red"),
        ("\x1b[38;2;255;0;0mrgb\x1b[m", "rgb"),
        ("\x1b[2J\x1b[Hclear", "clear"),
        ("\x1b[?1049halt\x1b[?1049l", "alt"),
        ("\x1b[1 qcursor", "cursor"),  # intermediate byte (space) before the final byte
        ("\x1b[6n", ""),  # device status report: would make the terminal type a reply
        ("a\x1b[>0;1;2cb", "ab"),
    ],
)
def test_csi_is_removed_whole(raw: str, expected: str) -> None:
    assert sanitize(raw) == expected


def test_incomplete_csi_is_removed() -> None:
    assert sanitize("abc\x1b[12;3") == "abc"
    assert sanitize("abc\x1b[") == "abc"


def test_csi_does_not_eat_text_after_its_final_byte() -> None:
    assert sanitize("\x1b[1mbold") == "bold"
    assert sanitize("\x1b[0m[bold]x[/bold]") == "[bold]x[/bold]"


# --- sanitize: DCS, SOS, PM, APC -----------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("\x1bPq#0;2;0;0;0#0~~@@vv\x1b\\x", "x"),  # sixel graphics
        ("\x1bP$qm\x1b\\x", "x"),  # DECRQSS: asks the terminal to answer
        ("\x1bXstart of string\x1b\\x", "x"),
        ("\x1b^privacy message\x1b\\x", "x"),
        ("\x1b_Gf=100;AAAA\x1b\\x", "x"),  # kitty graphics (APC)
        ("a\x1bPdata\x9cb", "ab"),
        ("a\x1bPdata with \x07 bell\x1b\\b", "ab"),  # BEL does not end a DCS
    ],
)
def test_string_sequences_are_removed_whole(raw: str, expected: str) -> None:
    assert sanitize(raw) == expected


@pytest.mark.parametrize("introducer", ["\x1bP", "\x1bX", "\x1b^", "\x1b_"])
def test_unterminated_string_sequences_are_removed_to_the_end(introducer: str) -> None:
    assert sanitize(f"keep{introducer}payload that never ends") == "keep"


# --- sanitize: other ESC sequences ---------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("\x1b7saved\x1b8", "saved"),  # save/restore cursor
        ("\x1bcreset", "reset"),  # RIS: full reset
        ("\x1bMup", "up"),  # reverse index
        ("\x1b=\x1b>keypad", "keypad"),
        ("\x1b(0line\x1b(B", "line"),  # charset designation: the final byte goes too
        ("\x1b#8fill", "fill"),  # DECALN
        ("\x1b%Gutf", "utf"),
    ],
)
def test_other_escape_sequences_are_removed_whole(raw: str, expected: str) -> None:
    assert sanitize(raw) == expected


def test_lone_esc_is_removed_and_next_char_kept() -> None:
    assert sanitize("a\x1b") == "a"
    assert sanitize("\x1bé") == "é"
    assert sanitize("\x1b\n") == "\n"
    assert sanitize("\x1b中") == "中"


# --- sanitize: 8-bit C1 forms --------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("\x9b31mred\x9b0m", "red"),
        ("\x9b?1049hx", "x"),
        ("\x9d0;title\x07x", "x"),
        ("\x9d52;c;SGVsbG8=\x9cx", "x"),
        ("\x9d2;title\x1b\\x", "x"),
        ("\x90q#0~~\x9cx", "x"),
        ("\x98sos\x9cx", "x"),
        ("\x9epm\x9cx", "x"),
        ("\x9fapc\x1b\\x", "x"),
    ],
)
def test_c1_sequences_are_removed_whole(raw: str, expected: str) -> None:
    assert sanitize(raw) == expected


def test_unterminated_c1_osc_is_removed_to_the_end() -> None:
    assert sanitize("keep\x9d0;title") == "keep"


C1_INTRODUCERS = (0x90, 0x98, 0x9B, 0x9D, 0x9E, 0x9F)  # DCS, SOS, CSI, OSC, PM, APC


@pytest.mark.parametrize("code", [c for c in range(0x80, 0xA0) if c not in C1_INTRODUCERS])
def test_other_c1_controls_are_removed_alone(code: int) -> None:
    assert sanitize(f"a{chr(code)}b") == "ab"


# --- sanitize: garbled and nested ----------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("\x1b\x1b[31mx", "x"),
        ("\x1b\x1b\x1b]0;t\x07x", "x"),
        ("\x1b[\x1b]0;t\x07x", "x"),
        ("\x9b\x1b[2Jx", "x"),
        ("\x1b\x9b31mx", "x"),
        ("\x1b]0;\x1b]0;t\x07x", "x"),
        ("\x1b[31\x1b[0mx", "x"),
        ("\x1b]0;t\x1b\x1b\\x", "x"),
        ("\x1b\\x", "x"),  # a stray ST
        ("a\x9cb", "ab"),  # a stray 8-bit ST
    ],
)
def test_garbled_sequences(raw: str, expected: str) -> None:
    assert sanitize(raw) == expected


# --- sanitize: lone controls, line endings -------------------------------------------------


@pytest.mark.parametrize("code", [c for c in range(0x20) if c not in (0x09, 0x0A, 0x0D, 0x1B)])
def test_c0_controls_are_removed(code: int) -> None:
    assert sanitize(f"a{chr(code)}b") == "ab"


def test_del_is_removed() -> None:
    assert sanitize("a\x7fb") == "ab"


def test_newline_and_tab_are_kept() -> None:
    assert sanitize("a\tb\nc\n\n") == "a\tb\nc\n\n"


def test_line_endings_become_newline() -> None:
    assert sanitize("a\r\nb\rc\n\rd\r") == "a\nb\nc\n\nd\n"


def test_unicode_line_and_paragraph_separators_become_newline() -> None:
    assert sanitize("a\u2028b\u2029c") == "a\nb\nc"


# --- sanitize: Unicode ---------------------------------------------------------------------


@pytest.mark.parametrize("control", BIDI_CONTROLS)
def test_bidi_controls_are_removed(control: str) -> None:
    assert sanitize(f"abc{control}def") == "abcdef"


def test_trojan_source_style_override() -> None:
    # "\u202e" would display "txt.exe" as "exe.txt".
    assert sanitize("invoice\u202egpj.exe") == "invoicegpj.exe"


def test_right_to_left_text_itself_is_kept() -> None:
    text = "שלום עולם — مرحبا"
    assert sanitize(text) == text


def test_zero_width_joiner_and_combining_marks_are_kept() -> None:
    family = "👨\u200d👩\u200d👧"
    accented = "e\u0301"
    assert sanitize(family + accented) == family + accented


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("a\ud800b", "a\ufffdb"),
        ("a\udc00b", "a\ufffdb"),
        ("end\ud83d", "end\ufffd"),
        ("\udc00\ud800", "\ufffd\ufffd"),  # wrong order: two lone halves
        ("\ud800\ud800\udc00", "\ufffd\U00010000"),
        ("\ud83d\ude00", "\U0001f600"),  # a well-formed pair becomes its character
    ],
)
def test_surrogates(raw: str, expected: str) -> None:
    assert sanitize(raw) == expected


def test_lone_surrogate_from_json() -> None:
    value = json.loads('"x\\ud800y"')
    assert sanitize(value) == "x\ufffdy"


def test_noncharacters_are_removed() -> None:
    assert sanitize("a\ufffeb\uffffc\ufdd0d") == "abcd"


# --- sanitize: markup is data --------------------------------------------------------------


@pytest.mark.parametrize(
    "markup",
    [
        "[bold]hi[/bold]",
        "[@click=app.quit]x[/]",
        "[link=https://evil.example]y[/link]",
        "\\[escaped] [/] [[double]] ]][[",
        "[red on white]x",
    ],
)
def test_markup_is_left_exactly_as_is(markup: str) -> None:
    assert sanitize(markup) == markup


def test_markup_around_escapes_keeps_its_brackets() -> None:
    assert sanitize("[bold]\x1b[31mx\x1b[0m[/bold]") == "[bold]x[/bold]"


# --- sanitize: properties ------------------------------------------------------------------

NASTY = [
    "\x1b",
    "[",
    "]",
    "\\",
    "\x07",
    "\x9b",
    "\x9c",
    "\x9d",
    "\x90",
    "\x98",
    "\x9e",
    "\x9f",
    "\x85",
    "\r",
    "\n",
    "\t",
    "\x00",
    "\x18",
    "\x7f",
    "P",
    "X",
    "^",
    "_",
    "(",
    "0",
    ";",
    "?",
    "m",
    " ",
    "a",
    "é",
    "中",
    "😀",
    "\u202e",
    "\u2066",
    "\u200f",
    "\u061c",
    "\u2028",
    "\u2029",
    "\ud800",
    "\udc00",
    "\ud83d",
    "\ude00",
    "\ufffe",
    "\uffff",
    "\u200d",
    "\u0301",
]


def random_strings(alphabet: list[str], count: int, seed: int) -> list[str]:
    rng = random.Random(seed)
    return ["".join(rng.choices(alphabet, k=rng.randint(0, 40))) for _ in range(count)]


def test_random_nasty_strings_are_safe_and_idempotent() -> None:
    highs = [c for c in NASTY if "\ud800" <= c <= "\udbff"]
    lows = [c for c in NASTY if "\udc00" <= c <= "\udfff"]
    joined = {
        (h + lo).encode("utf-16-le", "surrogatepass").decode("utf-16-le")
        for h in highs
        for lo in lows
    }
    allowed = set(NASTY) | joined | {"\ufffd"}
    for raw in random_strings(NASTY, 4000, seed=1234):
        once = sanitize(raw)
        assert_terminal_safe(once)
        assert sanitize(once) == once, repr(raw)
        assert len(once) <= len(raw)
        assert set(once) <= allowed, repr(raw)


def test_lone_controls_never_take_text_with_them() -> None:
    # Without a sequence introducer nothing but the controls themselves may go.
    text_chars = ["a", "b", "[", "]", "\\", ";", "0", "中", "😀", " ", "\n", "\t"]
    controls = ["\x00", "\x07", "\x7f", "\x85", "\x9c", "\u202e", "\ufffe"]
    for raw in random_strings(text_chars + controls, 2000, seed=99):
        assert sanitize(raw) == "".join(c for c in raw if c not in controls), repr(raw)


def test_safe_text_is_never_changed() -> None:
    alphabet = ["a", "Z", "[", "]", "/", "@", "=", " ", "\n", "\t", "é", "中", "😀", "\u200d"]
    for raw in random_strings(alphabet, 2000, seed=7):
        assert sanitize(raw) == raw


# --- sanitize: size guard ------------------------------------------------------------------

MB5 = 5_000_000


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("\x1b" * MB5, ""),
        ("\x1b[" * (MB5 // 2), ""),
        ("\x1b]" * (MB5 // 2), ""),
        ("a\x1b" * (MB5 // 2), "a"),
        ("\x1b]0;" + "x" * MB5, ""),
        ("\x1bP" + "x" * MB5, ""),
        ("\x1b[" + "1;" * (MB5 // 2), ""),
        ("\x9b" * MB5, ""),
        ("\x9d" + "x" * MB5, ""),
        ("ok\x1b]52;c;" + "QUFB" * (MB5 // 4) + "\x07", "ok"),
        ("\x1b]0;t\x07x" * (MB5 // 8), "x" * (MB5 // 8)),
        ("\x01a" * (MB5 // 2), "a" * (MB5 // 2)),
        ("\ud800" * MB5, "\ufffd" * MB5),
        ("\r\n" * (MB5 // 2), "\n" * (MB5 // 2)),
    ],
    ids=[
        "esc",
        "csi-intro",
        "osc-intro",
        "text-esc",
        "unterminated-osc",
        "unterminated-dcs",
        "endless-csi",
        "c1-csi",
        "unterminated-c1-osc",
        "huge-osc52",
        "many-titles",
        "controls",
        "surrogates",
        "crlf",
    ],
)
def test_huge_hostile_strings(raw: str, expected: str) -> None:
    assert sanitize(raw) == expected


def test_huge_plain_string_is_unchanged() -> None:
    raw = "plain text [b] 日本 " * (MB5 // 18)
    assert sanitize(raw) is raw


# --- one_line ------------------------------------------------------------------------------


@pytest.mark.parametrize("width", [0, -1, -100])
def test_one_line_non_positive_width(width: int) -> None:
    assert one_line("hello", width) == ""


def test_one_line_collapses_whitespace() -> None:
    assert one_line("  hello \n\n\t world \r\n again  ", 80) == "hello world again"


def test_one_line_collapses_unicode_spaces() -> None:
    assert one_line("a\u00a0\u3000b\u2028c", 80) == "a b c"


def test_one_line_fits_exactly() -> None:
    assert one_line("hello", 5) == "hello"


def test_one_line_truncates_with_ellipsis() -> None:
    assert one_line("hello", 4) == "hel…"
    assert one_line("hello", 1) == "…"


def test_one_line_does_not_leave_a_space_before_the_ellipsis() -> None:
    assert one_line("hello world", 7) == "hello…"


@pytest.mark.parametrize(
    ("text", "width", "expected"),
    [
        ("日本語", 6, "日本語"),
        ("日本語", 5, "日本…"),
        ("日本語テキスト", 6, "日本…"),
        ("a日本", 4, "a日…"),
        ("a日本", 3, "a…"),  # half a wide character does not fit
        ("日本", 1, "…"),
        ("\uff46\uff55\uff4c\uff4c", 8, "\uff46\uff55\uff4c\uff4c"),  # fullwidth: 2 cells
        ("\uff46\uff55\uff4c\uff4c", 7, "\uff46\uff55\uff4c…"),
    ],
)
def test_one_line_wide_characters(text: str, width: int, expected: str) -> None:
    assert one_line(text, width) == expected


def test_one_line_emoji() -> None:
    assert one_line("😀😀", 4) == "😀😀"
    assert one_line("😀😀😀", 4) == "😀…"
    assert one_line("ok 😀", 4) == "ok…"


def test_one_line_zero_width_characters() -> None:
    accented = "e\u0301" * 5
    assert one_line(accented, 5) == accented
    assert one_line(accented, 3) == "e\u0301e\u0301…"
    family = "👨\u200d👩"  # 2 + 0 + 2 cells
    assert one_line(family, 4) == family
    assert one_line(family + "x", 4) == "👨…"  # no dangling joiner


def test_one_line_sanitizes() -> None:
    assert one_line("a\x1b]0;evil\x07b\x1b[31m c\u202e", 80) == "ab c"


def test_one_line_keeps_markup_literally() -> None:
    assert one_line("[bold]hi[/bold]", 80) == "[bold]hi[/bold]"


def test_one_line_huge_text() -> None:
    result = one_line("word " * 1_000_000, 20)
    assert result == "word word word word…"


def test_one_line_only_reads_a_bounded_prefix() -> None:
    # What lies past the prefix is never looked at, so it is only hinted at by the ellipsis.
    assert one_line("short" + " " * 100_000 + "tail", 10) == "short…"
    assert one_line(" " * 100_000 + "tail", 10) == "…"
    assert one_line("ok" + "\x1b" * MB5, 10) == "ok…"


def test_one_line_random_inputs_respect_width() -> None:
    for index, raw in enumerate(random_strings([*NASTY, "\t", "  ", "\n\n"], 2000, seed=5)):
        width = index % 25
        result = one_line(raw, width)
        assert cells(result) <= width, (raw, width, result)
        assert_terminal_safe(result)
        assert "\n" not in result
        assert "\t" not in result
        assert "  " not in result
        assert result == result.strip()
        if width > 0 and not result.endswith("…"):
            assert result == one_line(raw, 1000)


# --- clip ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "limit", "expected"),
    [
        ("hello", 10, ("hello", 0)),
        ("hello", 5, ("hello", 0)),
        ("hello", 3, ("hel", 2)),
        ("hello", 0, ("", 5)),
        ("hello", -3, ("", 5)),
        ("", 3, ("", 0)),
        ("日本語😀", 2, ("日本", 2)),
    ],
)
def test_clip(text: str, limit: int, expected: tuple[str, int]) -> None:
    assert clip(text, limit) == expected


def test_clip_huge_text() -> None:
    text = "x" * MB5
    shown, cut = clip(text, 1000)
    assert shown == "x" * 1000
    assert cut == MB5 - 1000


# --- JSON documents: read from the state directory, written to a terminal ----------------

HOSTILE_BITS = [
    "\x1b]52;c;ZWNobyBwd25lZA==\x07",  # OSC 52: writes the clipboard
    "\x1b]0;title\x07",  # OSC 0: the window title
    "\x1b[2J\x1b[31m",  # CSI
    "\x9b31m\x9d0;t\x9c",  # 8-bit CSI and OSC
    "\u202eevil",  # bidi override
    "\x85\u2028\x7f\ufffe",
]


def hostile_document() -> dict[str, object]:
    bad = "".join(HOSTILE_BITS)
    return {
        f"table{bad}": {
            "1": {"text": f"hi{bad}", "tags": [f"vip{bad}", 3, None, [f"{bad}deep"]]},
            f"2{bad}": {f"key{bad}": {"nested": bad}, "n": 1.5, "ok": True},
        },
        "clean": {"1": {"text": "plain"}},
    }


def strings_of(tree: object) -> list[str]:
    if isinstance(tree, str):
        return [tree]
    if isinstance(tree, dict):
        return [s for key, value in tree.items() for s in [*strings_of(key), *strings_of(value)]]
    if isinstance(tree, list):
        return [s for value in tree for s in strings_of(value)]
    return []


@pytest.mark.parametrize("encode", [json.dumps, lambda d: json.dumps(d, ensure_ascii=False)])
def test_sanitize_tree_cleans_every_string_and_key(encode: object) -> None:
    assert callable(encode)
    raw = encode(hostile_document()).encode("utf-8")
    assert not json_is_clean(raw)
    tree = sanitize_tree(json.loads(raw))
    found = strings_of(tree)
    assert len(found) == len(strings_of(hostile_document()))
    for text in found:
        assert_terminal_safe(text)
        assert sanitize(text) == text
    table = tree["tableevil\n"]  # the sequences go whole, the text around them stays
    assert table["1"]["text"] == "hievil\n"
    assert table["1"]["tags"][1:3] == [3, None]
    assert table["2evil\n"]["keyevil\n"] == {"nested": "evil\n"}
    assert tree["clean"] == {"1": {"text": "plain"}}


def test_sanitize_tree_leaves_a_clean_document_as_it_is() -> None:
    document = {"a": {"1": {"text": "Crème 日本語 😀\nline\tx", "n": [1, 2.5, None, True]}}}
    inner = document["a"]["1"]
    assert sanitize_tree(document) is document
    assert document["a"]["1"] is inner
    assert inner == {"text": "Crème 日本語 😀\nline\tx", "n": [1, 2.5, None, True]}


def test_sanitize_tree_of_a_deeply_nested_document() -> None:
    deep: list[object] = ["\x1b[31mx"]
    for _ in range(100_000):
        deep = [deep]
    sanitize_tree(deep)
    for _ in range(100_000):
        deep = deep[0]  # type: ignore[assignment]
    assert deep == ["x"]


@pytest.mark.parametrize(
    "raw",
    [
        b'{"a": "plain text, \\u00e9t\\u00e9"}',  # any \u escape: looked at closely
        b'{"a": "x\\by"}',
        b'{"a": "x\\fy"}',
        b'{"a": "x\\ry"}',
        b'{"a\\u001b": 1}',
        '{"a": "\x85"}'.encode(),
        '{"a": "\u202e"}'.encode(),
        b'{"a": 1}\r\n',  # a CR even between values: a false alarm is allowed
    ],
)
def test_json_is_clean_sees_what_could_hide_a_control(raw: bytes) -> None:
    assert not json_is_clean(raw)


def test_json_is_clean_passes_ordinary_documents() -> None:
    for raw in [
        b"{}",
        b'{"a": {"1": {"text": "hi \\"there\\" \\\\ \\/ \\n \\t"}}}',
        '{"a": "Crème 日本語 😀 مرحبا"}\n  '.encode(),
    ]:
        assert json_is_clean(raw)


def test_json_is_clean_is_never_wrong_about_a_document() -> None:
    """A document it calls clean has nothing sanitize_tree would change."""
    rng = random.Random(7)
    alphabet = 'ab\\"\n\t\r\x07\x1b\x85\x9b\u202e\u2028\ufffeé日😀'
    for _ in range(3000):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 12)))
        raw = json.dumps({text: [text]}, ensure_ascii=rng.random() < 0.5).encode()
        if json_is_clean(raw):
            assert sanitize_tree(json.loads(raw)) == {text: [text]}
            assert sanitize(text) == text


def test_escape_json_controls_writes_them_as_escapes_and_keeps_the_value() -> None:
    value = {"text": "".join(HOSTILE_BITS) + "é 日本語 😀", "k\x9b": ["\u2029", "\u061c\u2066"]}
    raw = orjson.dumps(value)
    escaped = escape_json_controls(raw)
    assert json.loads(escaped) == value
    shown = escaped.decode("utf-8")
    assert_terminal_safe(shown)
    for char in "\x7f\x85\x9b\x9c\x9d\u202e\u2028\u2029\u061c\u2066\ufffe":
        assert char not in shown
    assert "\\u202e" in shown and "\\u009b" in shown
    assert "é 日本語 😀" in shown  # ordinary text stays readable
    assert escape_json_controls(b'{"a": 1}') == b'{"a": 1}'
