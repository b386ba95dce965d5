"""A school's website is a link where GIAS gives a web address, and plain text where what it gives is not surely one."""

import csv

import pytest
from django.urls import reverse

from accounts.roles import Role
from register.websites import website_address

from .conftest import sign_in
from .evidence_helpers import GIAS_2021, GIAS_2022

NOT_ADDRESSES = {
    "www.chobhamandwestendchildrenscentre",  # no domain
}
# A slash typed before "www.": the address is the rest, given https://.
STRAY_SLASHES = {
    "/www.ashteadchildrenscentre.com": "https://www.ashteadchildrenscentre.com",
    "/www.riverview.surrey.sch.uk/page_viewer.asp?page=Children%27s+Centre&pid=5": (
        "https://www.riverview.surrey.sch.uk/page_viewer.asp?page=Children%27s+Centre&pid=5"
    ),
}


def demo_websites() -> set[str]:
    websites = set()
    for path in (GIAS_2021, GIAS_2022):
        with open(path, encoding="cp1252", newline="") as file:
            websites |= {row["SchoolWebsite"] for row in csv.DictReader(file) if row["SchoolWebsite"]}
    return websites


def test_each_website_of_the_demo_register_is_an_address_as_given_or_with_https_added():
    websites = demo_websites()
    assert len(websites) > 500 and websites >= NOT_ADDRESSES | set(STRAY_SLASHES)
    for given in websites - NOT_ADDRESSES - set(STRAY_SLASHES):
        expected = given if given.lower().startswith(("http://", "https://")) else f"https://{given}"
        assert website_address(given) == expected, given
    for given in NOT_ADDRESSES:
        assert website_address(given) is None, given
    for given, address in STRAY_SLASHES.items():
        assert website_address(given) == address, given
    assert website_address("www.ash-grange.surrey.sch.uk") == "https://www.ash-grange.surrey.sch.uk"
    assert website_address("http://www.kingswood.surrey.sch.uk") == "http://www.kingswood.surrey.sch.uk"


@pytest.mark.parametrize(
    "given",
    [
        "",
        "javascript:alert(1)",
        "JavaScript://www.example.org/%0aalert(1)",
        "data:text/html,<script>alert(1)</script>",
        "mailto:office@example.org",
        "ftp://www.example.org/",
        "//www.example.org/",
        "/about.html",  # a page's path, not surely a host
        "/www.example",  # 'www.' and one word
        "/javascript:alert(1)//www.example.org",
        "/ www.example.org",
        "http:/www.example.org",
        "https:www.example.org",
        "https://",
        "http://user:password@www.example.org/",
        "http://127.0.0.1/",
        "localhost",
        "http://-school.example.org/",
        "www.example.org:port",
        'www.example.org" onmouseover="alert(1)',
        "www.example .org",
        "Not recorded",
    ],
)
def test_what_is_not_surely_a_web_address_is_not_linked(given):
    assert website_address(given) is None


@pytest.fixture
def school_page(client, world):
    sign_in(client, world.users[Role.LA_OFFICER])

    def school_page(website):
        world.school.website = website
        world.school.save()
        return client.get(reverse("register:school-detail", args=[world.school.urn])).content.decode()

    return school_page


def website_row(html) -> str:
    """The value of the page's 'Website' row, as its HTML."""
    return html.split("Website\n    </dt>", 1)[1].split("</dd>", 1)[0]


def test_a_schools_website_is_a_link_opening_in_the_same_tab(school_page):
    html = school_page("www.ash-grange.surrey.sch.uk")
    assert '<a class="govuk-link cg-break" href="https://www.ash-grange.surrey.sch.uk">www.ash-grange.surrey.sch.uk</a>' in html
    html = school_page("http://www.kingswood.surrey.sch.uk")
    assert '<a class="govuk-link cg-break" href="http://www.kingswood.surrey.sch.uk">http://www.kingswood.surrey.sch.uk</a>' in html
    assert 'target="_blank"' not in html


def test_a_website_given_with_a_slash_before_www_is_a_link_to_the_rest(school_page):
    html = school_page("/www.ashteadchildrenscentre.com")
    assert '<a class="govuk-link cg-break" href="https://www.ashteadchildrenscentre.com">/www.ashteadchildrenscentre.com</a>' in html


@pytest.mark.parametrize("given", ["javascript:alert(1)", "/about.html", "www.chobhamandwestendchildrenscentre"])
def test_a_website_that_is_not_surely_an_address_is_plain_text(school_page, given):
    html = school_page(given)
    website = website_row(html)
    assert given in website and "<a " not in website and "javascript:alert" not in html.replace(given, "", 1)


def test_a_school_with_no_website_says_so(school_page):
    website = website_row(school_page(""))
    assert "Not recorded" in website and "<a " not in website
