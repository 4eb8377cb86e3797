"""Templates: the system set shipped with the plugin and the user's own (validated on save)."""

from __future__ import annotations

import tomllib
from collections.abc import Callable, Mapping
from functools import cache
from importlib import resources
from typing import Any

from lightninghire.api import Forbidden, OwnedDocuments, ValidationFailed, given, paginate
from lightninghire_plugins.outreach.common import CHANNELS, PURPOSES
from lightninghire_plugins.outreach.templates.rendering import (
    VARIABLES,
    render,
    values_for,
    variables_in,
)

TEMPLATES = "outreach_templates"
FEATURE = "email_templates"


@cache
def system_templates() -> dict[str, dict[str, Any]]:
    """The templates in ``templates/system/*.toml``, by id (the file name), checked on load."""
    found: dict[str, dict[str, Any]] = {}
    folder = resources.files("lightninghire_plugins.outreach.templates") / "system"
    for entry in sorted(folder.iterdir(), key=lambda e: e.name):
        if not entry.name.endswith(".toml"):
            continue
        data = tomllib.loads(entry.read_text(encoding="utf-8"))
        template_id = entry.name.removesuffix(".toml")
        if data.get("purpose") not in PURPOSES or data.get("channel") not in CHANNELS:
            raise ValueError(f"system template {template_id}: bad purpose or channel")
        # A shipped template with an unknown variable is a bug: fail at first load (tests).
        variables = sorted({*variables_in(data.get("subject", ""), "subject"),
                            *variables_in(data["body"])})
        found[template_id] = {"id": template_id, "system": True, "name": data["name"],
                              "description": data.get("description"),
                              "purpose": data["purpose"], "channel": data["channel"],
                              "subject": data.get("subject", ""), "body": data["body"],
                              "variables": variables, "createdAt": None, "updatedAt": None}
    return found


class TemplateService:
    def __init__(self, collection: Any, clock: Any) -> None:
        self.collection = collection
        self.owned = OwnedDocuments(self.collection, what="template")
        self.clock = clock

    # -- reads ---------------------------------------------------------------------------------

    def system(self, purpose: str | None = None, channel: str | None = None) -> dict[str, Any]:
        items = [t for t in system_templates().values()
                 if (purpose is None or t["purpose"] == purpose)
                 and (channel is None or t["channel"] == channel)]
        return {"items": items, "variables": VARIABLES}

    def list(self, user_id: str, query: Mapping[str, Any]) -> dict[str, Any]:
        filter_ = {"userId": user_id, **given(query, "purpose", "channel")}
        return paginate(self.collection, filter_, limit=query["limit"], cursor=query["cursor"],
                        transform=self.public)

    def get(self, user_id: str, template_id: str) -> dict[str, Any]:
        """A system template by its name, or one of the caller's by id; anything else is 404."""
        if template_id in system_templates():
            return system_templates()[template_id]
        return self.public(self.owned.find(user_id, template_id))

    # -- writes --------------------------------------------------------------------------------

    def create(self, user_id: str, body: Mapping[str, Any]) -> dict[str, Any]:
        now = self.clock.now()
        doc = {"userId": user_id, "name": body["name"], "purpose": body.get("purpose"),
               "channel": body["channel"], "subject": body.get("subject", ""),
               "body": body["body"], "createdAt": now, "updatedAt": now}
        doc["variables"] = self._validated(doc)
        doc["_id"] = self.collection.insert_one(doc).inserted_id
        return self.public(doc)

    def update(self, user_id: str, template_id: str, body: Mapping[str, Any]) -> dict[str, Any]:
        self._writable(template_id)
        doc = self.owned.find(user_id, template_id)
        changes = {**body, "updatedAt": self.clock.now()}
        changes["variables"] = self._validated({**doc, **changes})
        self.collection.update_one({"_id": doc["_id"], "userId": user_id}, {"$set": changes})
        return self.public({**doc, **changes})

    def delete(self, user_id: str, template_id: str) -> None:
        self._writable(template_id)
        doc = self.owned.find(user_id, template_id)
        self.collection.delete_one({"_id": doc["_id"], "userId": user_id})

    @staticmethod
    def _writable(template_id: str) -> None:
        if template_id in system_templates():
            raise Forbidden("System templates are read-only: create your own from its text.")

    @staticmethod
    def _validated(doc: Mapping[str, Any]) -> list[str]:
        """The variables used; a 400 naming the field for an unknown variable or bad syntax."""
        if doc["channel"] != "email" and doc.get("subject"):
            raise ValidationFailed({"subject": ["Only email templates have a subject."]})
        return sorted({*variables_in(doc.get("subject") or "", "subject"),
                       *variables_in(doc["body"], "body")})

    # -- rendering -----------------------------------------------------------------------------

    def render(self, template: Mapping[str, Any], values: Mapping[str, str]) -> dict[str, str]:
        return {"subject": render(template.get("subject") or "", values, "subject").strip(),
                "body": render(template["body"], values, "body").strip()}

    def preview(self, user_id: str, body: Mapping[str, Any],
                contact_of: Callable[[str], Mapping[str, Any]],
                sender: Mapping[str, str]) -> dict[str, Any]:
        """Render a saved template, or unsaved text, for a contact (or none): what a draft
        made from it would say, and which variables had no value."""
        if "templateId" in body:
            template = self.get(user_id, body["templateId"])
        else:
            template = {"subject": body.get("subject", ""), "body": body["body"]}
        used = sorted({*variables_in(template.get("subject") or "", "subject"),
                       *variables_in(template["body"], "body")})
        contact = contact_of(body["contactId"]) if body.get("contactId") else None
        values = values_for(contact, sender, body.get("context", ""))
        unknown = sorted(set(body.get("values") or {}) - VARIABLES.keys())
        if unknown:
            raise ValidationFailed({"values": [f"Unknown variable: {', '.join(unknown)}."]})
        values.update(body.get("values") or {})
        rendered = self.render(template, values)
        return {**rendered, "variables": used, "missing": [v for v in used if not values.get(v)]}

    @staticmethod
    def public(doc: Mapping[str, Any]) -> dict[str, Any]:
        return {"id": str(doc["_id"]), "system": False, "name": doc["name"],
                "description": None, "purpose": doc.get("purpose"), "channel": doc["channel"],
                "subject": doc.get("subject", ""), "body": doc["body"],
                "variables": list(doc.get("variables") or []), "createdAt": doc["createdAt"],
                "updatedAt": doc["updatedAt"]}
