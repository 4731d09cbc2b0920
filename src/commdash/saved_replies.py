"""Saved replies: the library's record, its templates, and how they are filled.

A saved reply's text is a template: ``{first_name}``, ``{name}``, ``{post}``, ``{page}`` and
``{manager}`` are filled in, ``{{`` and ``}}`` are literal braces. The reply box speaks the
same language, so writing a template in the box and saving it is how one is made: ctrl+t
inserts a saved reply as the box shows it (:func:`for_reply_box`: values in, literal braces
still doubled), and every reply is filled once more when it is queued (:func:`fill`), so a
variable typed in the box goes out filled too. A variable with no value becomes a gap,
``[first_name?]``, and a reply with a gap left in it is refused (:func:`gaps`), so a reply
never goes out half-filled, nor with a known variable in braces. In the box, anything else in
braces (``{faq}``, ``:-}``) is the manager's own text and is sent as typed; in a saved reply
an unknown variable (``{frist_name}``) or a lone brace is reported when it is saved or
imported (:func:`template_problems`), and a hand-edited library's unknown variable is a gap.

The values come from the source (a member's name, a post's text): hostile. Each is
sanitised and made one line before it is put in, its braces doubled in the box, so what is
put in is never read as a template again. Domain code: no Textual.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass

from commdash.inbox import Inbox
from commdash.text import one_line, sanitize
from commdash.triage import normalise_tags

VARIABLES = ("first_name", "name", "post", "page", "manager")
"""The variables a template may name, in the order the help lists them."""
MANAGER_VARIABLE = "COMMDASH_MANAGER"
"""The environment variable that gives ``{manager}`` (else the account's real name)."""

MAX_NAME_CELLS = 60
MAX_VALUE_CELLS = 80
"""A filled value is cut to this many terminal cells (a post's first line can be long)."""
MAX_LANGUAGE = 20

_PIECE = re.compile(r"\{\{|\}\}|\{([^{}\n]*)\}|[{}]")
"""A literal brace written twice, a variable, or a lone brace."""
_GAP = re.compile(r"\[([a-z_]*)\?\]")
"""A gap: ``[first_name?]``, or ``[frist_name?]`` for a variable no template should name."""


@dataclass(frozen=True, slots=True)
class SavedReply:
    name: str
    """Unique in the library, compared without case."""
    text: str
    """A template (see the module)."""
    tags: tuple[str, ...] = ()
    language: str = ""

    @property
    def key(self) -> str:
        return name_key(self.name)


def name_key(name: str) -> str:
    """What makes two names the same: case and surrounding spaces do not count."""
    return " ".join(name.split()).casefold()


def gap(variable: str) -> str:
    """What a variable with no value leaves in the text: seen, and refused if sent."""
    return f"[{variable}?]"


def gaps(text: str) -> list[str]:
    """The gaps a filled template left in ``text`` that are still there, in order."""
    return [found.group() for found in _GAP.finditer(text)]


def fill(text: str, values: Mapping[str, str]) -> str:
    """A reply's text as it is queued: every known variable replaced by its value
    (sanitised, one line), or by a gap when it has none; ``{{`` and ``}}`` are one brace;
    any other brace, and an unknown name in braces, stay as written (the manager's own)."""

    def piece(found: re.Match[str]) -> str:
        whole, variable = found.group(), found.group(1)
        if variable is None:
            return whole[0]  # {{, }} or a lone brace: the brace itself
        if variable.strip() not in VARIABLES:
            return whole
        return _value(variable.strip(), values) or gap(variable.strip())

    return _PIECE.sub(piece, text)


def for_reply_box(template: str, values: Mapping[str, str]) -> str:
    """A saved reply as ctrl+t inserts it in the reply box: filled as :func:`fill` will
    queue it, but with the braces of the template's literal ones and of the values still
    doubled, so that filling it again when it is queued changes nothing but those. An
    unknown variable (a hand-edited library) is a gap: nothing in braces goes out as it is."""

    def piece(found: re.Match[str]) -> str:
        whole, variable = found.group(), found.group(1)
        if variable is None:
            return whole
        variable = variable.strip()
        value = escape_braces(_value(variable, values))
        return value or gap(variable if _GAP.fullmatch(gap(variable)) else "")

    return _PIECE.sub(piece, template)


def escape_braces(text: str) -> str:
    """``text`` as the reply box writes it: each brace doubled, so none is filled in."""
    return text.replace("{", "{{").replace("}", "}}")


def _value(variable: str, values: Mapping[str, str]) -> str:
    return one_line(values.get(variable, ""), MAX_VALUE_CELLS)


def template_problems(template: str) -> list[str]:
    """What is wrong with a template, one phrase each: unknown variables, lone braces."""
    problems = []
    for found in _PIECE.finditer(template):
        whole, variable = found.group(), found.group(1)
        column = found.start() + 1
        if variable is not None and variable.strip() not in VARIABLES:
            problems.append(
                f"unknown variable {one_line(whole, 30)} at character {column} "
                f"(known: {', '.join(VARIABLES)}; {{{{ and }}}} are literal braces)"
            )
        elif whole in "{}":
            problems.append(
                f"a lone {whole!r} at character {column} (write {whole}{whole} for a brace)"
            )
    return problems


def from_reply_box(text: str) -> str:
    """A reply box's text as a template: a gap left there becomes its variable again, so a
    reply saved from the box fills anew for the next member."""
    return _GAP.sub(
        lambda found: f"{{{found.group(1)}}}" if found.group(1) in VARIABLES else found.group(),
        text,
    )


def checked(name: str, text: str, tags: str | list[str], language: str) -> SavedReply:
    """A saved reply from what a person typed or a file held; ValueError with the field and
    what is wrong (``name: empty``)."""
    name = " ".join(sanitize(name).split())
    if not name:
        raise ValueError("name: empty")
    if len(name) > MAX_NAME_CELLS:
        raise ValueError(f"name: longer than {MAX_NAME_CELLS} characters")
    text = sanitize(text).strip("\n")
    if not text.strip():
        raise ValueError("text: empty")
    problems = template_problems(text)
    if problems:
        raise ValueError(f"text: {problems[0]}")
    words = tags.replace(",", " ").split() if isinstance(tags, str) else tags
    language = " ".join(sanitize(language).split())
    if len(language) > MAX_LANGUAGE:
        raise ValueError(f"language: longer than {MAX_LANGUAGE} characters")
    return SavedReply(name, text, normalise_tags([sanitize(tag) for tag in words]), language)


def template_values(inbox: Inbox, cid: str, message_id: str, manager: str | None) -> dict[str, str]:
    """The variables' values for a reply to ``message_id`` of the conversation (its author is
    the member); a variable without one is left out (it becomes a gap). A member the source
    gave no name is greeted by none: the model labels them by their id, never a name."""
    values = {"manager": manager or ""}
    conversation = inbox.conversations.get(cid)
    if conversation is not None:
        member = (conversation.message(message_id) or conversation.root).author
        post = inbox.posts.get(conversation.post_id)
        name = member.name if member.named else ""
        values |= {"name": name, "first_name": "".join(name.split()[:1])}
        if post is not None:
            values["post"] = next((line for line in post.text.splitlines() if line.strip()), "")
        values["page"] = post.channel if post is not None and post.channel.strip() else ""
    values["page"] = values.get("page") or inbox.snapshot.source.account.name
    return {key: value for key, value in values.items() if one_line(value, MAX_VALUE_CELLS)}


def manager_name() -> str | None:
    """``$COMMDASH_MANAGER``, else the real name of the account commdash runs as (the GECOS
    field, as ``finger`` shows it); None when neither says."""
    chosen = os.environ.get(MANAGER_VARIABLE, "").strip()
    if chosen:
        return chosen
    try:
        import pwd

        real = pwd.getpwuid(os.getuid()).pw_gecos.split(",")[0].strip()
    except (ImportError, KeyError, OSError):
        return None
    return real or None
