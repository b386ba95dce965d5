"""The screenshot every page check takes must not fail the check when Chromium, busy, cannot
capture the page for a moment."""

import pytest
from playwright.sync_api import Error as PlaywrightError

from tests.browser.conftest import screenshot


class Page:
    """Stands in for a Playwright page whose first captures fail."""

    url = "http://testserver/schools/900885/timeline/"

    def __init__(self, failures: int):
        self.failures = failures
        self.asked = []

    def screenshot(self, path, full_page):
        self.asked.append(full_page)
        if len(self.asked) <= self.failures:
            raise PlaywrightError("Protocol error (Page.captureScreenshot): Unable to capture screenshot")
        with open(path, "wb") as file:
            file.write(b"png")

    def wait_for_timeout(self, milliseconds):
        pass


def test_a_failed_capture_is_tried_again():
    page = Page(failures=2)
    path = screenshot(page, "test-screenshot-retry")
    assert path is not None and path.read_bytes() == b"png"
    assert page.asked == [True, True, True]
    path.unlink()


def test_the_visible_part_is_taken_when_the_whole_page_cannot_be():
    page = Page(failures=3)
    path = screenshot(page, "test-screenshot-viewport")
    assert page.asked == [True, True, True, False]
    path.unlink()


def test_no_screenshot_at_all_warns_and_does_not_fail():
    page = Page(failures=4)
    with pytest.warns(UserWarning, match="No screenshot of http://testserver/schools/900885/timeline/"):
        assert screenshot(page, "test-screenshot-none") is None
