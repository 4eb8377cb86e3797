"""What billing tells a user by mail and in the inbox: the trial ending, a paused auto-replenish.

Mail goes through the core's outbox (``services.mail``: stored first, retried) as transactional
mail (it is about the user's own payments, so no list to leave). The inbox hears of it through
``billing.changed`` with the notification worded here (the outreach plugin turns it into one).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

log = logging.getLogger("lightninghire.billing")


@dataclass(eq=False)
class Notices:
    user_of: Callable[[str], Mapping[str, Any] | None]
    mail: Any  # services.mail
    announce: Callable[[str, dict[str, Any]], Any] | None
    billing_url: str

    def _mail(self, user_id: str, title: str, body: str, action_label: str) -> str | None:
        """Send the notice to the user's address; the outbox status, or ``None`` when there is
        nobody to send it to."""
        user = self.user_of(user_id)
        if not user or user.get("disabled") or not user.get("email"):
            return None
        try:
            result = self.mail.send_template(str(user["email"]), "core/notice", {
                "title": title, "body": body, "name": user.get("name") or None,
                "action_url": self.billing_url, "action_label": action_label})
        except ValueError as exc:  # an address the mail service can never send to
            log.warning("billing notice to user %s not sent: %s", user_id, exc)
            return None
        return str(result.status)

    def trial_ending(self, user_id: str, plan: str, trial_end: datetime | None) -> str | None:
        when = trial_end.strftime("%B %d, %Y") if trial_end else "in a few days"
        on = f"on {when}" if trial_end else when
        body = (f"Your {plan} trial ends {on}.\n\n"
                "Add a card in Settings before then to keep Pro without a break. Without one "
                "the trial simply ends and your account returns to the free plan: nothing is "
                "charged.")
        return self._mail(user_id, f"Your {plan} trial ends soon", body, "Open billing")

    def replenish_failed(self, user_id: str, pack: str, reason: str) -> str | None:
        title = "Credit auto-replenish is paused"
        body = (f"We could not buy your {pack} credit pack: {reason}\n\n"
                "Auto-replenish is paused until you turn it on again in Settings (after "
                "updating your card in the billing portal if needed). Nothing was charged.")
        if self.announce is not None:
            self.announce(user_id, {"status": "auto_replenish_paused", "notification": {
                "title": title, "body": f"We could not buy your {pack} credit pack: {reason}",
                "url": "/settings/billing"}})
        return self._mail(user_id, title, body, "Open billing")
