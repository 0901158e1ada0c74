"""OPENSRM_CACHE=redis: every process sees the same cache (the login rate-limit counters)."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import uuid
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
REDIS_URL = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0")


def redis_reachable() -> bool:
    try:
        with socket.create_connection(("127.0.0.1", 6379), timeout=0.5):
            return True
    except OSError:
        return False


def run_in_new_process(code: str, tmp_path: Path, **env: str) -> subprocess.CompletedProcess[str]:
    environ = {**os.environ, "OPENSRM_VAR_DIR": str(tmp_path), "DJANGO_SETTINGS_MODULE": "opensrm.config.settings"}
    environ.update(env)
    environ.pop("DATABASE_URL", None)
    script = "import django\ndjango.setup()\nfrom django.core.cache import cache\n" + code
    return subprocess.run(
        [sys.executable, "-c", script], env=environ, capture_output=True, text=True, timeout=60, check=False
    )


@pytest.mark.skipif(not redis_reachable(), reason="Redis is not running on 127.0.0.1:6379")
def test_two_processes_share_failed_login_counters_through_redis(tmp_path):
    key = f"test-{uuid.uuid4().hex}"
    wrote = run_in_new_process(
        f"cache.incr({key!r}) if cache.get({key!r}) else cache.set({key!r}, 3, 60)",
        tmp_path,
        OPENSRM_CACHE="redis",
        REDIS_URL=REDIS_URL,
    )
    assert wrote.returncode == 0, wrote.stderr
    read = run_in_new_process(f"print(cache.get({key!r}))", tmp_path, OPENSRM_CACHE="redis", REDIS_URL=REDIS_URL)
    assert read.returncode == 0, read.stderr
    assert read.stdout.strip() == "3"
    local = run_in_new_process(f"print(cache.get({key!r}))", tmp_path)  # default: per-process memory
    assert local.stdout.strip() == "None"


def test_an_unknown_cache_backend_is_refused_with_its_name(tmp_path):
    result = run_in_new_process("print(1)", tmp_path, OPENSRM_CACHE="memcached")
    assert result.returncode != 0
    assert "OPENSRM_CACHE must be locmem or redis, not 'memcached'" in result.stderr
