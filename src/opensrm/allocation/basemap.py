"""Which base map the allocation map draws: China's provinces when every point is in China,
the world's countries otherwise.

The outline is coarse (about one degree): enough to tell Seoul, Ulaanbaatar, Hanoi or
Kathmandu from Chinese cities, which a longitude/latitude box around China could not.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

CHINA = "china"
WORLD = "world"

# (longitude, latitude) rings, counter-clockwise is not required (even-odd rule).
_MAINLAND: tuple[tuple[float, float], ...] = (
    (134.7, 48.3), (133.0, 45.5), (132.5, 45.0), (131.0, 44.9), (130.6, 42.4), (128.0, 41.5),
    (124.3, 39.8), (121.0, 38.6), (122.7, 37.4), (122.0, 31.0), (122.5, 29.9), (121.9, 28.5),
    (120.6, 26.8), (119.6, 25.0), (118.5, 24.2), (117.2, 23.3), (116.0, 22.6), (114.3, 22.1),
    (113.5, 21.8), (111.0, 21.4), (110.0, 20.2), (109.6, 21.4), (108.0, 21.5), (106.6, 21.95),
    (106.7, 22.8), (105.3, 23.3), (103.5, 22.7), (102.1, 22.4), (101.8, 21.2), (101.2, 21.2),
    (99.5, 22.1), (97.5, 24.0), (98.7, 27.5), (97.3, 28.2), (95.5, 29.0), (92.0, 27.8),
    (89.5, 28.1), (88.1, 27.9), (86.0, 28.0), (84.0, 28.6), (81.2, 30.0), (79.2, 31.3),
    (78.7, 32.6), (79.4, 34.0), (77.8, 35.5), (75.9, 36.0), (74.6, 37.0), (73.6, 39.5),
    (74.9, 40.5), (76.6, 40.4), (78.3, 41.4), (80.2, 42.1), (80.8, 43.2), (79.9, 44.9),
    (82.3, 45.5), (83.0, 47.2), (85.5, 47.0), (87.3, 49.2), (90.0, 47.9), (90.9, 46.3),
    (91.0, 45.0), (93.5, 44.9), (95.3, 44.0), (96.4, 42.7), (100.8, 42.6), (105.0, 41.6),
    (107.0, 42.0), (110.4, 42.7), (111.9, 43.7), (113.6, 44.7), (116.0, 46.2), (117.8, 46.6),
    (119.9, 46.7), (118.5, 47.9), (115.6, 47.9), (117.4, 49.6), (119.5, 50.3), (121.5, 52.5),
    (122.5, 53.5), (125.5, 53.0), (127.5, 50.2), (130.5, 48.0), (132.5, 47.7),
)  # fmt: skip
_HAINAN = ((108.5, 18.0), (111.2, 18.0), (111.2, 20.2), (108.5, 20.2))
_TAIWAN = ((119.9, 21.8), (122.1, 21.8), (122.1, 25.4), (119.9, 25.4))
_RINGS = (_MAINLAND, _HAINAN, _TAIWAN)


def _inside(lon: float, lat: float, ring: Sequence[tuple[float, float]]) -> bool:
    inside = False
    j = len(ring) - 1
    for i in range(len(ring)):
        (xi, yi), (xj, yj) = ring[i], ring[j]
        if (yi > lat) != (yj > lat) and lon < (xj - xi) * (lat - yi) / (yj - yi) + xi:
            inside = not inside
        j = i
    return inside


def in_china(lon: float, lat: float) -> bool:
    return any(_inside(lon, lat, ring) for ring in _RINGS)


def base_map(points: Iterable[Sequence[Any]]) -> str:
    """``"china"`` when every point (``[lon, lat, ...]``) is in China, else ``"world"``; an empty
    map is drawn as China (the company's home)."""
    return CHINA if all(in_china(float(p[0]), float(p[1])) for p in points) else WORLD
