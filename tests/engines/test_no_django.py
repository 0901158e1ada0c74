"""The engines and their tests import no Django: ``pytest -p no:django tests/engines`` runs them
(docs/architecture.md). Checked in a fresh interpreter, as the suite's own process has Django."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def engine_test_modules() -> list[str]:
    here = Path(__file__).parent
    return sorted(
        ".".join(path.relative_to(ROOT).with_suffix("").parts)
        for path in here.rglob("*.py")
        if path.name.startswith("test_") or path.name in ("conftest.py", "__init__.py")
    )


def test_engine_tests_and_their_conftests_import_no_django():
    modules = ["tests.conftest", *engine_test_modules()]
    assert "tests.engines.allocation.gap.test_solve" in modules
    script = (
        "import importlib, sys\n"
        f"for name in {modules!r}:\n"
        "    importlib.import_module(name)\n"
        "print(sorted(m for m in sys.modules if m == 'django' or m.startswith('django.')))\n"
    )
    out = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, check=False)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "[]"
