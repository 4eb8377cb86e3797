from __future__ import annotations

from typing import Any

from lightninghire.api import Resource, endpoint
from lightninghire_plugins.marketing.common import is_bot
from lightninghire_plugins.marketing.contact.schemas import ContactInSchema, ContactReceiptSchema
from lightninghire_plugins.marketing.contact.service import ContactService


class ContactResource(Resource[ContactService]):
    @endpoint(auth="optional", body=ContactInSchema, response=ContactReceiptSchema, status=201,
              rate_limit="5/15m")
    def on_post(self, req: Any, resp: Any) -> Any:
        """Send a message to the team (5 per 15 minutes per IP)."""
        body = req.context.body
        if is_bot(body):
            # Looks accepted; nothing is stored or sent.
            return self.service.decoy(body)
        return self.service.submit(body, req.context.principal.user_id)
