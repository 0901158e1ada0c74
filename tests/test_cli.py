"""The ``opensrm`` command, run in-process through Typer's test runner."""

from __future__ import annotations

import subprocess
import sys
import textwrap

import pytest
import typer
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.utils import translation
from typer.testing import CliRunner

from opensrm.cli import PluginError, app, load_plugins, plugin_modules
from opensrm.crm.models import Account, Opportunity
from opensrm.demo.load import read_logins
from opensrm.people.models import Role, User
from opensrm.people.services import team_create

runner = CliRunner()


@pytest.fixture(autouse=True)
def _fresh_content_types():
    yield
    ContentType.objects.clear_cache()  # --reset flushes (and recreates) content types inside the test


TINY = [
    "demo-data",
    "--accounts",
    "60",
    "--reps",
    "5",
    "--years",
    "1",
    "--seed",
    "1",
    "--as-of",
    "2026-06-30",
]


@pytest.fixture(autouse=True)
def _var_in_tmp(settings, tmp_path):
    """Loading demo data writes var/demo-logins.txt: never over a real demo's file."""
    settings.VAR_DIR = tmp_path


@pytest.mark.django_db
def test_demo_data_builds_a_company_and_prints_the_logins():
    result = runner.invoke(app, TINY)
    assert result.exit_code == 0, result.output
    assert Account.objects.count() == 60
    assert Opportunity.objects.exists()
    passwords = read_logins()
    assert passwords["admin"] in result.output
    assert passwords["viewer"] in result.output
    assert passwords["rep002"] not in result.output  # only the demo logins are printed
    assert User.objects.get(username="rep").check_password(passwords["rep"])


@pytest.mark.django_db
def test_demo_data_is_refused_under_production_settings(settings, tmp_path, monkeypatch):
    settings.DEBUG = False
    monkeypatch.setenv("OPENSRM_PRODUCTION", "1")
    result = runner.invoke(app, [*TINY, "--reset"])
    assert result.exit_code == 1
    assert "OPENSRM_PRODUCTION" in result.output
    assert not User.objects.exists()
    assert not (tmp_path / "demo-logins.txt").exists()


@pytest.mark.django_db
def test_demo_data_refuses_to_load_twice_without_reset():
    assert runner.invoke(app, TINY).exit_code == 0
    names = list(Account.objects.order_by("pk").values_list("name", flat=True))
    again = runner.invoke(app, TINY)
    assert again.exit_code == 1
    assert "--reset" in again.output
    assert list(Account.objects.order_by("pk").values_list("name", flat=True)) == names


@pytest.mark.django_db
def test_demo_data_reset_rebuilds_with_the_new_seed():
    assert runner.invoke(app, TINY).exit_code == 0
    first = set(Account.objects.values_list("name", flat=True))
    result = runner.invoke(app, [*TINY[:-4], "--seed", "2", "--as-of", "2026-06-30", "--reset"])
    assert result.exit_code == 0, result.output
    assert Account.objects.count() == 60
    assert set(Account.objects.values_list("name", flat=True)) != first


@pytest.mark.django_db
def test_demo_data_rejects_a_bad_size_and_writes_nothing():
    result = runner.invoke(app, ["demo-data", "--accounts", "50", "--reps", "2", "--as-of", "2026-06-30"])
    assert result.exit_code == 1
    assert not Account.objects.exists()
    assert not User.objects.exists()


@pytest.mark.django_db
def test_createuser_creates_a_user_in_a_team():
    team = team_create(actor=None, name="East")
    result = runner.invoke(
        app,
        ["createuser", "alice", "--role", "manager", "--team", "East", "--password", "Correct-Horse-2026"],
    )
    assert result.exit_code == 0, result.output
    alice = User.objects.get(username="alice")
    assert alice.role == Role.MANAGER
    assert alice.team == team
    assert alice.check_password("Correct-Horse-2026")
    assert alice.history.filter(history_type="+").exists()


@pytest.mark.django_db
def test_createuser_prompts_for_a_missing_password():
    result = runner.invoke(app, ["createuser", "bob"], input="Correct-Horse-2026\nCorrect-Horse-2026\n")
    assert result.exit_code == 0, result.output
    assert User.objects.get(username="bob").check_password("Correct-Horse-2026")


@pytest.mark.django_db
@pytest.mark.parametrize(
    "args",
    [
        ["--role", "emperor", "--password", "Correct-Horse-2026"],
        ["--team", "Nowhere", "--password", "Correct-Horse-2026"],
        ["--password", "123"],
    ],
)
def test_createuser_refuses_bad_input_and_saves_nothing(args):
    result = runner.invoke(app, ["createuser", "carol", *args])
    assert result.exit_code == 1
    assert not User.objects.filter(username="carol").exists()


@pytest.mark.django_db
def test_manage_passes_commands_through_to_django():
    result = runner.invoke(app, ["manage", "check"])
    assert result.exit_code == 0, result.output


def test_plugins_add_their_commands(tmp_path, monkeypatch):
    package = tmp_path / "opensrm_plugin_probe"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "cli.py").write_text(
        textwrap.dedent("""
        import typer

        app = typer.Typer()

        @app.command()
        def hello(name: str = "world") -> None:
            print(f"hello {name}")
    """)
    )
    monkeypatch.syspath_prepend(str(tmp_path))
    target = typer.Typer()

    @target.command()
    def noop() -> None:
        pass

    installed = (*settings.INSTALLED_APPS, "opensrm_plugin_probe")
    added = load_plugins(target, ("opensrm_plugin_probe.cli",), installed=installed)
    assert added == ["opensrm_plugin_probe.cli"]
    result = runner.invoke(target, ["hello", "--name", "OpenSRM"])
    assert result.output.strip() == "hello OpenSRM"
    # a misspelled module, a module without a Typer app, an app that is not installed: errors
    (package / "absent_app.py").write_text("app = None\n")
    for module_name, apps_given, reason in [
        ("opensrm_plugin_probe.clii", installed, "cannot be imported"),
        ("opensrm_plugin_probe.absent_app", installed, "has no Typer 'app'"),
        ("opensrm_plugin_probe.cli", tuple(settings.INSTALLED_APPS), "not in INSTALLED_APPS"),
    ]:
        with pytest.raises(PluginError, match=reason):
            load_plugins(typer.Typer(), (module_name,), installed=apps_given)
    sys.modules.pop("opensrm_plugin_probe.absent_app", None)
    sys.modules.pop("opensrm_plugin_probe.cli", None)
    sys.modules.pop("opensrm_plugin_probe", None)


@pytest.mark.parametrize(
    ("lang", "expected", "absent"), [("en", "Unknown size", "未知"), ("zh-hans", "未知", "Unknown")]
)
def test_lang_chooses_the_language_of_the_output(lang, expected, absent, monkeypatch):
    monkeypatch.setenv("OPENSRM_LANGUAGE", "zh-hans" if lang == "en" else "en")  # --lang wins
    try:
        result = runner.invoke(app, ["--lang", lang, "demo", "--size", "bogus", "--no-serve"])
    finally:
        translation.activate("en")
    assert result.exit_code == 1
    assert expected in result.output
    assert absent not in result.output


def test_an_unknown_lang_is_refused():
    result = runner.invoke(app, ["--lang", "fr", "demo", "--size", "bogus"])
    assert result.exit_code == 2
    assert "--lang" in result.output


def test_the_solver_banner_is_not_printed():
    code = (
        "from opensrm.core.commandline import setup_django; setup_django(); "
        "import highspy; highspy.Highs(); print('ok')"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=True)
    assert out.stdout.strip() == "ok"
    assert "HiGHS" not in out.stdout


@pytest.mark.django_db
def test_load_progress_does_not_count_history_rows_as_rows():
    result = runner.invoke(app, TINY)
    assert result.exit_code == 0, result.output
    assert "120/120" not in result.output  # 60 accounts, each with a history row


def test_the_command_plugins_are_the_cli_modules_of_the_installed_apps():
    assert plugin_modules() == ("opensrm.allocation.cli",)
    # an installed app without a cli module adds nothing; a missing app's package is an error
    assert plugin_modules(("opensrm.core", "opensrm.allocation")) == ("opensrm.allocation.cli",)
    with pytest.raises(ModuleNotFoundError):
        plugin_modules(("opensrm.scorng",))
    result = runner.invoke(app, ["--help"])
    assert result.exit_code == 0
    assert "allocate" in result.output
