"""The outreach task: scheduled sends, delivery results from the outbox, follow-up reminders."""

from __future__ import annotations

from lightninghire_plugins.outreach.messages.service import MessageService

TASK = "outreach-dispatch"
SCHEDULE = "* * * * *"  # scheduled sends are promised to the minute


def dispatch(messages: MessageService, batch: int) -> dict[str, int]:
    """One bounded batch of each: due sends, outbox results, due follow-up reminders."""
    sent = messages.dispatch_due(limit=batch)
    synced = messages.sync_delivering(limit=batch)
    return {"dispatched": sent["dispatched"], "deferred": sent["deferred"],
            "synced": synced["synced"],
            "sent": sent["sent"] + synced["sent"], "failed": sent["failed"] + synced["failed"],
            "followUps": messages.remind_follow_ups(limit=batch)}
