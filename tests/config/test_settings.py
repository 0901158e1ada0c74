"""R5: production settings pass Django's deployment checks; sessions expire as promised."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from django.conf import settings

ROOT = Path(__file__).resolve().parents[2]


def test_check_deploy_is_clean_with_production_settings(tmp_path):
    env = {
        **os.environ,
        "OPENSRM_SECRET_KEY": "x" * 20 + "-production-secret-key-of-sufficient-length-and-entropy-9f8e7d",
        "OPENSRM_SECURE_COOKIES": "1",
        "OPENSRM_SECURE_SSL_REDIRECT": "1",
        "OPENSRM_HSTS_SECONDS": "31536000",
        "OPENSRM_ALLOWED_HOSTS": "crm.example.com",
        "OPENSRM_VAR_DIR": str(tmp_path),
        "OPENSRM_DEBUG": "0",
    }
    env.pop("DATABASE_URL", None)
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    result = subprocess.run(
        [sys.executable, str(ROOT / "manage.py"), "check", "--deploy", "--fail-level", "WARNING"],
        env=env,
        capture_output=True,
        text=True,
        cwd=tmp_path,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_session_lifetimes():
    assert settings.SESSION_COOKIE_AGE == 12 * 3600
    assert settings.SESSION_IDLE_SECONDS == 30 * 60
    assert settings.SESSION_COOKIE_HTTPONLY


def test_idle_session_is_signed_out(client, org):
    import time

    client.force_login(org.rep_a)
    assert client.get("/").status_code == 200
    session = client.session
    session["_last_seen"] = int(time.time()) - settings.SESSION_IDLE_SECONDS - 5
    session.save()
    response = client.get("/")
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_active_session_stays_signed_in(client, org):
    import time

    client.force_login(org.rep_a)
    session = client.session
    session["_last_seen"] = int(time.time()) - settings.SESSION_IDLE_SECONDS + 120
    session.save()
    assert client.get("/").status_code == 200


def test_login_issues_a_new_session_id(client, org):
    anonymous = client.session
    anonymous["seen_login_page"] = True
    anonymous.save()
    before = anonymous.session_key
    response = client.post("/accounts/login/", {"login": "rep_a", "password": "pw-Strong-123"})
    assert response.status_code == 302
    after = client.cookies["sessionid"].value
    assert before
    assert after
    assert before != after
