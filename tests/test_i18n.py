"""R13: the Simplified Chinese catalogue is complete, current, compiled, and used by the pages.

The .po is read by a small parser here (no extra dependency); the gettext tools are needed only
to re-extract and re-compile, and those checks skip with a reason where the tools are missing.
"""

from __future__ import annotations

import gettext
import re
import shutil
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from django.core.management import call_command
from django.test import override_settings
from django.urls import reverse

import opensrm

PACKAGE_DIR = Path(opensrm.__file__).resolve().parent
PO_PATH = PACKAGE_DIR / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"
MO_PATH = PO_PATH.with_suffix(".mo")
HAS_GETTEXT_TOOLS = all(shutil.which(tool) for tool in ("xgettext", "msguniq", "msgmerge", "msgattrib"))
HAS_MSGFMT = shutil.which("msgfmt") is not None


# --- a minimal .po reader ----------------------------------------------------------------------
@dataclass
class Entry:
    msgid: str = ""
    msgid_plural: str | None = None
    msgctxt: str | None = None
    msgstr: dict[int, str] = field(default_factory=dict)
    flags: set[str] = field(default_factory=set)
    line: int = 0

    @property
    def key(self) -> tuple[str | None, str]:
        return (self.msgctxt, self.msgid)

    def label(self) -> str:
        where = f" (context {self.msgctxt!r})" if self.msgctxt else ""
        return f"{self.msgid!r}{where}"


_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", '"': '"', "\\": "\\", "a": "\a", "b": "\b", "f": "\f", "v": "\v"}


def _unquote(text: str) -> str:
    body = text.strip()
    assert body.startswith('"'), body
    assert body.endswith('"'), body
    return re.sub(r"\\(.)", lambda m: _ESCAPES.get(m.group(1), m.group(1)), body[1:-1])


def read_po(path: Path) -> list[Entry]:
    """Every live entry (obsolete ``#~`` entries are left out), the header included."""
    entries: list[Entry] = []
    current: Entry | None = None
    target: tuple[str, int] | None = None

    def finish() -> None:
        nonlocal current, target
        if current is not None:
            entries.append(current)
        current, target = None, None

    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        line = raw.strip()
        if not line:
            finish()
            continue
        if line.startswith("#"):
            if current is not None and current.msgstr:  # comments start the next entry
                finish()
            if line.startswith("#,"):
                current = current or Entry(line=number)
                current.flags |= {f.strip() for f in line[2:].split(",") if f.strip()}
            continue
        keyword, _sep, rest = line.partition(" ")
        if line.startswith('"'):
            assert current is not None, f"{path}:{number}: stray string"
            assert target is not None, f"{path}:{number}: stray string"
            kind, index = target
            if kind == "msgstr":
                current.msgstr[index] += _unquote(line)
            else:
                setattr(current, kind, (getattr(current, kind) or "") + _unquote(line))
            continue
        if keyword in ("msgctxt", "msgid") and current is not None and current.msgstr:
            finish()
        current = current or Entry(line=number)
        if keyword in ("msgctxt", "msgid", "msgid_plural"):
            setattr(current, keyword, _unquote(rest))
            target = (keyword, 0)
        elif keyword == "msgstr":
            current.msgstr[0] = _unquote(rest)
            target = ("msgstr", 0)
        elif keyword.startswith("msgstr["):
            index = int(keyword[len("msgstr[") : -1])
            current.msgstr[index] = _unquote(rest)
            target = ("msgstr", index)
        else:
            raise AssertionError(f"{path}:{number}: cannot read {raw!r}")
    finish()
    return entries


def messages(path: Path) -> list[Entry]:
    return [e for e in read_po(path) if e.msgid or e.msgctxt]


# --- placeholders ------------------------------------------------------------------------------
_CONVERSION = r"[#0\- +]*(?:\d+|\*)?(?:\.(?:\d+|\*))?[diouxXeEfFgGcrsa]"
_NAMED = re.compile(r"%\((\w+)\)" + _CONVERSION)
_POSITIONAL = re.compile(r"%" + _CONVERSION)
_BRACES = re.compile(r"(?<!\{)\{(\w*)\}(?!\})")
_TAGS = re.compile(r"</?[a-zA-Z][^>]*>")


def placeholders(text: str) -> tuple[list[str], list[str], list[str], list[str]]:
    """Named, positional (in order), brace and HTML-tag placeholders; ``%%`` is a literal."""
    plain = text.replace("%%", "")
    named = sorted(set(_NAMED.findall(plain)))
    positional = [m.group(0) for m in _POSITIONAL.finditer(_NAMED.sub("", plain))]
    return named, positional, sorted(set(_BRACES.findall(plain))), sorted(_TAGS.findall(text))


# --- (a) complete ------------------------------------------------------------------------------
def test_every_entry_is_translated_and_none_is_fuzzy():
    entries = read_po(PO_PATH)
    header = [e for e in entries if not e.msgid and not e.msgctxt]
    assert header, "the catalogue has no header"
    assert "fuzzy" not in header[0].flags, "the catalogue header is marked fuzzy"
    assert "Plural-Forms: nplurals=1; plural=0;" in header[0].msgstr[0]
    live = messages(PO_PATH)
    assert len(live) > 500
    fuzzy = [e.label() for e in live if "fuzzy" in e.flags]
    untranslated = [e.label() for e in live if not e.msgstr or not all(s.strip() for s in e.msgstr.values())]
    assert not fuzzy, f"{len(fuzzy)} fuzzy entries: {fuzzy}"
    assert not untranslated, f"{len(untranslated)} untranslated entries: {untranslated}"
    plurals = [e for e in live if e.msgid_plural is not None]
    assert all(sorted(e.msgstr) == [0] for e in plurals), "Chinese has one plural form: msgstr[0] only"


# --- (d) placeholders --------------------------------------------------------------------------
def test_placeholders_and_tags_match_between_msgid_and_msgstr():
    wrong = []
    for e in messages(PO_PATH):
        sources = [e.msgid] if e.msgid_plural is None else [e.msgid, e.msgid_plural]
        for translated in e.msgstr.values():
            got = placeholders(translated)
            if all(placeholders(source) != got for source in sources):
                wrong.append(f"{e.label()}: {placeholders(sources[-1])} != {got} in {translated!r}")
    assert not wrong, "placeholders differ:\n" + "\n".join(wrong)


def test_placeholder_reader_sees_what_python_formatting_sees():
    assert placeholders("%(n)s of %(total).1f, %s and %d, 100%% {name}") == (
        ["n", "total"],
        ["%s", "%d"],
        ["name"],
        [],
    )
    assert placeholders("probability (%)") == ([], [], [], [])
    assert placeholders("Moved to %%s.") == ([], [], [], [])


# --- (c) compiled ------------------------------------------------------------------------------
def _po_catalog() -> dict[object, str]:
    """What a compiled catalogue should hold, in :class:`gettext.GNUTranslations` terms."""
    catalog: dict[object, str] = {}
    for e in read_po(PO_PATH):
        key = e.msgid if e.msgctxt is None else f"{e.msgctxt}\x04{e.msgid}"
        if e.msgid_plural is None:
            catalog[key] = e.msgstr[0]
        else:
            for index, text in e.msgstr.items():
                catalog[(key, index)] = text
    return catalog


def _mo_catalog(path: Path) -> dict[object, str]:
    with path.open("rb") as fh:
        return dict(gettext.GNUTranslations(fh)._catalog)  # type: ignore[attr-defined]


def test_committed_mo_holds_exactly_the_po_translations():
    assert MO_PATH.exists(), "compile the catalogue: django-admin compilemessages"
    po, mo = _po_catalog(), _mo_catalog(MO_PATH)
    stale = sorted(str(k) for k in po.keys() | mo.keys() if k != "" and po.get(k) != mo.get(k))
    assert not stale, f"django.mo is out of date with django.po for {len(stale)} messages: {stale[:20]}"


@pytest.mark.skipif(not HAS_MSGFMT, reason="msgfmt (gettext) is not installed")
def test_po_compiles_cleanly_to_the_committed_mo(tmp_path):
    out = tmp_path / "django.mo"
    subprocess.run(["msgfmt", "--check", "-o", str(out), str(PO_PATH)], check=True, capture_output=True)
    assert _mo_catalog(out) == _mo_catalog(MO_PATH)


# --- (b) current -------------------------------------------------------------------------------
@pytest.mark.skipif(not HAS_GETTEXT_TOOLS, reason="xgettext and the gettext tools are not installed")
def test_catalogue_holds_every_message_the_source_has(tmp_path, monkeypatch):
    copy = tmp_path / "opensrm"
    shutil.copytree(
        PACKAGE_DIR,
        copy,
        ignore=shutil.ignore_patterns("locale", "var", "vendor", "__pycache__", "*.pyc", "*.sqlite3"),
    )
    (copy / "locale").mkdir()
    monkeypatch.chdir(copy)
    with override_settings(LOCALE_PATHS=[str(copy / "locale")]):
        call_command("makemessages", locale=["zh_Hans"], ignore_patterns=["static/vendor/*"], verbosity=0)
    extracted = messages(copy / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po")
    assert len(extracted) > 500, "makemessages extracted too little: is the copy complete?"
    have = {e.key for e in messages(PO_PATH)}
    missing = sorted({e.label() for e in extracted if e.key not in have})
    assert not missing, (
        f"{len(missing)} messages are not in the zh_Hans catalogue; run makemessages, translate them "
        "and compilemessages:\n" + "\n".join(missing)
    )
    plural_changed = sorted(
        e.label()
        for e in extracted
        for mine in messages(PO_PATH)
        if mine.key == e.key and mine.msgid_plural != e.msgid_plural
    )
    assert not plural_changed, f"plural forms changed in the source: {plural_changed}"


# --- (e) the pages speak the language ----------------------------------------------------------
def _page(client, user, name, language):
    client.force_login(user)
    headers = {"HTTP_ACCEPT_LANGUAGE": language}
    response = client.get(reverse(name), **headers)
    assert response.status_code == 200
    return response.content.decode()


@pytest.mark.parametrize("name", ["web:home", "web:account_list"])
def test_pages_speak_chinese_by_default_and_english_on_request(client, org, name):
    from tests.factories import make_account

    make_account(org.rep_a, name="Shanghai Precision Tools")
    zh = _page(client, org.rep_a, name, "zh-hans")
    assert '<html lang="zh-hans">' in zh
    for label in ("客户", "联系人", "线索", "商机", "回收站", "退出登录"):
        assert label in zh, label
    for english in (">Accounts<", "Pipeline board", "Recycle bin", "Sign out", "Log activity"):
        assert english not in zh, f"{english!r} left in English on {name}"

    en = _page(client, org.rep_a, name, "en")
    assert '<html lang="en">' in en
    assert "Accounts" in en
    assert "Recycle bin" in en
    assert "Sign out" in en
    assert "回收站" not in en


def test_the_account_list_shows_translated_columns_filters_and_choices(client, org):
    from tests.factories import make_account

    make_account(org.rep_a, name="Shanghai Precision Tools")
    zh = _page(client, org.rep_a, "web:account_list", "zh-hans")
    for label in ("名称", "行业", "客户等级", "负责人", "潜在客户", "状态：全部"):
        assert label in zh, label
