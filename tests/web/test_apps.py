"""The admin carries the product's name and translated app and model names."""

from __future__ import annotations

from django.urls import reverse


def test_admin_index_is_branded_and_translated(client, org):
    org.admin.language = "zh-hans"
    org.admin.save(update_fields=["language"])
    client.force_login(org.admin)
    html = client.get(reverse("admin:index")).content.decode()
    assert "OpenSRM 管理后台" in html
    assert "Authenticators" not in html
    assert "authenticators" not in html
    assert "登录账户" in html
    assert "双因素认证" in html
