"""Doctor's output: one line per check with its fix beneath, or one JSON document."""

from __future__ import annotations

import json

from composer.doctor.check import Status
from composer.doctor.runner import Report

STATUS_WIDTH = 9


def _counted(count: int, noun: str) -> str:
    if count == 0:
        return f"no {noun}s"
    return f"{count} {noun}{'s' if count != 1 else ''}"


def summary(report: Report) -> str:
    problems = _counted(report.count(Status.PROBLEM), "problem")
    return f"{problems}, {_counted(report.count(Status.WARNING), 'warning')}"


def text_lines(report: Report) -> list[str]:
    """`fixed` lines first, then `status  name: message` with `fix: ...` indented below."""
    lines = []
    for applied in report.applied:
        if applied.error is None:
            lines.append(f"{'fixed':<{STATUS_WIDTH}}{applied.name}: wrote {applied.summary}")
        else:
            lines.append(f"{'failed':<{STATUS_WIDTH}}{applied.name}: {applied.error}")
    for check in report.checks:
        lines.append(f"{check.status.value:<{STATUS_WIDTH}}{check.name}: {check.message}")
        if check.fix and check.status is not Status.OK:
            lines.append(f"{'':<{STATUS_WIDTH}}fix: {check.fix}")
    lines.append(summary(report))
    return lines


def as_json(report: Report) -> str:
    document = {
        "checks": [
            {
                "name": check.name,
                "status": check.status.value,
                "message": check.message,
                "fix": check.fix,
                "local_fix": check.action.path if check.action else None,
            }
            for check in report.checks
        ],
        "fixed": [
            {"name": item.name, "path": item.path, "summary": item.summary, "error": item.error}
            for item in report.applied
        ],
        "problems": report.count(Status.PROBLEM),
        "warnings": report.count(Status.WARNING),
    }
    return json.dumps(document, indent=2)
