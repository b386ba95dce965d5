import re

import pytest

from accounts.roles import Role

from .conftest import sign_in


def test_pages_send_a_strict_csp_whose_nonce_matches_the_inline_script(client, world):
    sign_in(client, world.users[Role.HEADTEACHER])
    response = client.get("/home/")
    policy = response.headers["Content-Security-Policy"]
    nonce = re.search(r"'nonce-([^']+)'", policy).group(1)
    assert f'<script nonce="{nonce}">' in response.content.decode()
    assert "'unsafe-inline'" not in policy
    assert "frame-ancestors 'none'" in policy


def test_security_headers_and_session_cookie(client, world, settings):
    response = client.get("/")
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"
    assert response.headers["Cross-Origin-Opener-Policy"] == "same-origin"
    assert settings.SESSION_COOKIE_HTTPONLY and settings.SESSION_EXPIRE_AT_BROWSER_CLOSE


@pytest.mark.parametrize("url", ["/", "/accounts/sign-in/", "/home/", "/static/css/app.css", "/nothing-here/"])
def test_every_response_switches_off_the_browser_features_no_page_uses(client, world, url):
    sign_in(client, world.users[Role.HEADTEACHER])
    features = dict(part.strip().split("=", 1) for part in client.get(url).headers["Permissions-Policy"].split(","))
    for feature in ("camera", "microphone", "geolocation", "payment", "usb"):
        assert features[feature] == "()", feature


def test_no_signed_in_page_or_download_is_kept_in_a_cache_but_public_pages_may_be(client, world):
    sign_in(client, world.users[Role.LA_OFFICER])
    for url in ("/home/", f"/schools/{world.school.urn}/intelligence/", f"/authorities/{world.la.code}/results.csv"):
        response = client.get(url)
        assert response.status_code == 200, url
        assert {"no-store", "private"} <= {part.strip() for part in response.headers["Cache-Control"].split(",")}, url
    assert "Cache-Control" not in client.get("/accessibility/").headers


def test_a_form_sent_without_its_csrf_token_is_refused_in_plain_words(world):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    response = client.post("/accounts/sign-in/", {"email": "headteacher@example.org", "password": "anything"})
    assert response.status_code == 403
    page = response.content.decode()
    assert '<h1 class="govuk-heading-l">Your form could not be sent</h1>' in page
    assert "Nothing you entered has been saved" in page
    assert "Content-Security-Policy" in response.headers and "<style" not in page


@pytest.mark.parametrize("signed_in", [False, True])
def test_a_method_a_page_does_not_take_gets_the_services_own_page(client, world, signed_in):
    """Django answers a method a view does not take with an empty page: a blank screen, unlike every other error."""
    if signed_in:
        sign_in(client, world.users[Role.HEADTEACHER])
    for url, allowed in [("/accounts/password-reset/sent/", "GET, HEAD, OPTIONS"), ("/accounts/sign-in/", "GET, POST")]:
        response = client.delete(url)
        assert response.status_code == 405, url
        assert response["Allow"] == allowed
        page = response.content.decode()
        assert "<title>Sorry, the service could not do what was asked – Common Ground</title>" in page
        assert "Content-Security-Policy" in response.headers


def test_a_request_the_service_cannot_read_gets_its_own_page(client, world, settings):
    settings.DATA_UPLOAD_MAX_NUMBER_FIELDS = 5
    response = client.post("/accounts/sign-in/", {f"field{i}": "x" for i in range(10)})
    assert response.status_code == 400
    assert '<h1 class="govuk-heading-l">Sorry, the service could not read what was sent</h1>' in response.content.decode()


@pytest.mark.parametrize(
    "url", ["/schools/?q=%00", "/schools/?phase=Primary%00", "/trusts/?q=%00", "/audit/?who=%00", "/accounts/users/?q=a%00b"]
)
def test_a_nul_character_in_a_query_gets_the_400_page_not_a_database_error(client, world, url):
    # PostgreSQL refuses to compare text holding a NUL: every page that filters by its query would fail with a 500.
    sign_in(client, world.users[Role.LA_ADMIN])
    response = client.get(url)
    assert response.status_code == 400
    assert "Sorry, the service could not read what was sent" in response.content.decode()


@pytest.mark.parametrize("query", [{"la": "¹"}, {"la": "9" * 5000}, {"la": "٣"}])
def test_a_number_filter_that_is_not_plain_digits_is_ignored_not_an_error(client, world, query):
    sign_in(client, world.users[Role.LA_ADMIN])
    response = client.get("/schools/", query)
    assert response.status_code == 200
    assert "Ash Grange Primary School" in response.content.decode()


@pytest.mark.parametrize("trust", ["²", "①", "9" * 5000])
def test_a_trust_filter_of_digits_that_are_not_plain_is_a_name_found_nowhere_not_an_error(client, world, trust):
    """A trust is given by its group UID or by (part of) its name: what is not plain digits is a name."""
    sign_in(client, world.users[Role.LA_ADMIN])
    response = client.get("/schools/", {"trust": trust})
    assert response.status_code == 200
    assert "No schools found." in response.content.decode()
