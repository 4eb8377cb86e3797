"""Unsubscribe by signed token: look (changes nothing) and act (idempotent)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from lightninghire_plugins.marketing.common import mask_email

EVERY_LIST = "*"
STOPS_DRIP = frozenset({"marketing", EVERY_LIST})


class UnsubscribeService:
    def __init__(self, mail: Any, events: Any, stop_drip: Callable[[str, str], Any]) -> None:
        self.mail = mail
        self.events = events
        self.stop_drip = stop_drip

    def look(self, token: str) -> dict[str, Any]:
        """What the link would do; a bad or tampered token is a 400."""
        email, list_name = self.mail.verify_unsubscribe_token(token)
        return {"email": mask_email(email), "list": list_name,
                "unsubscribed": self.mail.is_suppressed(email, list_name)}

    def unsubscribe(self, token: str, *, every_list: bool = False,
                    reason: str = "unsubscribe") -> dict[str, Any]:
        email, list_name = self.mail.verify_unsubscribe_token(token)
        target = EVERY_LIST if every_list else list_name
        changed = self.mail.unsubscribe(email, target, reason=reason)
        if target in STOPS_DRIP:
            self.stop_drip(email, "unsubscribed")
        if changed:
            self.events.emit("mail.unsubscribed", {"email": email, "list": target,
                                                   "reason": reason})
        return {"email": mask_email(email), "list": list_name, "allLists": every_list,
                "unsubscribed": True, "changed": changed}
