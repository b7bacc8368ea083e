"""The gates of a project's status: what must hold before it may move on.

Projects knows the steps (idea → planning → active → closing → closed); the apps that know what a
step needs register a gate for it in their AppConfig.ready(): planning the capacity check before
active, evaluations the mid-term evaluation before closing. A gate is a function
(project, *, by, reason) -> list of the project fields it set, which raises ValidationError with a
message for the user when the project may not pass.
"""

from collections import defaultdict
from collections.abc import Callable

GATES: dict[tuple[str, str], list[Callable]] = defaultdict(list)


def register_gate(*, from_status: str, to_status: str, gate: Callable) -> None:
    GATES[(from_status, to_status)].append(gate)


def pass_gates(project, *, to: str, by, reason: str) -> list[str]:
    """Runs the gates of the step from the project's status to `to`; returns the fields they set."""
    fields = []
    for gate in GATES.get((project.status, to), []):
        fields += gate(project, by=by, reason=reason)
    return fields
