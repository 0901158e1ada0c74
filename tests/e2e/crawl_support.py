"""A bounded crawl of the pages as one user in one language, collecting findings.

The crawl starts at the home page and follows every same-origin link, every GET filter form and
every POST form it is shown. URLs are deduplicated by route pattern (numbers become ``{id}``,
the query keeps only the names of its non-empty parameters): at most ``VISITS_PER_PATTERN``
pages of a pattern are opened in the browser and ``CHECKS_PER_PATTERN`` links of a pattern are
requested, which bounds the crawl whatever the size of the data.

A finding is a product defect: a 5xx, a broken link, a console or page error, a link shown to a
user who is then refused, or text in the wrong language.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import re
import time
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from urllib.parse import parse_qsl, urlencode, urlsplit

from django.apps import apps
from django.db import models

VISITS_PER_PATTERN = 1
CHECKS_PER_PATTERN = 3
FORMS_PER_PATTERN = 1

# Never followed: they end the session, switch the language under the crawl, or are Django's
# own administration (one page of it is visited, its hundreds of model pages are not).
SKIP_LINK = re.compile(r"^/(accounts/logout/|language/|admin/.+|static/|i18n/)")
# Forms the crawl does not submit, with the reason.
SKIP_FORM = {
    "/accounts/logout/": "ends the session",
    "/language/": "switches the language (covered by test_pages_e2e)",
    "/search/": "a GET search, submitted as a filter",
    "/accounts/password/change/": "would change the crawler's password",
}
SKIP_FORM_PREFIX = ("/accounts/2fa/", "/admin/")
# Forms that remove or finalise records are submitted last, so the rest of the crawl still
# finds the records.
LAST_FORM = re.compile(r"/(delete|purge|cancel|apply|rollback)/$")

CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\u3000-\u303f\uff01-\uff5e]+")
LATIN_WORD = re.compile(r"[A-Za-z][A-Za-z'’]*")
# Removed from the text before looking for words: e-mails, URLs, paths, codes with digits
# (W-1, Q-2026-0001), ISO dates and times.
NOT_WORDS = re.compile(
    r"[\w.+-]+@[\w-]+(\.[\w-]+)+|https?://\S+|(?<!\w)/[\w./{}?=&%-]*|\b[\w-]*\d[\w-]*\b"
    r"|\b[A-Z][A-Za-z_+-]*(/[A-Za-z_+-]+)+"  # IANA time zones: Asia/Shanghai
    r"|\b[a-z][a-z0-9]*(_[a-z0-9]+)+\b"  # identifiers, such as a custom field key: contract_type
)
# Words a Chinese page may show: the product, units, currency and ISO codes, file types.
ALLOWED_LATIN = {
    w.lower()
    for w in [
        "OpenSRM",
        "ISO",
        "UTC",
        "GMT",
        "SRM",
        "EN",
        "CNY",
        "USD",
        "EUR",
        "HKD",
        "JPY",
        "GBP",
        "SGD",
        "TWD",
        "API",
        "PDF",
        "CSV",
        "JSON",
        "HTMX",
        "ID",
        "URL",
        "SSO",
        "MFA",
        "km",
        "kg",
        "h",
        "min",
        "s",
        "ms",
        "x",
        "zh",
        "hans",
        "en",
        "ok",
        "TOTP",
        "ECharts",
        "OpenStreetMap",
        "Swagger",
        "ETag",
        "IP",  # "IP 地址" is how Chinese interfaces name an IP address
    ]
}

JS_TEXT = r"""
() => {
  const out = [];
  const pageLang = document.documentElement.lang || "";
  const skip = (el) => {
    for (let e = el; e; e = e.parentElement) {
      const tag = e.tagName;
      if (tag === "SCRIPT" || tag === "STYLE" || tag === "NOSCRIPT" || tag === "CODE" || tag === "PRE"
          || tag === "svg" || tag === "TEMPLATE" || tag === "TEXTAREA") return true;
      if (e.hasAttribute && e.hasAttribute("lang") && e.getAttribute("lang") !== pageLang) return true;
      if (e.hasAttribute && e.hasAttribute("translate") && e.getAttribute("translate") === "no") return true;
    }
    return false;
  };
  const visible = (el) => {
    if (el.closest("select")) return true;
    return !!(el.offsetWidth || el.offsetHeight || el.getClientRects().length);
  };
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  let n;
  while ((n = walker.nextNode())) {
    const t = n.nodeValue.trim();
    if (!t || !n.parentElement || skip(n.parentElement) || !visible(n.parentElement)) continue;
    out.push(t);
  }
  for (const el of document.querySelectorAll("[placeholder], [title], [aria-label], input[type=submit][value]")) {
    if (skip(el)) continue;
    for (const a of ["placeholder", "title", "aria-label"]) {
      const v = el.getAttribute(a);
      if (v && v.trim()) out.push(v.trim());
    }
    if (el.type === "submit" && el.value) out.push(el.value);
  }
  const t = document.title.trim();
  if (t) out.push(t);
  return out;
}
"""

JS_LINKS = r"""
() => Array.from(document.querySelectorAll("a[href]"))
  .filter((a) => !a.closest("[hidden]") && !a.hasAttribute("download"))
  .map((a) => [a.href, (a.innerText || a.getAttribute("aria-label") || a.title || "").trim().slice(0, 60)])
"""

JS_GET_FORMS = r"""
() => Array.from(document.forms).filter((f) => (f.method || "get").toLowerCase() === "get").map((f) => {
  const base = new URL(f.getAttribute("action") || location.href, location.href);
  const fields = [];
  for (const el of f.elements) {
    if (!el.name) continue;
    if (el.tagName === "SELECT") {
      fields.push({name: el.name, kind: "select", value: el.value,
                   options: Array.from(el.options).map((o) => o.value).filter((v) => v !== "")});
    } else if (["text", "search", "date", "number", "hidden"].includes(el.type)) {
      fields.push({name: el.name, kind: el.type, value: el.value});
    }
  }
  return {action: base.origin + base.pathname, fields};
})
"""

JS_POST_FORMS = r"""
() => Array.from(document.forms).map((f, i) => [f, i])
  .filter(([f]) => (f.getAttribute("method") || "get").toLowerCase() === "post")
  .map(([f, i]) => {
    const action = new URL(f.getAttribute("action") || location.href, location.href);
    const texts = Array.from(f.querySelectorAll("input[type=text], input:not([type]), textarea"))
      .filter((el) => el.name && !el.readOnly && !el.disabled).map((el) => el.name);
    return {index: i, action: action.pathname, id: f.id || "", texts,
            submit: !!f.querySelector("button:not([type=button]), input[type=submit]")};
  })
"""


def pattern(url: str) -> str:
    parts = urlsplit(url)
    path = re.sub(r"/\d+(?=/|$)", "/{id}", parts.path)
    keys = sorted({k for k, v in parse_qsl(parts.query, keep_blank_values=True) if v != ""})
    return path + ("?" + "&".join(keys) if keys else "")


@dataclass(frozen=True)
class Finding:
    role: str
    language: str
    url: str
    what: str
    detail: str

    def line(self) -> str:
        return f"[{self.role}/{self.language}] {self.what}: {self.url} — {self.detail}"


@dataclass
class Vocabulary:
    """Words the seed data (and the crawl's own typing) put on the pages: not interface text."""

    latin: set[str] = field(default_factory=set)
    cjk_text: list[str] = field(default_factory=list)

    def add(self, value: str) -> None:
        self.latin.update(w.lower() for w in LATIN_WORD.findall(value))
        if CJK.search(value):
            self.cjk_text.append(value)

    def cjk_allowed(self, run: str) -> bool:
        return any(run in text for text in self.cjk_text)

    @classmethod
    def from_database(cls) -> Vocabulary:
        vocab = cls()
        for app in ("people", "crm", "territories"):
            for model in apps.get_app_config(app).get_models():
                if model.__name__.startswith("Historical"):
                    continue
                names = [
                    f.name
                    for f in model._meta.concrete_fields
                    if isinstance(f, models.CharField | models.TextField) and not f.choices
                ]
                if not names:
                    continue
                manager = getattr(model, "all_objects", model._default_manager)
                for row in manager.values_list(*names):
                    for value in row:
                        if value:
                            vocab.add(str(value))
        return vocab


def language_findings(texts: Iterable[str], language: str, vocab: Vocabulary) -> list[str]:
    """The texts that are not in ``language`` (after removing seed data, codes and numbers)."""
    wrong = []
    for text in dict.fromkeys(texts):
        if language == "zh-hans":
            words = LATIN_WORD.findall(NOT_WORDS.sub(" ", text))
            bad = [
                w
                for w in words
                if len(w) > 1 and w.lower() not in ALLOWED_LATIN and w.lower().strip("'’") not in vocab.latin
            ]
            if bad:
                wrong.append(f"{text[:80]!r} (words {', '.join(dict.fromkeys(bad))})")
        else:
            runs = [r for r in CJK.findall(text) if not vocab.cjk_allowed(r)]
            if runs:
                wrong.append(f"{text[:80]!r} (CJK {', '.join(dict.fromkeys(runs))})")
    return wrong


@dataclass
class Crawl:
    page: object  # playwright Page, signed in
    base_url: str
    role: str
    language: str
    vocab: Vocabulary
    # (pattern, status) pairs a role is refused on purpose, so a link that answers it is no finding
    deliberate: set[tuple[str, int]] = field(default_factory=set)
    findings: list[Finding] = field(default_factory=list)
    visited: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    checked: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    formed: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    seen_urls: set[str] = field(default_factory=set)
    queue: list[str] = field(default_factory=list)
    later_forms: list[tuple[str, dict]] = field(default_factory=list)
    typed: int = 0
    current: str = ""
    pages: int = 0
    scope: str = "/"
    content_types: dict[str, str] = field(default_factory=dict)
    reported: set[tuple[str, str]] = field(default_factory=set)
    filtered: set[str] = field(default_factory=set)
    planned: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    shown_at: dict[str, str] = field(default_factory=dict)
    started: float = field(default_factory=time.monotonic)
    # False: pages, links, filters, text and console only. Forms behave the same in every
    # language, so one language submits them and the other only reads the pages.
    submit: bool = True

    # --- plumbing ------------------------------------------------------------------------
    def __post_init__(self) -> None:
        self.page.on("console", self._console)
        self.page.on("pageerror", lambda exc: self.add(self.current, "page error", str(exc)[:300]))
        self.page.on("response", self._response)
        self.page.on("dialog", lambda dialog: dialog.accept())

    def _console(self, msg) -> None:
        # Chromium logs every 4xx/5xx response as "Failed to load resource"; statuses are judged
        # in _response (a form re-shown with its errors answers 422 on purpose).
        if msg.type == "error" and not msg.text.startswith("Failed to load resource"):
            self.add(self.current, "console error", msg.text[:300])

    def _response(self, response) -> None:
        if not response.url.startswith(self.base_url):
            return
        status = response.status
        path = urlsplit(response.url).path
        if status >= 500:
            self.add(response.url, f"HTTP {status}", f"{response.request.method} while on {self.current}")
        elif status == 403 and response.request.method == "POST":
            # a form the user is shown must not answer "forbidden" (a CSRF page, a missing right)
            self.add(response.url, "form answered 403", f"POST while on {self.current}")
        elif status == 404 and path.startswith("/static/"):
            self.add(response.url, "missing static file", f"while on {self.current}")
        elif status >= 400 and response.request.resource_type in ("fetch", "xhr"):
            self.add(response.url, f"HTTP {status} to a script request", f"{response.request.method} on {self.current}")

    def evaluate(self, script: str):
        """``page.evaluate`` that waits out a navigation still under way (a form submitted by
        script navigates a moment later)."""
        for attempt in range(3):
            try:
                return self.page.evaluate(script)
            except Exception as exc:
                if "context was destroyed" not in str(exc) or attempt == 2:
                    raise
                self.page.wait_for_load_state("load")
        return None

    def log(self, line: str) -> None:
        # CRAWL_LOG names a file to follow a long crawl in (tail -f); the findings are the result.
        if target := os.environ.get("CRAWL_LOG"):
            with open(target, "a", encoding="utf-8") as out:
                out.write(f"{time.monotonic() - self.started:7.1f}s {self.role}/{self.language} {line}\n")

    def add(self, url: str, what: str, detail: str) -> None:
        url = url.removeprefix(self.base_url) or "/"
        finding = Finding(self.role, self.language, url, what, detail)
        # the same text on many pages is one finding (reported at the first page)
        if (what, detail) not in self.reported:
            self.reported.add((what, detail))
            self.findings.append(finding)
            self.log(f"FINDING {finding.line()}")

    def same_origin(self, url: str) -> str | None:
        if not url.startswith(self.base_url):
            return None
        parts = urlsplit(url)
        return parts.path + (f"?{parts.query}" if parts.query else "")

    # --- one page ------------------------------------------------------------------------
    def visit(self, path: str, *, force: bool = False) -> bool:
        key = pattern(path)
        force = force or path in self.shown_at  # a link's visit was planned when it was found
        if not force and self.visited[key] >= VISITS_PER_PATTERN:
            return False
        if not self.content_types.get(path, "text/html").startswith("text/html"):
            return False  # a PDF or a download: its link was checked, there is no page to inspect
        self.visited[key] += 1
        self.log(f"visit {path}")
        self.current = path
        self.pages += 1
        try:
            response = self.page.goto(path, wait_until="load")
        except Exception as exc:
            if "interrupted by another navigation" in str(exc):
                # the page reloads itself (a plan page polling a job that just finished): read
                # it where it landed
                self.page.wait_for_load_state("load")
                self.inspect()
                return True
            if "Download is starting" in str(exc) or "ERR_ABORTED" in str(exc):
                self.check_link(path, force=True)  # a file, not a page: its status is what counts
            else:  # a navigation that never finishes is a finding, not a crash
                self.add(path, "navigation failed", str(exc).splitlines()[0][:200])
            return False
        status = response.status if response else 0
        if status >= 400:
            self.judge_status(path, status)
            return False
        if response and not response.headers.get("content-type", "").startswith("text/html"):
            return False  # a PDF shown by the browser's viewer: no page of ours to inspect
        self.inspect()
        return True

    def inspect(self) -> None:
        """Checks on the page now shown: language, links (queued and checked), forms (queued)."""
        page = self.page
        # requests htmx makes on load (notifications, partials) are judged as they answer
        page.wait_for_timeout(50)
        here = self.same_origin(page.url) or self.current
        self.current = here
        if page.locator("html").get_attribute("lang") != self.language:
            self.add(here, "wrong page language", f"html lang={page.locator('html').get_attribute('lang')}")
        # Django's administration is translated by Django's own catalogue, not ours.
        if not here.startswith("/admin/"):
            for wrong in language_findings(self.evaluate(JS_TEXT), self.language, self.vocab):
                self.add(here, "untranslated text", wrong)
        for href, label in self.evaluate(JS_LINKS):
            path = self.same_origin(href.split("#")[0])
            if path is None or not path:
                continue
            if SKIP_LINK.match(path) or path in self.seen_urls:
                continue
            self.seen_urls.add(path)
            self.shown_at[path] = f"link {label!r} on {here}"
            key = pattern(path)
            if path.startswith(self.scope) and self.planned[key] < VISITS_PER_PATTERN:
                self.planned[key] += 1
                self.queue.append(path)  # opened in the browser, which checks its status
            else:
                self.check_link(path)
        for form in self.evaluate(JS_GET_FORMS):
            self.filter_urls(form)
        away = False
        for form in self.evaluate(JS_POST_FORMS) if self.submit else ():
            action = form["action"]
            if action in SKIP_FORM or action.startswith(SKIP_FORM_PREFIX) or not form["submit"]:
                continue
            key = pattern(action) + "#" + (form["id"] or "form")
            if self.formed[key] >= FORMS_PER_PATTERN:
                continue
            self.formed[key] += 1
            target = (here, form)
            if LAST_FORM.search(action):
                self.later_forms.append(target)
            else:
                if away:  # back to the page for the rest of its forms (not after its last one)
                    page.goto(here)
                self.submit_forms(here, form)
                away = True

    def check_link(self, path: str, *, force: bool = False) -> None:
        """A link not opened in the browser (its pattern has had its visits): request it."""
        key = pattern(path)
        if not force and self.checked[key] >= CHECKS_PER_PATTERN - VISITS_PER_PATTERN:
            return
        self.checked[key] += 1
        response = self.page.context.request.get(path, max_redirects=5, fail_on_status_code=False)
        self.content_types[path] = response.headers.get("content-type", "")
        if response.status >= 400:
            self.judge_status(path, response.status, by_page=False)

    def judge_status(self, path: str, status: int, *, by_page: bool = True) -> None:
        where = self.shown_at.get(path, f"opened from {self.current}")
        if status >= 500:
            if not by_page:  # the page's own requests are reported by _response
                self.add(path, f"HTTP {status}", f"GET of {where}")
            return
        if (pattern(path), status) in self.deliberate:
            return
        if status == 403 and self.role == "viewer":
            self.add(path, "viewer is shown a link it is refused (403)", where)
        else:
            self.add(path, f"broken link (HTTP {status})", where)

    # --- filters -------------------------------------------------------------------------
    def filter_urls(self, form: dict) -> None:
        """Each select of a GET form set to its first choice, and each text field filled, one
        at a time (combinations would multiply the patterns, not the defects found)."""
        base = self.same_origin(form["action"])
        if base in self.filtered:
            return
        self.filtered.add(base)
        if base is None or base.startswith("/search/"):
            if base and base.startswith("/search/"):
                self.queue.append("/search/?" + urlencode({"q": self.sample_word()}))
            return
        variants = []
        for f in form["fields"]:
            if f["kind"] == "select" and f["options"]:
                variants.append({f["name"]: f["options"][0]})
            elif f["kind"] in ("text", "search"):
                variants.append({f["name"]: self.sample_word()})
        for params in variants:
            url = base + "?" + urlencode(params)
            if not url.startswith(self.scope):
                continue
            if url not in self.seen_urls:
                self.seen_urls.add(url)
                self.queue.append(url)

    def sample_word(self) -> str:
        return "a" if self.language == "en" else "上"

    # --- POST forms ----------------------------------------------------------------------
    def _form(self, index: int):
        return self.page.locator("form").nth(index)

    def _submit(self, here: str, index: int, what: str) -> None:
        form = self._form(index)
        button = form.locator("button:not([type=button]), input[type=submit]").first
        self.current = f"{here} ({what})"
        self.log(what)
        answer = _Answer(self.page, self.base_url)
        try:
            if not button.is_visible():
                # inside a closed menu or dialog: submit it as the page's script would
                self.page.evaluate("i => document.forms[i].requestSubmit()", index)
            else:
                try:
                    button.click(timeout=2_000)
                except Exception:  # covered by another element (a card on the board): submit as a script
                    self.page.evaluate("i => document.forms[i].requestSubmit()", index)
            answer.wait()
        except Exception as exc:
            answer.close()
            if "context was destroyed" not in str(exc) and "interrupted by another navigation" not in str(exc):
                self.add(here, "form could not be submitted", f"{what}: {str(exc).splitlines()[0][:200]}")
                return
            # the submit navigated while the call returned: the answer is judged like any other
            with contextlib.suppress(Exception):
                self.page.wait_for_load_state("load")
        self.inspect_after_submit(here, what)

    def inspect_after_submit(self, here: str, what: str) -> None:
        path = self.same_origin(self.page.url) or here
        self.current = path
        for wrong in language_findings(self.evaluate(JS_TEXT), self.language, self.vocab):
            self.add(path, "untranslated text", wrong)

    def _index_now(self, form: dict) -> int | None:
        """The form's index on the page as it is now: an earlier form (a removed line) may have
        changed how many forms come before it."""
        for now in self.evaluate(JS_POST_FORMS):
            if now["action"] == form["action"] and now["id"] == form["id"]:
                return now["index"]
        return None

    def submit_forms(self, here: str, form: dict) -> None:
        """Submitted unchanged, then (when it has a text field) with a changed text field."""
        index = self._index_now(form)
        if index is None:
            return  # gone since the page was read (its record was removed by an earlier form)
        form = {**form, "index": index}
        self._submit(here, form["index"], f"form {form['action']} submitted unchanged")
        if not form["texts"]:
            return
        self.page.goto(here)
        index = self._index_now(form)
        if index is None:
            return
        form = {**form, "index": index}
        self.typed += 1
        value = f"Crawl {self.role} {self.typed}" if self.language == "en" else f"巡检 {self.role} {self.typed}"
        self.vocab.add(value)
        field_ = self._form(form["index"]).locator(f"[name='{form['texts'][0]}']")
        try:
            if field_.is_visible():
                old = field_.input_value()
                field_.fill(f"{old} {value}".strip()[:60] if old else value)
            else:
                field_.evaluate("(el, v) => { el.value = v; }", value)
        except Exception as exc:
            self.add(here, "form field could not be filled", str(exc).splitlines()[0][:200])
            return
        self._submit(here, form["index"], f"form {form['action']} submitted with {form['texts'][0]} changed")

    # --- the whole crawl -----------------------------------------------------------------
    def run(self, start: Iterable[str] = ("/",), max_pages: int = 400, scope: str = "/") -> list[Finding]:
        self.scope = scope
        start = list(start)
        self.queue.extend(start)
        self.seen_urls.update(start)
        while self.queue and self.pages < max_pages:
            path = self.queue.pop(0)
            try:
                self.visit(path)
            except Exception as exc:  # one page the crawler cannot read must not end the crawl
                self.add(path, "crawler could not inspect the page", str(exc).splitlines()[0][:200])
        for here, form in self.later_forms:
            self.page.goto(here)
            forms = self.evaluate(JS_POST_FORMS)
            match = [f for f in forms if f["action"] == form["action"] and f["id"] == form["id"]]
            if match:
                self._submit(here, match[0]["index"], f"form {form['action']} submitted")
        return self.findings


def _is_file(response) -> bool:
    if response.status == 204:
        return True
    return 200 <= response.status < 300 and not response.headers.get("content-type", "").startswith("text/html")


class _Answer:
    """Waits for the answer to a submitted form, whichever it is: a new page (a form post, a
    redirect), an htmx or script request that swaps part of the page, or nothing (the browser's
    own validation stopped the submit). It replaces a wait for network idle, which costs at least
    half a second per submit whatever the answer."""

    NOTHING_SENT_MS = 400  # no POST leaves the page within this: the submit was stopped
    ANSWER_MS = 5_000  # a POST sent is answered within this (a slower one is judged as it lands)
    STEP_MS = 25

    def __init__(self, page, base_url: str) -> None:
        self.page = page
        self.base_url = base_url
        self.sent = False
        self.loaded = False
        self.answered: list = []
        page.on("request", self._request)
        page.on("response", self._response)
        page.on("load", self._load)

    def _request(self, request) -> None:
        if request.method == "POST" and request.url.startswith(self.base_url):
            self.sent = True

    def _response(self, response) -> None:
        if response.request.method == "POST" and response.url.startswith(self.base_url):
            self.answered.append(response)

    def _load(self, _page) -> None:
        self.loaded = True

    def wait(self) -> None:
        waited = 0
        try:
            while waited < self.ANSWER_MS:
                if self.loaded:  # a new page: its own requests (htmx on load) start now
                    self.page.wait_for_timeout(50)
                    return
                if not self.sent and waited >= self.NOTHING_SENT_MS:
                    return
                if any(_is_file(r) for r in self.answered):
                    return  # a download: there is no new page to wait for
                if any(not r.request.is_navigation_request() for r in self.answered):
                    # htmx or a script: the swap is done when htmx removes its request class
                    with contextlib.suppress(Exception):
                        self.page.locator(".htmx-request").first.wait_for(state="detached", timeout=2_000)
                    self.page.wait_for_timeout(50)
                    return
                self.page.wait_for_timeout(self.STEP_MS)
                waited += self.STEP_MS
        finally:
            self.close()

    def close(self) -> None:
        for event, listener in (("request", self._request), ("response", self._response), ("load", self._load)):
            with contextlib.suppress(Exception):  # already removed
                self.page.remove_listener(event, listener)


def report(findings: Iterable[Finding]) -> str:
    by_cause: dict[str, list[Finding]] = defaultdict(list)
    for f in findings:
        by_cause[f.what].append(f)
    lines = []
    for cause, items in sorted(by_cause.items()):
        lines.append(f"== {cause} ({len(items)})")
        lines.extend("  " + f.line() for f in items)
    return "\n".join(lines)


# --- the seeded company ----------------------------------------------------------------------


def seed_company():
    """Two teams, one user per role, every record type, a pipeline, allocation scenarios (a
    draft and a solved one), built through the services. Returns the ``Org``."""
    from opensrm.allocation import services as planning
    from opensrm.core.services import record_create
    from opensrm.crm.models import (
        Activity,
        ActivityKind,
        Contact,
        Lead,
        PriceList,
        Product,
    )
    from opensrm.crm.services import lead_create, opportunity_line_add
    from opensrm.crm.services.catalog import price_list_item_set
    from opensrm.crm.services.orders import order_create
    from opensrm.crm.services.quotes import quote_create
    from opensrm.crm.services.territories import territory_create
    from opensrm.people.services import rep_profile_upsert
    from tests.allocation.conftest import BEIJING, HANGZHOU, SHANGHAI, build_alloc_org
    from tests.factories import make_account, make_opportunity, make_pipeline

    world = build_alloc_org()
    org = world.org
    # build_alloc_org is a deliberately unbalanced puzzle (only rep_a takes every industry, 1.3
    # hours a week each), which the form's defaults cannot balance. The crawl needs a company as
    # users have one: every rep with a week's room, overlapping specialisations, a few dozen
    # accounts spread over owners, cities and tiers.
    for user, home, industries in (
        (org.rep_a, SHANGHAI, []),
        (org.rep_a1, HANGZHOU, ["manufacturing", "retail", "technology", "energy"]),
        (org.rep_b, BEIJING, ["finance", "energy", "technology"]),
    ):
        rep_profile_upsert(
            user=user,
            actor=org.admin,
            data={
                "home_lat": home[0],
                "home_lon": home[1],
                "weekly_capacity_hours": Decimal("8"),
                "industries": industries,
            },
        )
    places = (("Shanghai", SHANGHAI), ("Hangzhou", HANGZHOU), ("Beijing", BEIJING))
    industries = ("finance", "manufacturing", "retail", "technology", "energy")
    reps = (org.rep_a, org.rep_a1, org.rep_b)
    for k in range(24):
        city, (lat, lon) = places[k % 3]
        make_account(
            reps[(k // 3) % 3],
            name=f"Customer {k + 1:02d}",
            city=city,
            industry=industries[k % 5],
            tier="BCDC"[k % 4],
            lat=lat + 0.03 * (k % 4),
            lon=lon + 0.03 * (k % 5),
            annual_revenue=Decimal(800_000 + 60_000 * k),
        )
    pipeline = make_pipeline()
    territory = territory_create(actor=org.admin, data={"name": "华东大区", "code": "EAST-1"})
    gateway = Product.objects.create(code="GW-100", name="智能网关", unit_price=Decimal("1000.00"))
    cable = Product.objects.create(code="CB-2", name="Cable", unit_price=Decimal("20.00"))
    prices = record_create(model=PriceList, actor=org.admin, data={"name": "Retail 2027"})
    price_list_item_set(price_list=prices, product=gateway, unit_price=Decimal("950.00"), actor=org.admin)
    for owner, name, city in (
        (org.rep_a, "杭州云帆科技有限公司", "杭州"),
        (org.rep_a1, "Shanghai Precision Tools", "Shanghai"),
        (org.manager_a, "Ningbo Port Logistics", "Ningbo"),
        (org.rep_b, "北京星河能源", "北京"),
    ):
        account = make_account(owner, name=name, city=city, territory=territory)
        contact = record_create(
            model=Contact,
            actor=owner,
            data={"name": "王芳", "account": account, "email": f"wf{account.pk}@example.cn", "owner": owner},
        )
        opp = make_opportunity(account, owner, pipeline, amount="120000")
        opportunity_line_add(opportunity=opp, actor=owner, product=gateway, quantity=Decimal("3"))
        opportunity_line_add(opportunity=opp, actor=owner, product=cable, quantity=Decimal("10"))
        quote_create(actor=owner, opportunity=opp, data={"contact": contact})
        order_create(
            actor=owner,
            data={
                "number": f"SO-2026-{account.pk:04d}",
                "account": account,
                "opportunity": opp,
                "owner": owner,
                "order_date": dt.date(2026, 11, 2),
            },
            lines=[{"product": gateway, "quantity": 2}],
        )
        record_create(
            model=Activity,
            actor=owner,
            data={
                "kind": ActivityKind.TASK,
                "subject": f"回访 {name}",
                "account": account,
                "owner": owner,
                "due_at": dt.datetime(2026, 12, 4, 9, tzinfo=dt.UTC),
            },
        )
        lead_create(
            actor=owner,
            data={"name": "李雷", "company": f"{city}新材料", "owner": owner, "estimated_value": Decimal("50000")},
        )
    # one record in the recycle bin, so the bin has something to show and restore
    from opensrm.core.services import record_delete

    spare = record_create(
        model=Lead, actor=org.rep_a, data={"name": "Spare lead", "company": "Old Co", "owner": org.rep_a}
    )
    record_delete(instance=spare, actor=org.rep_a, expected_version=spare.version)
    draft = planning.plan_create(actor=org.ops, data={"name": "草案 2027", "kind": "assignment"})
    solved = planning.plan_create(
        actor=org.ops, data={"name": "Balanced 2027", "kind": "assignment", "parameters": {"time_limit": 10}}
    )
    planning.plan_solve(scenario=solved, actor=org.ops, progress=lambda f, m: None)
    assert draft.pk
    assert Contact.objects.exists()
    assert Lead.objects.exists()
    return org
