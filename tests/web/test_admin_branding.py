"""The admin carries the product's name and translated app and model names."""

from __future__ import annotations

from django.urls import reverse


def test_admin_index_is_branded_and_translated(client, org):
    org.admin.language = "zh-hans"
    org.admin.save(update_fields=["language"])
    client.force_login(org.admin)
    html = client.get(reverse("admin:index")).content.decode()
    assert "OpenSRM 管理后台" in html
    assert "Authenticators" not in html and "authenticators" not in html
    assert "登录账户" in html
    assert "双因素认证" in html


def test_login_field_says_username_or_email_in_chinese(client, db):
    html = client.get(reverse("account_login"), HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "用户名或邮箱" in html
    assert "用户名或email" not in html
    assert '<label for="id_login">登录' not in html
