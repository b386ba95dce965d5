import re

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
    assert settings.SESSION_COOKIE_HTTPONLY and settings.SESSION_EXPIRE_AT_BROWSER_CLOSE
