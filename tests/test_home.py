"""The home page says what each person's roles give them, each school once."""

import re
from html import unescape

from django.urls import reverse

from accounts.roles import Role

from .conftest import sign_in
from .evidence_helpers import text
from .factories import grant


def test_an_adviser_with_a_caseload_sees_the_role_in_one_line_and_each_school_once(client, caseload):
    adviser, schools = caseload
    page = text(sign_in(client, adviser).get(reverse("core:home")))
    assert "Your roles Link adviser at 4 schools Chair or member of governors – Ottershaw Primary School Your schools" in page
    assert "Link adviser –" not in page
    for school in schools:
        assert page.count(school.name) == (2 if school.name.startswith("Ottershaw") else 1), school.name
    assert page.index("Your schools") < page.index("Wey Primary School")


def test_an_officer_who_is_also_an_adviser_at_several_schools_sees_them_under_the_role(client, world, caseload):
    """An authority's officer has no list of their own schools (they have the authority's): the role's line lists them."""
    adviser, schools = caseload
    grant(adviser, Role.LA_OFFICER, world.la)
    response = sign_in(client, adviser).get(reverse("core:home"))
    page = text(response)
    assert "Your schools" not in page
    assert (
        "Link adviser at 4 schools Ash Grange Primary School Kingswood Primary School Ottershaw Primary School Wey Primary School" in page
    )
    html = response.content.decode()
    for school in schools:  # under the role; and Ottershaw under the governor's role too
        links = html.count(f'href="{reverse("register:school-detail", args=[school.urn])}"')
        assert links == (2 if school.name.startswith("Ottershaw") else 1), school.name


def test_a_role_at_one_school_still_names_the_school(client, world):
    page = text(sign_in(client, world.users[Role.HEADTEACHER]).get(reverse("core:home")))
    assert f"Headteacher – {world.school.name}" in page and "at 1 school" not in page


def test_a_caseload_school_that_has_closed_since_is_named_under_the_role(client, caseload):
    """'Your schools' lists open schools only: one of the caseload that has closed since is still counted in the role's
    line, so it is named there, said to be closed, rather than nowhere."""
    from register.models import SchoolStatus

    adviser, schools = caseload
    wey = schools[3]
    wey.status = SchoolStatus.CLOSED
    wey.save()
    page = text(sign_in(client, adviser).get(reverse("core:home")))
    assert "Link adviser at 4 schools, of which not listed under ‘Your schools’: Wey Primary School (closed)" in page
    assert page.count("Wey Primary School") == 1 and page.count("Kingswood Primary School") == 1


def test_your_schools_links_to_the_list_of_schools_showing_only_them(client, caseload):
    adviser, schools = caseload
    html = sign_in(client, adviser).get(reverse("core:home")).content.decode()
    assert f'<a class="govuk-link" href="{reverse("register:school-list")}?mine=1">Sort and filter your schools</a>' in html

    assert "See your school" not in html


def test_a_headteacher_or_governor_of_one_school_reads_of_their_school_not_schools(client, world):
    for role in (Role.HEADTEACHER, Role.GOVERNOR):
        response = sign_in(client, world.users[role]).get(reverse("core:home"))
        page, html = text(response), response.content.decode()
        assert f"Your school {world.school.name}" in page and "Your schools" not in page, role
        link = f'<a class="govuk-link" href="{reverse("register:school-list")}?mine=1">See your school in the list of schools</a>'
        assert f"{link}, with its latest Ofsted inspection." in html, role
        assert "Sort and filter" not in page and "each one’s" not in html, role


def test_an_la_home_page_leads_to_the_authoritys_results_and_an_administrators_to_users_and_the_audit_log(client, world):
    """An administrator's main tasks, users and the audit log, were only in the header; the authority's results page,
    where its schools are seen as a whole, was linked from nowhere on the home page."""
    from .conftest import sign_in

    sign_in(client, world.users[Role.LA_ADMIN])
    html = client.get("/home/").content.decode()
    assert f'href="/authorities/{world.la.code}/results/">{world.la.name}: results and data</a>' in html
    assert 'href="/accounts/users/">Users</a>' in html and 'href="/audit/">Audit log</a>' in html
    sign_in(client, world.users[Role.LA_OFFICER])
    html = client.get("/home/").content.decode()
    assert f"{world.la.name}: results and data" in html and 'href="/audit/">Audit log</a>' not in html


def test_your_schools_and_a_roles_schools_are_in_name_order_whatever_their_case(client, world, caseload):
    """As the list of schools sorts them: "de Stafford School" among the D's, not after every capital."""
    from register.models import GroupMembership

    from .factories import SchoolFactory

    for name in ("de Stafford School", "Zephyr Academy"):
        GroupMembership.objects.create(group=world.trust, school=SchoolFactory(la=world.la, name=name))
    page = unescape(text(sign_in(client, world.users[Role.TRUST_LEADER]).get(reverse("core:home"))))
    assert page.index("de Stafford School") < page.index("St Mary's Academy") < page.index("Zephyr Academy")

    adviser, _ = caseload
    grant(adviser, Role.ADVISER, SchoolFactory(la=world.la, name="de Stafford Primary"))
    grant(adviser, Role.LA_OFFICER, world.la)
    page = text(sign_in(client, adviser).get(reverse("core:home")))
    assert page.index("Ash Grange Primary School") < page.index("de Stafford Primary") < page.index("Kingswood Primary School")


def test_a_service_administrators_home_page_does_not_speak_of_their_authority(client, world):
    """A service administrator holds no authority's role: every authority's schools and log are theirs, where their
    home page said 'Find any school in your authority' and 'who changed what, in your authority'."""
    from .factories import UserFactory

    admin = UserFactory(email="service.admin@example.org", full_name="Sam Okafor", is_superuser=True, is_staff=True)
    page = text(sign_in(client, admin).get(reverse("core:home")))
    assert "your authority" not in page
    assert "Find any school: 4 open" in page and "Who read confidential records, and who changed what, across the service." in page


def test_an_officer_of_two_authorities_finds_any_school_in_their_authorities(client, world):
    officer = world.users[Role.LA_ADMIN]
    grant(officer, Role.LA_ADMIN, world.other_la)
    page = text(sign_in(client, officer).get(reverse("core:home")))
    assert "Find any school in your authorities: 4 open" in page
    assert "who changed what, in your authorities." in page and "your authority" not in page
    page = text(sign_in(client, world.users[Role.LA_OFFICER]).get(reverse("core:home")))
    assert "Find any school in your authority: 3 open" in page


def test_a_service_administrators_home_page_links_to_what_they_can_open(client, world):
    """Every authority's schools and results, and the service's administration as well as an authority's: the page
    linked to schools, trusts, imports, users and the audit log, and to no authority's results nor the Django admin."""
    from .factories import UserFactory

    admin = UserFactory(email="service.admin@example.org", full_name="Sam Okafor", is_superuser=True, is_staff=True)
    html = unescape(sign_in(client, admin).get(reverse("core:home")).content.decode())
    found = re.findall(r'<h2 class="govuk-heading-m"><a class="govuk-link" href="([^"]+)">([^<]+)</a>', html)
    links = {text: href for href, text in found}
    assert links == {
        "Schools": reverse("register:school-list"),
        "Trusts": reverse("register:trust-list"),
        "Authorities": reverse("register:authority-list"),
        "Hampshire: results and data": reverse("evidence:authority-results", args=[850]),
        "Surrey: results and data": reverse("evidence:authority-results", args=[936]),
        "Imports": reverse("imports:list"),
        "Users": reverse("accounts:user-list"),
        "Audit log": reverse("audit:list"),
        "Service administration": reverse("admin:index"),
    }
    for href in links.values():
        assert client.get(href).status_code == 200, href
    administration = client.get(reverse("core:administration")).content.decode()
    assert f'<a class="govuk-link" href="{reverse("admin:index")}">Service administration</a>' in administration


def test_a_service_administrator_of_many_authorities_is_led_to_their_list_for_results(client, world):
    from .factories import LocalAuthorityFactory, SchoolFactory, UserFactory

    for code, name in ((801, "Bristol"), (802, "North Somerset")):
        SchoolFactory(la=LocalAuthorityFactory(code=code, name=name))
    admin = UserFactory(email="service.admin@example.org", full_name="Sam Okafor", is_superuser=True, is_staff=True)
    page = text(sign_in(client, admin).get(reverse("core:home")))
    assert ": results and data" not in page and "Authorities Every local authority: its schools, and its results and data." in page


def test_an_la_administrators_home_page_has_no_service_administration(client, world):
    page = text(sign_in(client, world.users[Role.LA_ADMIN]).get(reverse("core:home")))
    assert "Surrey: results and data" in page and "Audit log" in page
    assert "Service administration" not in page and "Every local authority" not in page


def test_roles_without_a_schools_confidential_records_are_led_to_the_register_and_the_published_statistics(client, world):
    """A stakeholder reads published material only: their home page leads to the register and to each authority's
    published statistics, which no other link of theirs reaches."""
    response = sign_in(client, world.users[Role.STAKEHOLDER]).get(reverse("core:home"))
    page, html = text(response), response.content.decode()
    assert "Your roles do not give you any school's confidential records." in page
    assert f'<a class="govuk-link" href="{reverse("register:school-list")}">browse the register</a>' in html
    assert f'<a class="govuk-link" href="{reverse("evidence:statistics")}">each authority’s published statistics</a>' in html
