"""A collection of owned documents as one resource: list, create, get, patch, delete.

    class ThingsResource(CollectionResource):
        item, create_body, patch_body, list_query = ThingOut, ThingIn, ThingPatch, ThingQuery
        endpoints = {
            "on_get": endpoint(summary="The caller's things, newest first."),
            "on_post": endpoint(feature="things", summary="Add a thing."),
            "on_get_item": endpoint(summary="One thing."),
            "on_patch_item": endpoint(summary="Change a thing."),
            "on_delete_item": endpoint(summary="Delete a thing."),
        }

    routes.add_collection("/api/things", ThingsResource(service))

Each responder calls the service with the caller's user id (or, for those named in
``with_user``, the caller's user document) first (``list(owner, query)``,
``create(owner, body)``, ``get(owner, id)``, ``update(owner, id, body)``, ``delete(owner, id)``:
the protocol ``lightninghire.documents.OwnedDocuments`` implements), so ownership and its 404
stay in the service. Options come from the schemas above (``query``/``response`` as a cursor
page, ``body``, ``status=201`` on create) under what each ``endpoint(...)`` declares. A responder
that does more is written as usual with ``@endpoint`` in the subclass and replaces the generic one.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping
from typing import Any, ClassVar, Generic, TypeVar

from marshmallow import Schema

from lightninghire.http.endpoint import ENDPOINT_ATTR, options_of
from lightninghire.pagination import page_schema

Decorator = Callable[[Callable[..., Any]], Callable[..., Any]]
S = TypeVar("S")


class Resource(Generic[S]):
    """A resource over one service, injected when the plugin registers its routes:
    ``routes.add("/api/things/{id}/archive", ArchiveResource(service))``."""

    def __init__(self, service: S) -> None:
        self.service = service

    def owner(self, req: Any) -> str:
        """Whose documents the request reaches: the caller's."""
        return req.context.principal.user_id


def _on_get(self: CollectionResource, req: Any, resp: Any) -> Any:
    return self.service.list(self.caller(req, "on_get"), req.context.query)


def _on_post(self: CollectionResource, req: Any, resp: Any) -> Any:
    return self.service.create(self.caller(req, "on_post"), req.context.body)


def _on_get_item(self: CollectionResource, req: Any, resp: Any, id: str) -> Any:
    return self.service.get(self.caller(req, "on_get_item"), id)


def _on_patch_item(self: CollectionResource, req: Any, resp: Any, id: str) -> Any:
    return self.service.update(self.caller(req, "on_patch_item"), id, req.context.body)


def _on_delete_item(self: CollectionResource, req: Any, resp: Any, id: str) -> Any:
    self.service.delete(self.caller(req, "on_delete_item"), id)
    return self.deleted(id)


_GENERIC: dict[str, Callable[..., Any]] = {
    "on_get": _on_get, "on_post": _on_post, "on_get_item": _on_get_item,
    "on_patch_item": _on_patch_item, "on_delete_item": _on_delete_item,
}


class CollectionResource(Resource[Any]):
    """Base for a resource served at ``path`` and ``path/{id}`` (``routes.add_collection``).

    A subclass sets the schemas and, in ``endpoints``, one ``endpoint(...)`` per responder it
    serves; a responder it names nowhere is not served (405), one it defines itself wins.
    """

    item: ClassVar[type[Schema] | None] = None          # one document, as answered
    create_body: ClassVar[type[Schema] | None] = None   # POST body
    patch_body: ClassVar[type[Schema] | None] = None    # PATCH body
    list_query: ClassVar[type[Schema] | None] = None    # GET query (extend PageQuery)
    endpoints: ClassVar[Mapping[str, Decorator]] = {}
    # Responders whose service call gets the caller's user document rather than the id (a
    # service that meters the call or reads the profile).
    with_user: ClassVar[Collection[str]] = ()
    # What DELETE answers besides ``deleted: true``: the id, for APIs that echo it.
    delete_echoes_id: ClassVar[bool] = False

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        unknown = (set(cls.endpoints) | set(cls.with_user)) - set(_GENERIC)
        if unknown:
            raise TypeError(f"{cls.__name__}: unknown responder(s) {sorted(unknown)}; "
                            f"known: {sorted(_GENERIC)}")
        for name, declare in cls.endpoints.items():
            if name in vars(cls):
                continue  # written out in the subclass itself
            responder = declare(_copy(_GENERIC[name], cls, name))
            setattr(responder, ENDPOINT_ATTR, {**cls._derived(name), **options_of(responder)})
            setattr(cls, name, responder)

    @classmethod
    def _derived(cls, name: str) -> dict[str, Any]:
        """The options a responder's schemas imply; its own ``endpoint(...)`` overrides them."""
        schema = {"on_get": cls.list_query, "on_post": cls.create_body,
                  "on_patch_item": cls.patch_body}.get(name)
        options: dict[str, Any] = {}
        if schema is not None:
            options["query" if name == "on_get" else "body"] = schema()
        if cls.item is not None and name != "on_delete_item":
            options["response"] = (page_schema(cls.item) if name == "on_get" else cls.item)()
        if name == "on_post":
            options["status"] = 201
        return options

    def caller(self, req: Any, responder: str) -> Any:
        """What the service call of ``responder`` takes first: the owner's id, or the user
        document for the responders named in ``with_user``."""
        return req.context.principal.user if responder in self.with_user else self.owner(req)

    def deleted(self, id: str) -> dict[str, Any]:
        return {"id": id, "deleted": True} if self.delete_echoes_id else {"deleted": True}


def _copy(func: Callable[..., Any], cls: type, name: str) -> Callable[..., Any]:
    """A fresh function per subclass: the options live on the function object."""

    def responder(self: Any, *args: Any, **kwargs: Any) -> Any:
        return func(self, *args, **kwargs)

    responder.__name__ = name
    responder.__qualname__ = f"{cls.__qualname__}.{name}"
    responder.__module__ = cls.__module__
    return responder
