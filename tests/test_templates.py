import re

import pytest

from core.jinja import code, link


def test_link_escapes_its_text_and_address_but_keeps_its_tag():
    html = str(link("/schools/?q=a&b", "St Mary's <Academy>"))
    assert html == '<a class="govuk-link" href="/schools/?q=a&amp;b">St Mary&#39;s &lt;Academy&gt;</a>'
    assert str(code("<x>")) == '<code class="cg-break">&lt;x&gt;</code>'


def test_links_inside_macro_html_render_as_links(client, world):
    from accounts.roles import Role

    from .conftest import sign_in

    sign_in(client, world.users[Role.LA_OFFICER])
    html = client.get("/authorities/936/").content.decode()
    assert '<a class="govuk-link" href="/schools/?la=936">' in html
    assert "&lt;a " not in html


def test_every_page_has_its_header_main_and_footer_landmarks(client):
    """The footer is the page's contentinfo landmark: GOV.UK's template draws the <footer> element around the footer
    component, which is itself only a <div>."""
    html = client.get("/accessibility/").content.decode()
    assert html.count("<header") == 1 and html.count("<main") == 1
    footer = re.search(r"<footer\b[^>]*>(.*?)</footer>", html, re.S)
    assert footer, "no <footer> element"
    assert 'class="govuk-footer' in footer.group(1) and 'href="/privacy/"' in footer.group(1)


def test_the_accessibility_statement_says_how_to_reach_whoever_runs_the_service(client, settings):
    settings.ORGANISATION_NAME = "Surrey County Council"
    html = client.get("/accessibility/").content.decode()
    assert "contact Surrey County Council’s school improvement team" in html and "mailto:" not in html
    settings.SUPPORT_EMAIL = "schools.support@surreycc.example"
    html = client.get("/accessibility/").content.decode()
    assert html.count('email <a class="govuk-link" href="mailto:schools.support@surreycc.example">') == 2
    for heading in ("Compliance status", "How we tested this service", "Preparation of this accessibility statement"):
        assert heading in html
    assert "Equality Advisory and Support Service (EASS)</a>" in html


@pytest.mark.parametrize(
    "seconds, words",
    [(3600, "an hour"), (1800, "30 minutes"), (5400, "90 minutes"), (28800, "8 hours"), (20, "20 seconds"), (60, "a minute")],
)
def test_the_cookies_page_says_how_long_an_unused_session_lasts(client, settings, seconds, words):
    settings.SESSION_COOKIE_AGE = seconds
    assert f"After {words} without use, or when you close your browser" in client.get("/cookies/").content.decode()
