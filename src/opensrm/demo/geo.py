"""The cities the demo company sells in: real coordinates from ``data/cities.csv``."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

import numpy as np

from opensrm.demo.catalog import REGION_INDEX

# Accounts sit within this many degrees of their city centre (about ±20 km).
JITTER_DEGREES = 0.2


@dataclass(frozen=True)
class Cities:
    region: np.ndarray  # region index (catalog.REGIONS)
    country: tuple[str, ...]
    province_code: tuple[str, ...]
    province: tuple[str, ...]
    city: tuple[str, ...]
    city_en: tuple[str, ...]
    lat: np.ndarray
    lon: np.ndarray
    weight: np.ndarray

    def __len__(self) -> int:
        return len(self.city)

    @property
    def is_china(self) -> np.ndarray:
        return np.array([c == "CN" for c in self.country])


@lru_cache(maxsize=1)
def load_cities() -> Cities:
    text = resources.files("opensrm.demo").joinpath("data/cities.csv").read_text(encoding="utf-8")
    rows = list(csv.DictReader(text.splitlines()))
    return Cities(
        region=np.array([REGION_INDEX[r["region"]] for r in rows], dtype=np.int64),
        country=tuple(r["country"] for r in rows),
        province_code=tuple(r["province_code"] for r in rows),
        province=tuple(r["province"] for r in rows),
        city=tuple(r["city"] for r in rows),
        city_en=tuple(r["city_en"] for r in rows),
        lat=np.array([float(r["lat"]) for r in rows]),
        lon=np.array([float(r["lon"]) for r in rows]),
        weight=np.array([float(r["weight"]) for r in rows]),
    )


def sample_cities(rng: np.random.Generator, n: int, *, china: bool) -> np.ndarray:
    """``n`` city indices, Chinese or international, drawn by economic weight."""
    cities = load_cities()
    pool = np.flatnonzero(cities.is_china == china)
    w = cities.weight[pool]
    return pool[rng.choice(len(pool), size=n, p=w / w.sum())]


def jittered(rng: np.random.Generator, idx: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Coordinates near each city's centre, rounded to about 10 m."""
    cities = load_cities()
    d = np.clip(rng.normal(0.0, JITTER_DEGREES / 2.5, size=(2, len(idx))), -JITTER_DEGREES, JITTER_DEGREES)
    return np.round(cities.lat[idx] + d[0], 4), np.round(cities.lon[idx] + d[1], 4)
