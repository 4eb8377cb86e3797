"""The schedule for an external scheduler, generated from the task registry.

``crontab`` lines, a ``vercel.json`` ``crons`` list (as the original kept it) and Kubernetes
CronJob documents. Each entry either calls the HTTP cron route (``GET /api/cron/<name>`` with
``Authorization: Bearer $CRON_SECRET``, as Vercel calls it) or runs ``lightninghire cron run``.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterable
from typing import Any

import yaml

from lightninghire.registry import TaskSpec

FORMATS = ("crontab", "vercel", "k8s")
VIAS = ("http", "cli")
CURL_IMAGE = "curlimages/curl:8.11.1"
# The Kubernetes Secret the CronJobs read CRON_SECRET (or, with via="cli", their env) from.
K8S_ENV_OBJECT = "lightninghire"
_K8S_NAME_ROOM = 52 - len("lightninghire-")  # a CronJob name is at most 52 characters


def cron_path(name: str) -> str:
    return f"/api/cron/{name}"


def _sorted(specs: Iterable[TaskSpec]) -> list[TaskSpec]:
    return sorted(specs, key=lambda spec: spec.name)


def crontab(specs: Iterable[TaskSpec], *, base_url: str, via: str = "http") -> str:
    lines = [
        "# LightningHire scheduled tasks: `lightninghire cron schedule --format crontab`.",
        "# Schedules are UTC (CRON_TZ is honoured by cronie; elsewhere run cron in UTC).",
        "# http: CRON_SECRET must be set above these lines or in cron's environment;",
        "# cli: the environment needs the server's settings (MONGODB_URI, ...).",
        "CRON_TZ=UTC",
    ]
    for spec in _sorted(specs):
        if via == "http":
            url = base_url.rstrip("/") + cron_path(spec.name)
            command = (f'curl -fsS -m {spec.lease_seconds} -H "Authorization: Bearer $CRON_SECRET" '
                       f"'{url}' >/dev/null")
        else:
            command = f"lightninghire cron run {spec.name}"
        about = f" - {spec.description}" if spec.description else ""
        lines.append(f"# {spec.name} ({spec.plugin}){about}")
        command = command.replace("%", r"\%")  # in a crontab command a bare % is a newline
        lines.append(f"{spec.schedule} {command}")
    return "\n".join(lines) + "\n"


def vercel(specs: Iterable[TaskSpec]) -> str:
    crons = [{"path": cron_path(spec.name), "schedule": spec.schedule} for spec in _sorted(specs)]
    return json.dumps({"crons": crons}, indent=2) + "\n"


def k8s_name(task: str) -> str:
    """A DNS-1123 CronJob name; a hash keeps names apart that had to be changed to fit."""
    name = re.sub(r"[^a-z0-9-]+", "-", task.lower()).strip("-")
    if name != task or len(name) > _K8S_NAME_ROOM:
        digest = hashlib.sha256(task.encode()).hexdigest()[:6]
        name = f"{name[:_K8S_NAME_ROOM - 7].rstrip('-')}-{digest}"
    return f"lightninghire-{name}"


def k8s_cronjob(spec: TaskSpec, *, base_url: str, via: str = "http", image: str | None = None,
                secret: str | None = None) -> dict[str, Any]:
    secret = secret or K8S_ENV_OBJECT
    if via == "http":
        url = base_url.rstrip("/") + cron_path(spec.name)
        container: dict[str, Any] = {
            "name": "task",
            "image": image or CURL_IMAGE,
            # Kubernetes expands $(CRON_SECRET) from the container's env.
            "args": ["-fsS", "-m", str(spec.lease_seconds),
                     "-H", "Authorization: Bearer $(CRON_SECRET)", url],
            "env": [{"name": "CRON_SECRET",
                     "valueFrom": {"secretKeyRef": {"name": secret, "key": "CRON_SECRET"}}}],
        }
    else:
        container = {"name": "task", "image": image or "lightninghire:latest",
                     "command": ["lightninghire", "cron", "run", spec.name],
                     "envFrom": [{"secretRef": {"name": secret}}]}
    return {
        "apiVersion": "batch/v1",
        "kind": "CronJob",
        "metadata": {"name": k8s_name(spec.name),
                     "labels": {"app.kubernetes.io/name": "lightninghire",
                                "app.kubernetes.io/component": "cron",
                                "lightninghire.task": spec.name}},
        "spec": {
            "schedule": spec.schedule,
            "timeZone": "Etc/UTC",
            # The lease already makes overlapping runs impossible; Forbid saves the extra pods.
            "concurrencyPolicy": "Forbid",
            "successfulJobsHistoryLimit": 1,
            "failedJobsHistoryLimit": 3,
            "jobTemplate": {"spec": {
                "backoffLimit": 0,
                "activeDeadlineSeconds": spec.lease_seconds,
                "template": {"spec": {"restartPolicy": "Never", "containers": [container]}},
            }},
        },
    }


def k8s(specs: Iterable[TaskSpec], *, base_url: str, via: str = "http", image: str | None = None,
        secret: str | None = None) -> str:
    documents = [to_yaml(k8s_cronjob(spec, base_url=base_url, via=via, image=image, secret=secret))
                 for spec in _sorted(specs)]
    header = "# LightningHire scheduled tasks: `lightninghire cron schedule --format k8s`.\n"
    return header + "---\n".join(documents)


def render(fmt: str, specs: Iterable[TaskSpec], *, base_url: str, via: str = "http",
           image: str | None = None, secret: str | None = None) -> str:
    """One of ``FORMATS`` as text."""
    if fmt == "crontab":
        return crontab(specs, base_url=base_url, via=via)
    if fmt == "vercel":
        return vercel(specs)
    if fmt == "k8s":
        return k8s(specs, base_url=base_url, via=via, image=image, secret=secret)
    raise ValueError(f"format must be one of {FORMATS}, not {fmt!r}")


class _ScheduleDumper(yaml.SafeDumper):
    """PyYAML's safe dumper, with two choices for documents people read and paste:

    - every string *value* double-quoted, so nothing is read back as a number, a boolean or an
      alias (cron's ``"*"``, ``"yes"``, ``"0 * * * *"``); keys stay plain where YAML allows it;
    - a list inside a mapping indented under its key, as Kubernetes manifests are written.
    """

    def choose_scalar_style(self) -> str:
        if self.event.tag == "tag:yaml.org,2002:str" and not self.simple_key_context:
            return '"'
        return super().choose_scalar_style()

    def increase_indent(self, flow: bool = False, indentless: bool = False) -> None:
        return super().increase_indent(flow, False)


def to_yaml(value: dict[str, Any]) -> str:
    """One YAML document (block style, insertion order, no line wrapping)."""
    return yaml.dump(value, Dumper=_ScheduleDumper, sort_keys=False, default_flow_style=False,
                     allow_unicode=True, width=1 << 30)
