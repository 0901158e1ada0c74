"""The organisation rows of the R1 visibility matrix (``tests/api/test_visibility_matrix.py``).

Users and rep profiles are reference data (every signed-in user reads the rows), but their
history records personal data (decision 6): a team-A rep or manager reading the history of a
team-B user or rep profile gets 403.
"""

from __future__ import annotations

from typing import Any

EXPECTED: dict[str, tuple[int, Any]] = {
    "GET /users/{id}/history": (403, None),
    "GET /rep-profiles/{id}/history": (403, None),
}


def targets(org: Any, world: dict[str, Any], pipeline: Any) -> dict[str, Any]:
    del org, world, pipeline
    return {}  # the matrix's own team-B user and rep profile
