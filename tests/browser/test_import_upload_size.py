"""A file over the upload limit was refused only once all of it had been sent (minutes, for hundreds of megabytes): the
page's script refuses it before sending, in the words and the GOV.UK error summary and field error the form would give.
The limit is set small here, so that a file just over it is small."""

import pytest
from django.urls import reverse

from accounts.roles import Role
from imports.models import ImportRun

from .test_forms_and_links import check_errors

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LIMIT = 1024 * 1024
TOO_LARGE = "The selected file must be smaller than 1 MB"


def file_of(size: int) -> dict:
    return {"name": "national.csv", "mimeType": "text/csv", "buffer": b"URN\n" + b"1" * (size - 4)}


def posts(page) -> list:
    sent = []
    page.on("request", lambda request: sent.append(request.url) if request.method == "POST" else None)
    return sent


def test_a_file_over_the_limit_is_refused_before_it_is_sent(page, world, sign_in_as, settings):
    settings.IMPORT_MAX_UPLOAD_BYTES = LIMIT
    sign_in_as(world.users[Role.LA_ADMIN])
    page.goto(reverse("imports:list"))
    sent = posts(page)
    page.get_by_label("Upload a file").set_input_files(file_of(LIMIT + 1))
    page.get_by_role("button", name="Import file").click()
    check_errors(page, "imports-file-too-large", TOO_LARGE)
    assert " ".join(page.locator("#id_file-error").text_content().split()) == f"Error: {TOO_LARGE}"
    assert "id_file-error" in page.get_by_label("Upload a file").get_attribute("aria-describedby")
    assert page.evaluate("document.activeElement.classList.contains('govuk-error-summary')")
    page.get_by_role("button", name="Import file").click()  # a second try says it once, not twice
    assert page.locator(".govuk-error-summary li").count() == 1 and page.locator(".govuk-error-message").count() == 1
    assert page.title().count("Error: ") == 1
    assert sent == [] and not ImportRun.objects.exists()


def test_the_file_takes_the_place_of_the_forms_own_error_for_it(page, world, sign_in_as, settings):
    """After the form refused the page with no file chosen, a file too large is said in place of 'Select a file'."""
    settings.IMPORT_MAX_UPLOAD_BYTES = LIMIT
    sign_in_as(world.users[Role.LA_ADMIN])
    page.goto(reverse("imports:list"))
    page.get_by_role("button", name="Import file").click()
    check_errors(page, "imports-no-file-chosen", "Select a file to import")
    sent = posts(page)
    page.get_by_label("Upload a file").set_input_files(file_of(LIMIT + 1))
    page.get_by_role("button", name="Import file").click()
    summary = page.locator(".govuk-error-summary")
    page.wait_for_function("document.querySelector('.govuk-error-summary').innerText.includes('smaller than')")
    assert TOO_LARGE in summary.inner_text() and "Select a file to import" not in summary.inner_text()
    assert " ".join(page.locator("#id_file-error").text_content().split()) == f"Error: {TOO_LARGE}"
    assert sent == []


def test_a_file_at_the_limit_is_sent(page, world, sign_in_as, settings, tmp_path):
    settings.IMPORT_MAX_UPLOAD_BYTES = LIMIT
    settings.UPLOAD_DIR = tmp_path
    sign_in_as(world.users[Role.LA_ADMIN])
    page.goto(reverse("imports:list"))
    sent = posts(page)
    page.get_by_label("Upload a file").set_input_files(file_of(LIMIT))
    page.get_by_role("button", name="Import file").click()
    page.wait_for_url("**/imports/*/")
    assert len(sent) == 1
