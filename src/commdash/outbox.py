"""Replies waiting to be delivered to the platform."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any, Literal

ReplyStatus = Literal["queued", "sent", "failed"]


@dataclass(frozen=True, slots=True)
class Reply:
    id: str
    """Also the idempotency key sent with the reply, so a retry never posts twice."""
    conversation_id: str
    in_reply_to: str
    """The message answered."""
    text: str
    queued_at: float
    status: ReplyStatus = "queued"
    error: str | None = None

    @classmethod
    def new(cls, conversation_id: str, in_reply_to: str, text: str, now: float) -> Reply:
        return cls(str(uuid.uuid4()), conversation_id, in_reply_to, text, now)

    @property
    def pending(self) -> bool:
        return self.status != "sent"

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "conversation_id": self.conversation_id,
            "in_reply_to": self.in_reply_to,
            "text": self.text,
            "queued_at": self.queued_at,
            "status": self.status,
            "error": self.error,
        }

    @classmethod
    def from_dict(cls, raw: dict[str, Any]) -> Reply | None:
        try:
            status = raw.get("status", "queued")
            return cls(
                id=str(raw["id"]),
                conversation_id=str(raw["conversation_id"]),
                in_reply_to=str(raw["in_reply_to"]),
                text=str(raw["text"]),
                queued_at=float(raw["queued_at"]),
                status=status if status in ("queued", "sent", "failed") else "queued",
                error=raw.get("error") if isinstance(raw.get("error"), str) else None,
            )
        except (KeyError, TypeError, ValueError):
            return None
