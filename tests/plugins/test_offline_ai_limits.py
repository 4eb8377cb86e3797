"""Every registered AI task answers offline within its own output schema, whatever a caller
sends within its input schema (issue 18, finding 8: long inputs made offline answers fail their
schema, a 502 for a valid request)."""

from __future__ import annotations

import random

from lightninghire.api import AiUnavailable
from tests.plugins.limits import SHAPES, largest_valid


def test_every_offline_task_fits_its_output_schema_at_maximal_inputs(make_app):
    services = make_app().services  # every first-party plugin's tasks, and the core's
    tasks = [task for task in services.ai.tasks if task.input_schema is not None]
    assert len(tasks) >= 20
    failures = []
    for task in tasks:
        for seed, shape in enumerate(SHAPES):
            inputs = largest_valid(task, shape, random.Random(seed))
            try:
                # The real path: input validation, the offline provider, output validation.
                services.ai.run(task.name, inputs)
            except AiUnavailable:
                failures.append(f"{task.name} ({shape})")
    assert failures == []
