"""LightningHire: a minimal Falcon core whose every domain is a pluggy plugin.

The public face for plugin authors: ``hookimpl`` to implement hooks, ``endpoint`` and ``Reply``
to declare routes, the ``AppError`` family to fail, and ``create_app`` to build the WSGI app.
"""

__version__ = "0.1.0"

from lightninghire.app import create_app
from lightninghire.errors import (
    AppError,
    BadRequest,
    Conflict,
    Forbidden,
    NotFound,
    PaymentRequired,
    RateLimited,
    StartupError,
    Unauthenticated,
    UpstreamUnavailable,
    ValidationFailed,
)
from lightninghire.hookspecs import hookimpl
from lightninghire.http.endpoint import Reply, endpoint

__all__ = [
    "AppError",
    "BadRequest",
    "Conflict",
    "Forbidden",
    "NotFound",
    "PaymentRequired",
    "RateLimited",
    "Reply",
    "StartupError",
    "Unauthenticated",
    "UpstreamUnavailable",
    "ValidationFailed",
    "__version__",
    "create_app",
    "endpoint",
    "hookimpl",
]
