"""Browser tests: Debian's Chromium driven by Playwright against pytest-django's live server.

One headless Chromium for the whole session (Playwright gives each launch a fresh temporary
profile directory, deleted when the browser closes); a new, isolated browser context per test.

`playwright install` downloads its own browser and cannot work here: run
scripts/install-chromium.sh, which installs Debian's `chromium` package. Without it these
tests are skipped, not failed, so the rest of the suite still runs.

The live server runs in another thread: browser tests use
`@pytest.mark.django_db(transaction=True)` so that what they create is committed.
"""

import contextlib
import json
import os
import re
import shutil
import warnings
from pathlib import Path

import pytest
from django.conf import settings
from playwright.sync_api import Error as PlaywrightError

# Playwright's sync API runs an event loop in this thread; Django would otherwise refuse ORM
# calls made by the test between browser steps.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

AXE_JS = settings.BASE_DIR / "node_modules" / "axe-core" / "axe.min.js"
SCREENSHOTS = settings.BASE_DIR / "var" / "screenshots"
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
    "--disable-dev-shm-usage",
]
# Desktop width; a phone width is checked separately where it matters.
VIEWPORT = {"width": 1280, "height": 900}
PASSWORD = "correct horse battery staple"


def chromium_path() -> str | None:
    for candidate in ("/usr/bin/chromium", shutil.which("chromium"), shutil.which("chromium-browser")):
        if candidate and Path(candidate).exists():
            return candidate
    return None


def pytest_collection_modifyitems(config, items):
    """Everything under tests/browser is a browser test, and needs Chromium."""
    here = Path(__file__).parent
    missing = chromium_path() is None
    for item in items:
        if here in Path(str(item.fspath)).parents:
            item.add_marker(pytest.mark.browser)
            if missing:
                item.add_marker(pytest.mark.skip(reason="Chromium is not installed: run scripts/install-chromium.sh"))


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    path = chromium_path()
    if path is None:
        pytest.skip("Chromium is not installed: run scripts/install-chromium.sh")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=path, headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture(autouse=True)
def _audit_log_emptied_before_flush(emptied_audit_log):
    """The live server needs a transactional database, emptied by a flush after each test (see emptied_audit_log)."""


@pytest.fixture(scope="session")
def _session_context(browser, live_server):
    """One browser context for the session, pointed at the live server; tests clear its cookies.

    The site's strict Content-Security-Policy stays on (so a script or style it would block in
    production is caught here too); axe-core is added as an init script, which CSP does not govern.
    """
    context = browser.new_context(base_url=live_server.url, viewport=VIEWPORT, locale="en-GB")
    context.set_default_timeout(10_000)
    context.add_init_script(path=str(AXE_JS))
    yield context
    context.close()


@pytest.fixture(scope="session")
def _session_page(_session_context):
    """One tab, reused from test to test: opening a tab costs Chromium a new renderer (~0.3 s)."""
    holder = {}

    def current():
        if "page" not in holder or holder["page"].is_closed():
            holder["page"] = _new_page(_session_context)
        return holder["page"]

    yield current
    if "page" in holder and not holder["page"].is_closed():
        holder["page"].close()


def _new_page(context):
    page = context.new_page()
    page.js_errors, page.failed_assets, page.console_errors = [], [], []
    page.on("pageerror", lambda exc: page.js_errors.append(str(exc)))
    page.on("response", lambda r: page.failed_assets.append(f"{r.status} {r.url}") if r.status >= 400 and _is_asset(r.url) else None)
    page.on("console", lambda m: page.console_errors.append(m.text) if m.type == "error" and not _from_axe(m) else None)
    return page


def _from_axe(message) -> bool:
    """axe-core's own probing (it reads some pages' styles by adding inline ones, which CSP refuses) is not the page's doing."""
    return (message.location or {}).get("url", "").endswith(AXE_JS.name)


@pytest.fixture
def context(_session_context):
    """The browser context, with no cookies: each test starts signed out."""
    _session_context.clear_cookies()
    yield _session_context
    _session_context.clear_cookies()


@pytest.fixture
def page(context, _session_page, request):
    """A blank tab at desktop width, recording JavaScript errors, console errors and failed assets."""
    page = _session_page()
    page.goto("about:blank")
    page.set_viewport_size(VIEWPORT)
    page.js_errors.clear()
    page.failed_assets.clear()
    page.console_errors.clear()
    yield page
    outcome = getattr(request.node, "outcome_call", None)
    if outcome is not None and outcome.failed and not page.is_closed():
        # A screenshot is a courtesy: never let it hide the real failure.
        with contextlib.suppress(Exception):
            screenshot(page, f"FAILED-{request.node.name}")


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item, call):
    """Let fixtures see whether the test itself failed (to screenshot the page it failed on)."""
    report = yield
    if report.when == "call":
        item.outcome_call = report
    return report


def _is_asset(url: str) -> bool:
    return "/static/" in url or "/assets/" in url


@pytest.fixture
def sign_in_as(context, live_server):
    """Sign a user in by copying a server-side session into the browser (second factor given), with the cookie the
    sign-in page sets beside it, which tells a session that ran out from one never begun."""

    def sign_in_as(user):
        from django.test import Client

        from accounts.middleware import SIGNED_IN_COOKIE
        from tests.conftest import sign_in

        client = sign_in(Client(), user)
        cookie = client.cookies[settings.SESSION_COOKIE_NAME]
        context.add_cookies(
            [
                {"name": name, "value": value, "url": live_server.url, "httpOnly": True, "sameSite": "Lax"}
                for name, value in ((settings.SESSION_COOKIE_NAME, cookie.value), (SIGNED_IN_COOKIE, "1"))
            ]
        )
        return user

    return sign_in_as


def screenshot(page, name: str) -> Path | None:
    """Save the whole page as a PNG; return its path, or None when Chromium could not capture it.

    Chromium now and then answers "Unable to capture screenshot" when the machine is busy (both
    cores running tests): the page is fine, so try twice more, then the visible part only, and
    leave a warning rather than fail a check of the page for want of a picture of it."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{safe_name(name)}.png"
    last = None
    for full_page in (True, True, True, False):
        try:
            page.screenshot(path=str(path), full_page=full_page)
            return path
        except PlaywrightError as error:
            last = error
            page.wait_for_timeout(250)
    warnings.warn(f"No screenshot of {page.url}: {last}", stacklevel=2)
    return None


def safe_name(name: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]+", "-", name).strip("-") or "page"


# Best-practice rules held to as well: all content within landmarks, so that a screen reader's landmark
# navigation reaches every part of a page.
BEST_PRACTICE_RULES = {"region": {"enabled": True}}


# GOV.UK Frontend's conditionally revealed questions: its script says on each radio whether the question it reveals
# is shown (aria-expanded), which ARIA allows only on other roles. GOV.UK keeps it on purpose, as screen readers do
# announce it (a known issue of its radios, alphagov/govuk-frontend#979), so that one finding is set aside; any other
# attribute axe-core finds on a radio, or aria-expanded anywhere else, is not.
GOVUK_REVEALING_RADIO = re.compile(
    r'^<input class="govuk-radios__input"[^>]* aria-controls="conditional-[\w-]+" aria-expanded="(true|false)"'
)
ONLY_ARIA_EXPANDED = re.compile(r'^Fix all of the following:\s+ARIA attribute is not allowed: aria-expanded="(true|false)"$')


def _govuk_reveal(node: dict) -> bool:
    return bool(GOVUK_REVEALING_RADIO.match(node["html"]) and ONLY_ARIA_EXPANDED.match((node.get("failureSummary") or "").strip()))


def axe_violations(page) -> list[dict]:
    """Run axe-core on the page as it is now; return WCAG 2.2 A/AA violations, and those of BEST_PRACTICE_RULES, but
    for GOV.UK's revealing radios' aria-expanded (GOVUK_REVEALING_RADIO)."""
    options = {"runOnly": {"type": "tag", "values": WCAG_TAGS}, "rules": BEST_PRACTICE_RULES, "resultTypes": ["violations"]}
    result = page.evaluate("async (options) => await window.axe.run(document, options)", options)
    violations = []
    for violation in result["violations"]:
        if violation["id"] == "aria-allowed-attr":
            violation["nodes"] = [node for node in violation["nodes"] if not _govuk_reveal(node)]
        if violation["nodes"]:
            violations.append(violation)
    return violations


def format_violations(violations: list[dict]) -> str:
    lines = []
    for v in violations:
        lines.append(f"- {v['id']} ({v.get('impact')}): {v['help']}\n  {v['helpUrl']}")
        for node in v["nodes"][:10]:
            target = " ".join(json.dumps(t) if not isinstance(t, str) else t for t in node["target"])
            lines.append(f"    at {target}\n       {node['html'][:300]}")
            summary = (node.get("failureSummary") or "").replace("\n", " ")
            if summary:
                lines.append(f"       {summary[:400]}")
        if len(v["nodes"]) > 10:
            lines.append(f"    ... and {len(v['nodes']) - 10} more")
    return "\n".join(lines)


# Each box that scrolls sideways (macros.html: scrolls_sideways) while it is a region, as app.mjs keeps it only while
# its content is wider than it: named by the words of the elements its aria-labelledby gives (and described by those of
# its aria-describedby), each id that of one element on the page, and those words the name of the table or chart in it.
SCROLL_REGION_PROBLEMS = r"""() => {
    const said = (element, attribute) => (element.getAttribute(attribute) || '').split(/\s+/).filter(Boolean);
    const text = element => (element?.textContent || '').replace(/\s+/g, ' ').trim();
    const words = ids => ids.map(id => text(document.getElementById(id))).join(' ').trim();
    return [...document.querySelectorAll('.cg-table-scroll[role], .cg-table-scroll[tabindex]')].map(box => {
        const problems = [];
        if (box.getAttribute('role') !== 'region') problems.push('a tab stop that is no region');
        for (const attribute of ['aria-labelledby', 'aria-describedby']) {
            for (const id of said(box, attribute)) {
                const found = document.querySelectorAll(`[id="${CSS.escape(id)}"]`).length;
                if (found !== 1) problems.push(`${attribute} gives "${id}", the id of ${found} elements`);
            }
        }
        const name = words(said(box, 'aria-labelledby'));
        const held = box.querySelector('table, svg[aria-labelledby]');
        const heldName = held?.tagName === 'TABLE' && held.caption ? text(held.caption) : words(held ? said(held, 'aria-labelledby') : []);
        if (!name) problems.push('no name (aria-labelledby gives no words)');
        else if (name !== heldName) problems.push(`named "${name}" but holds "${heldName}"`);
        if (said(box, 'aria-describedby').length && !words(said(box, 'aria-describedby'))) problems.push('described by no words');
        return problems.length ? `${box.outerHTML.slice(0, 160)}: ${problems.join('; ')}` : null;
    }).filter(Boolean);
}"""


# Tables a screen reader cannot name: its list of a page's tables gives each by its caption, or by the words its
# aria-labelledby points to. The service's own pages (GOV.UK's template), and Django's admin's lists of results, which
# the admin's templates name (core/admin_templates); not its other tables, which Django names none of. And
# captions whose words run on past the edge of the box their table scrolls in, to be scrolled to (WCAG 1.4.10: a wide
# table may scroll sideways, but the words that name it are read without).
TABLE_PROBLEMS = r"""() => {
    const words = ids => ids.split(/\s+/).filter(Boolean).map(id => document.getElementById(id)?.textContent || '').join(' ').trim();
    const unnamed = [...document.querySelectorAll('.govuk-template__body table, table#result_list')]
        .filter(table => !(table.caption?.textContent.trim() || words(table.getAttribute('aria-labelledby') || '')))
        .map(table => `a table with no name: ${table.outerHTML.slice(0, 120)}`);
    const cut = [...document.querySelectorAll('.cg-table-scroll > table > caption')]
        .filter(caption => caption.checkVisibility() && !caption.classList.contains('govuk-visually-hidden'))
        .filter(caption => {
            const text = document.createRange();
            text.selectNodeContents(caption);
            return text.getBoundingClientRect().right > caption.closest('.cg-table-scroll').getBoundingClientRect().right + 0.5;
        })
        .map(caption => `a caption whose words run on past the edge of its box: "${caption.textContent.trim().slice(0, 80)}"`);
    return unnamed.concat(cut);
}"""


def page_problems(page, name: str) -> list[str]:
    """Screenshot the page (always); return what is wrong with it: axe-core's WCAG 2.2 A/AA
    violations, JavaScript errors, scripts or styles the Content-Security-Policy blocked,
    stylesheets, scripts, fonts or images that failed to load, and boxes that scroll sideways not
    named after what they hold (SCROLL_REGION_PROBLEMS), tables with no name and captions cut off (TABLE_PROBLEMS)."""
    path = screenshot(page, name)
    problems = []
    violations = axe_violations(page)
    if violations:
        problems.append(f"axe-core found {len(violations)} accessibility violation(s):\n{format_violations(violations)}")
    if getattr(page, "js_errors", None):
        problems.append("JavaScript errors:\n" + "\n".join(f"- {e}" for e in page.js_errors))
    csp = [m for m in getattr(page, "console_errors", []) if "Content Security Policy" in m]
    if csp:
        problems.append("Blocked by the Content-Security-Policy:\n" + "\n".join(f"- {m}" for m in csp))
    if getattr(page, "failed_assets", None):
        problems.append("Assets that failed to load:\n" + "\n".join(f"- {a}" for a in page.failed_assets))
    escaped = page.evaluate(
        r"""() => [...document.querySelectorAll('main *')]
            .filter(el => el.childElementCount === 0 && el.checkVisibility() && /<\/?(a|span|strong|div|p|br|ul|li|abbr|time)\b[^>]*>/i.test(el.textContent))
            .slice(0, 5).map(el => el.tagName.toLowerCase() + ': ' + el.textContent.trim().slice(0, 160))"""
    )
    if escaped:
        problems.append("HTML shown as text (escaped twice?):\n" + "\n".join(f"- {e}" for e in escaped))
    unnamed = page.evaluate(SCROLL_REGION_PROBLEMS)
    if unnamed:
        problems.append("A box that scrolls sideways not named after what it holds:\n" + "\n".join(f"- {u}" for u in unnamed))
    tables = page.evaluate(TABLE_PROBLEMS)
    if tables:
        problems.append("Tables:\n" + "\n".join(f"- {t}" for t in tables))
    for seen in ("js_errors", "console_errors", "failed_assets"):
        getattr(page, seen, []).clear()  # the next check reports only what happens after this one
    if problems:
        shown = f"screenshot {path}" if path else "no screenshot"
        return [f"{name} ({page.url}), {shown}:\n" + "\n".join(problems)]
    return []


def check_page(page, name: str) -> None:
    """Screenshot the page and fail the test if page_problems finds anything."""
    problems = page_problems(page, name)
    if problems:
        pytest.fail("\n".join(problems), pytrace=False)


def assert_govuk_styled(page) -> None:
    problems = govuk_style_problems(page)
    assert not problems, f"{page.url}: " + "; ".join(problems)


def govuk_style_problems(page) -> list[str]:
    """What shows that GOV.UK Frontend's stylesheet, fonts or JavaScript did not take effect,
    or that the page lacks the GOV.UK template's landmarks (skip link, main, one h1, title)."""
    state = page.evaluate(
        """async () => {
            await document.fonts.ready;
            const header = document.querySelector('.govuk-service-navigation, .govuk-header');
            // A page whose heading is its one question's label or legend (GOV.UK's isPageHeading) styles the label.
            const h1 = document.querySelector('h1');
            const heading = h1 && (h1.querySelector(':scope > .govuk-label, :scope > .govuk-fieldset__heading') || h1);
            return {
                fontFamily: getComputedStyle(heading || document.body).fontFamily,
                fontLoaded: document.fonts.check('19px "GDS Transport"'),
                headerBackground: header ? getComputedStyle(header).backgroundColor : null,
                widthContainer: document.querySelector('.govuk-width-container')
                    ? getComputedStyle(document.querySelector('.govuk-width-container')).maxWidth : null,
                supported: document.body.classList.contains('govuk-frontend-supported'),
                skipLink: !!document.querySelector('a.govuk-skip-link[href="#main-content"]'),
                main: !!document.querySelector('main#main-content'),
                h1: document.querySelectorAll('h1').length,
                title: document.title,
            };
        }"""
    )
    problems = []
    if "GDS Transport" not in state["fontFamily"]:
        problems.append(f"GOV.UK stylesheet not applied (h1 font-family is {state['fontFamily']!r})")
    elif not state["fontLoaded"]:
        problems.append("GDS Transport font did not load (check /assets/fonts/)")
    if state["widthContainer"] != "960px":
        problems.append(f"govuk-width-container max-width is {state['widthContainer']!r}, not 960px")
    if not state["supported"]:
        problems.append(
            "body lacks govuk-frontend-supported: the GOV.UK template's inline script did not run, so no GOV.UK "
            "JavaScript component starts (is its CSP nonce in both the header and the <script>?)"
        )
    if not state["skipLink"]:
        problems.append("no skip link to #main-content")
    if not state["main"]:
        problems.append("no <main id=main-content>")
    if state["h1"] != 1:
        problems.append(f"{state['h1']} <h1> elements, expected exactly 1")
    if not state["title"].endswith("Common Ground"):
        problems.append(f"title {state['title']!r} does not end with the service name")
    return problems


def tab_to(page, selector: str, limit: int = 60):
    """Press Tab until the element matching `selector` has focus, as a keyboard user would.

    Fails if it is never reached (not focusable, or not in the tab order), and if the focused
    element shows no visible focus indicator (GOV.UK's yellow focus state, an outline or a box shadow).
    """
    target = page.locator(selector).first
    target.wait_for(state="attached")
    for _ in range(limit):
        page.keyboard.press("Tab")
        if target.evaluate("el => el === document.activeElement"):
            focus = target.evaluate(
                """el => { const s = getComputedStyle(el);
                    return {outline: s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) > 0,
                            shadow: s.boxShadow !== 'none', background: s.backgroundColor}; }"""
            )
            assert focus["outline"] or focus["shadow"] or focus["background"] == "rgb(255, 221, 0)", (
                f"{selector} has focus but no visible focus indicator: {focus}"
            )
            return target
    raise AssertionError(f"pressed Tab {limit} times on {page.url} without reaching {selector}")


@pytest.fixture
def school_with_results(world):
    """world.school with figures for its results page: pupils on roll (its first tab), and reading, writing and maths
    for two years, which the Key stage 2 tab charts beside Surrey's and England's. Returns the school."""
    from evidence.models import Area, AreaObservation, Measure, Observation, Source
    from evidence.store import sync_catalogue
    from imports.models import ImportOutcome, ImportRun

    sync_catalogue()  # the measures, as an import keeps them: the flush after an earlier browser test emptied the table
    ks2 = Measure.objects.get(code="ks2_rwm_expected")
    for year, school, la, england in ((2018, 61, 66, 64), (2019, 68, 67, 65)):
        run = ImportRun.objects.create(file_name=f"{year - 1}-{year}-936-ks2final.csv", checksum=str(year), outcome=ImportOutcome.SUCCEEDED)
        Observation.objects.create(school=world.school, measure=ks2, year=year, source=Source.KS2_FINAL, value=school, import_run=run)
        AreaObservation.objects.create(
            area=Area.LA, la_code=world.la.code, measure=ks2, year=year, source=Source.KS2_FINAL, value=la, import_run=run
        )
        AreaObservation.objects.create(area=Area.ENGLAND, measure=ks2, year=year, source=Source.KS2_FINAL, value=england, import_run=run)
    run = ImportRun.objects.create(file_name="2022-2023-school-census-spc-school-level.csv", checksum="0", outcome=ImportOutcome.SUCCEEDED)
    pupils = Measure.objects.get(code="pupils")
    Observation.objects.create(school=world.school, measure=pupils, year=2023, source=Source.CENSUS_SPC, value=212, import_run=run)
    return world.school
