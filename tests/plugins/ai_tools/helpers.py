"""Shared test data: a context plugin serving per-user documents through ``user_context``."""

from __future__ import annotations

import types
from typing import Any

from lightninghire.api import hookimpl

JOB = ("Senior Backend Engineer - Acme Health\nWe are hiring a Senior Backend Engineer to "
       "rebuild our claims platform. You will design claims services in Python and PostgreSQL, "
       "and move the busiest claims flows to Kafka.\nRequirements: 5+ years of experience, SQL, "
       "REST API design, AWS, Docker, Kubernetes.\nNice to have: Terraform.\nThe role is fully "
       "remote in the US.")
STRONG_RESUME = ("Dana Kim - Senior Software Engineer\n7 years of experience building backend "
                 "services in Python and PostgreSQL on AWS. Rebuilt the claims platform of a "
                 "health insurer, moving claims flows to Kafka; cut p95 latency by 60%. "
                 "Designed REST APIs and SQL schemas used by 40 partner teams. Docker, "
                 "Kubernetes, Terraform.")
WEAK_RESUME = ("Alex Doe - Junior Web Developer\n1 year of experience building marketing "
               "websites with HTML, CSS and WordPress for local shops. Designed 12 landing "
               "pages and improved their SEO.")


def context_plugin(data: dict[str, dict[str, Any]], *, fail: bool = False) -> Any:
    """A plugin object whose ``user_context`` answers ``data[email]`` for each user."""

    @hookimpl
    def user_context(user: dict[str, Any], services: Any) -> dict[str, Any] | None:
        if fail:
            raise RuntimeError("context source is down")
        return data.get(user["email"])

    return types.SimpleNamespace(__name__="ctx_test_plugin", user_context=user_context)
