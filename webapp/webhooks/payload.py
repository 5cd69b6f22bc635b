"""What a delivery's body says: the final event of the job or batch, fixed when it ends.

* job: `data` is the last event of GET /api/jobs/{id}/events (status completed or failed,
  report_url, error_code ...);
* batch: `data` is the `end` event of GET /api/batches/{id}/events (counts, percent 100); the
  rows are one GET /api/batches/{id} away.
"""

from __future__ import annotations

import json
from typing import Any

from webapp.batches.models import BatchProgress
from webapp.jobs.hub import event_of
from webapp.jobs.job import Job
from webapp.webhooks.record import Target


def job_payload(hook_id: str, job: Job) -> str:
    return _body(hook_id, "job", job.id, event_of(job).as_dict())


def batch_payload(hook_id: str, progress: BatchProgress) -> str:
    return _body(hook_id, "batch", progress.batch_id, progress.model_dump(mode="json"))


def _body(hook_id: str, target: Target, target_id: str, data: dict[str, Any]) -> str:
    return json.dumps(
        {"webhook_id": hook_id, "target": target, "target_id": target_id, "data": data},
        separators=(",", ":"),
    )
