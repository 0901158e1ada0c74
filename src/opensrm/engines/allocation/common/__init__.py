"""What every allocation engine shares: result types and codes, great-circle distance, HiGHS."""

from .geo import EARTH_RADIUS_KM, haversine_km
from .outcome import NOT_BLOCKING, BoundScope, Constraint, Status, Violation, ViolationCode
from .result import AssignmentResult, relative_gap

__all__ = [
    "EARTH_RADIUS_KM",
    "NOT_BLOCKING",
    "AssignmentResult",
    "BoundScope",
    "Constraint",
    "Status",
    "Violation",
    "ViolationCode",
    "haversine_km",
    "relative_gap",
]
