"""A results page's trend charts: each is an image whose figures a screen reader is not given, so each is described by
the sentence below it that says the table after it gives every figure, where a reader who meets the chart learns it."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from accounts.roles import Role

from .conftest import check_page

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

POINTS_TO_THE_TABLE = "The table after this chart gives every figure."

# For each chart: the words of the elements that describe it, and whether the table of every year of its measure comes
# after it, with nothing between them but its notes (no other chart, no other measure's table).
CHARTS = """() => [...document.querySelectorAll('svg.cg-chart')].map(chart => {
    const words = (chart.getAttribute('aria-describedby') || '').split(/\\s+/).filter(Boolean)
        .map(id => document.getElementById(id)?.textContent.trim() || `(no element ${id})`);
    const section = chart.closest('section');
    const tables = [...section.querySelectorAll('table')];
    const after = tables.filter(table => chart.compareDocumentPosition(table) & Node.DOCUMENT_POSITION_FOLLOWING);
    return {title: chart.querySelector('title').textContent, described: words, tableAfter: after.length === 1
        && after[0].caption.textContent.trim() === chart.querySelector('title').textContent.split(', by year')[0] + ': every year'};
})"""


def test_each_chart_is_described_by_the_sentence_that_points_to_its_table(page, world, sign_in_as, school_with_results):
    sign_in_as(world.users[Role.LA_OFFICER])
    for path in (
        reverse("evidence:school-results", args=[school_with_results.urn]) + "#key-stage-2",
        reverse("evidence:authority-results", args=[world.la.code]),
    ):
        page.goto(path)
        charts = page.evaluate(CHARTS)
        assert charts, f"no chart on {path}"
        for chart in charts:
            assert chart["described"] and chart["described"][-1] == POINTS_TO_THE_TABLE, chart
            assert chart["tableAfter"], chart
        chart = page.locator("svg.cg-chart:visible").first
        expect(chart).to_have_role("img")
        expect(chart).to_have_accessible_description(POINTS_TO_THE_TABLE)
        # Said on the page too, for everyone, once a chart.
        expect(page.get_by_text(POINTS_TO_THE_TABLE, exact=True).first).to_be_visible()
        assert page.get_by_text(POINTS_TO_THE_TABLE, exact=True).count() == len(charts)
        check_page(page, f"chart-points-to-its-table-{path.strip('/').split('/')[0]}")
