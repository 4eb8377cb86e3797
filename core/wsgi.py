"""WSGI entry point for running under any server: ``gunicorn 'lightninghire.wsgi:app'``.

Reads settings from the config file and environment; needs ``MONGODB_URI`` (the embedded
database is started only by ``lightninghire serve``).
"""

from __future__ import annotations

from lightninghire.app import create_app

app = create_app()
