"""GET shows what a link would do and changes nothing (mail scanners follow links); POST acts.

Both answer the ``{ok, data}`` envelope, or a small HTML page to a browser that asks for one
(the link in a mail is opened by a person, whose browser then posts the page's form). The pages
are Jinja2 templates in ``templates/``, autoescaped.
"""

from __future__ import annotations

from email import message_from_bytes, policy
from typing import Any
from urllib.parse import parse_qs

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape

from lightninghire.api import BadRequest, UnsupportedMediaType, ValidationFailed, endpoint, load, parse_json
from lightninghire_plugins.marketing.unsubscribe.schemas import (
    OptionalTokenQuerySchema,
    TokenQuerySchema,
    UnsubscribeInSchema,
)
from lightninghire_plugins.marketing.unsubscribe.service import UnsubscribeService

ONE_CLICK_FIELD, ONE_CLICK_VALUE = "List-Unsubscribe", "One-Click"
FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")


class UnsubscribeResource:
    def __init__(self, service: UnsubscribeService) -> None:
        self.service = service

    @endpoint(auth="public", query=TokenQuerySchema, raw=True, tags=["unsubscribe"])
    def on_get(self, req: Any, resp: Any) -> None:
        """Show what an unsubscribe link would do; changes nothing."""
        token = req.context.query["token"]
        state = self.service.look(token)
        _answer(req, resp, state, _confirm_page(state, token))

    @endpoint(auth="public", query=OptionalTokenQuerySchema, raw=True, raw_body=True,
              tags=["unsubscribe"],
              description="The token comes from the link's query or the JSON body "
                          "`{token, allLists}`. RFC 8058 one-click: a form body "
                          "`List-Unsubscribe=One-Click` (urlencoded or multipart) unsubscribes "
                          "with no further step. Idempotent.")
    def on_post(self, req: Any, resp: Any) -> None:
        """Unsubscribe the address of a signed token."""
        body, one_click = _parse_body(req)
        token = body["token"] or req.context.query["token"]
        if token is None:
            raise ValidationFailed({"token": ["Missing data for required field."]},
                                   "Invalid request: token: missing (query or body).")
        if body["token"] and req.context.query["token"] not in (None, body["token"]):
            raise BadRequest("The query and the body name different tokens.")
        state = self.service.unsubscribe(token, every_list=body["allLists"],
                                         reason="one-click" if one_click else "unsubscribe")
        _answer(req, resp, state, _done_page(state))


def _parse_body(req: Any) -> tuple[dict[str, Any], bool]:
    """``({token, allLists}, one_click)`` from a JSON, urlencoded or multipart body."""
    raw: bytes = req.context.raw_body
    if not raw.strip():
        return {"token": None, "allLists": False}, False
    media = (req.content_type or "").split(";", 1)[0].strip().lower()
    if media == "application/json":
        data = parse_json(raw)  # the core's parser: bounded depth, no unpaired surrogates
        if not isinstance(data, dict):
            raise ValidationFailed({"_schema": ["The body must be a JSON object."]},
                                   "Invalid request body: the body must be a JSON object.")
        return load(UnsubscribeInSchema(), data, "request body"), False
    if media not in FORM_TYPES:
        raise UnsupportedMediaType(f"Send application/json or an RFC 8058 form, not {media}.")
    form = _form_fields(req.content_type, raw)
    if form.get(ONE_CLICK_FIELD) != ONE_CLICK_VALUE:
        raise ValidationFailed({ONE_CLICK_FIELD: [f"Must be {ONE_CLICK_VALUE}."]},
                               "Invalid request body: a form post must carry "
                               "List-Unsubscribe=One-Click.")
    token = form.get("token") or None
    if token is not None and len(token) > 1024:
        raise ValidationFailed({"token": ["Longer than maximum length 1024."]})
    return {"token": token, "allLists": False}, True


def _form_fields(content_type: str, raw: bytes) -> dict[str, str]:
    if content_type.lower().startswith("multipart/"):
        # The stdlib mail parser reads multipart/form-data: one part per field.
        parsed = message_from_bytes(b"Content-Type: " + content_type.encode("latin-1")
                                    + b"\r\n\r\n" + raw, policy=policy.HTTP)
        found = {}
        for part in parsed.iter_parts() if parsed.is_multipart() else ():
            name = part.get_param("name", header="content-disposition")
            if name:
                found[str(name)] = str(part.get_content()).strip()
        return found
    try:
        pairs = parse_qs(raw.decode("ascii"), keep_blank_values=True, max_num_fields=10,
                         strict_parsing=False)
    except (UnicodeDecodeError, ValueError):
        raise BadRequest("The form body could not be read.") from None
    return {key: values[0] for key, values in pairs.items()}


def _answer(req: Any, resp: Any, data: dict[str, Any], page: str) -> None:
    if req.client_prefers(["application/json", "text/html"]) == "text/html":
        resp.content_type = "text/html; charset=utf-8"
        resp.text = page
    else:
        resp.media = {"ok": True, "data": data}


# Autoescaped templates shipped as package data (setup.cfg [options.package_data]).
_PAGES = Environment(loader=PackageLoader(__package__, "templates"),
                     autoescape=select_autoescape(["html"], default=True),
                     undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True)


def _confirm_page(state: dict[str, Any], token: str) -> str:
    return _PAGES.get_template("confirm.html").render(
        email=state["email"], list=state["list"], unsubscribed=state["unsubscribed"],
        token=token, field=ONE_CLICK_FIELD, value=ONE_CLICK_VALUE)


def _done_page(state: dict[str, Any]) -> str:
    return _PAGES.get_template("done.html").render(
        email=state["email"], list=state["list"], all_lists=state["allLists"])
