from __future__ import annotations

import pytest

from tests.core.policy import metered_plugin


@pytest.fixture
def metered(make_app):
    """An app with the metered test plugin; pass settings to change config."""

    def build(settings=None, **extra_plugins):
        return make_app(plugins=["plans", "metered", *extra_plugins],
                        extra_plugins={"metered": metered_plugin, **extra_plugins},
                        settings=settings)

    return build
