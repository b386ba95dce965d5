import re

import pytest

from core.jinja import code, link

from .evidence_helpers import text


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


@pytest.fixture
def surrey_runs_it(settings):
    """An installation run by Surrey County Council, which has given none of its contact details yet."""
    settings.SECRET_KEY_GIVEN = True
    settings.ORGANISATION_NAME = "Surrey County Council"
    settings.ORGANISATION_EMAIL = settings.ORGANISATION_PHONE = settings.DATA_PROTECTION_OFFICER_EMAIL = settings.SUPPORT_EMAIL = ""
    return settings


def test_the_accessibility_statement_and_privacy_notice_say_plainly_when_no_contact_details_were_given(client, surrey_runs_it):
    for path in ("/accessibility/", "/privacy/"):
        page = text(client.get(path))
        assert "Surrey County Council has not given contact details for this service." in page, path
        assert "mailto:" not in client.get(path).content.decode(), path
    assert "Surrey County Council has not given contact details for its data protection officer." in text(client.get("/privacy/"))
    privacy = text(client.get("/privacy/"))
    assert "Surrey County Council runs this installation of Common Ground and is the data controller" in privacy
    assert "Surrey County Council processes this information to carry out its public task" in privacy
    # What the audit log holds about the reader (audit.models.AuditEvent): their sign-ins, failed ones and refusals too,
    # and the address each came from, not only the confidential pages they read and what they changed.
    assert "each time you sign in or out, fail to sign in, or are refused a page" in privacy
    assert "the internet (IP) address it came from" in privacy
    # With no contact details, the statement does not then tell the reader to contact the council.
    statement = text(client.get("/accessibility/"))
    assert "contact Surrey County Council" not in statement
    assert "braille, ask whoever gave you your account, or told you of this service, to pass it on to Surrey County Council." in statement


def test_the_accessibility_statement_says_where_abbreviations_are_kept_and_what_they_stand_for(client, surrey_runs_it):
    """It said 'each measure's page says what it means': there is no page for a measure, and the results pages show KS2
    and EBacc nowhere; the downloads keep them (evidence.catalogue), and the results page spells out SEN and EHC."""
    statement = text(client.get("/accessibility/"))
    assert "each measure’s page" not in statement
    assert "such as KS2 (key stage 2), EBacc (English Baccalaureate) and EHC plan (education, health and care plan)" in statement


def test_the_accessibility_statement_says_how_to_reach_whoever_runs_the_service(client, surrey_runs_it):
    settings = surrey_runs_it
    settings.ORGANISATION_EMAIL, settings.ORGANISATION_PHONE = "school.improvement@surreycc.example", "01632 960000"
    html = client.get("/accessibility/").content.decode()
    page = text(client.get("/accessibility/"))
    assert "run by Surrey County Council" in page and "has not given contact details" not in page
    assert "audio recording or braille: email school.improvement@surreycc.example call 01632 960000 We will consider" in page
    assert "not meeting accessibility requirements, email school.improvement@surreycc.example or call 01632 960000." in page
    assert html.count('href="mailto:school.improvement@surreycc.example"') == 2
    settings.SUPPORT_EMAIL, settings.ORGANISATION_PHONE = "schools.support@surreycc.example", ""
    html = client.get("/accessibility/").content.decode()
    assert html.count('email <a class="govuk-link cg-break" href="mailto:schools.support@surreycc.example">') == 2
    assert "school.improvement@surreycc.example" not in html and "call" not in text(client.get("/accessibility/"))
    for heading in ("Compliance status", "How we tested this service", "Preparation of this accessibility statement"):
        assert heading in html
    assert "Equality Advisory and Support Service (EASS)</a>" in html


def test_the_privacy_notice_gives_the_controllers_contact_details_and_its_data_protection_officers(client, surrey_runs_it):
    settings = surrey_runs_it
    settings.ORGANISATION_EMAIL, settings.ORGANISATION_PHONE = "school.improvement@surreycc.example", "01632 960000"
    settings.DATA_PROTECTION_OFFICER_EMAIL = "dpo@surreycc.example"
    page = text(client.get("/privacy/"))
    assert "contact Surrey County Council: email school.improvement@surreycc.example call 01632 960000" in page
    assert "You can contact the data protection officer by email at dpo@surreycc.example" in page
    assert "has not given" not in page
    assert 'href="mailto:dpo@surreycc.example"' in client.get("/privacy/").content.decode()


def test_the_deployment_checks_warn_until_the_operator_and_data_protection_officer_can_be_reached(surrey_runs_it):
    from django.core.checks import run_checks

    def warnings():
        return {message.id: message.msg for message in run_checks(include_deployment_checks=True) if message.id.startswith("core.")}

    found = warnings()
    assert set(found) == {"core.W001", "core.W002"}
    assert "Surrey County Council has not given contact details" in found["core.W001"]
    assert not {message.id for message in run_checks() if message.id.startswith("core.")}  # a deployment's check only
    surrey_runs_it.ORGANISATION_EMAIL = "school.improvement@surreycc.example"
    surrey_runs_it.DATA_PROTECTION_OFFICER_EMAIL = "dpo@surreycc.example"
    assert warnings() == {}
    # Unnamed, the installation would name a placeholder as the data controller.
    surrey_runs_it.ORGANISATION_NAME = ""
    assert set(warnings()) == {"core.W003"}


def test_the_deployment_checks_warn_while_the_secret_key_is_one_made_on_this_machine(surrey_runs_it):
    from django.core.checks import run_checks

    surrey_runs_it.ORGANISATION_EMAIL, surrey_runs_it.DATA_PROTECTION_OFFICER_EMAIL = "a@surreycc.example", "b@surreycc.example"
    surrey_runs_it.SECRET_KEY_GIVEN = False
    found = {message.id: message.msg for message in run_checks(include_deployment_checks=True) if message.id.startswith("core.")}
    assert set(found) == {"core.W004"} and "SECRET_KEY is not set" in found["core.W004"]
    assert not {message.id for message in run_checks() if message.id.startswith("core.")}  # a deployment's check only
    surrey_runs_it.SECRET_KEY_GIVEN = True
    assert not {message.id for message in run_checks(include_deployment_checks=True) if message.id.startswith("core.")}


@pytest.mark.parametrize(
    "seconds, words",
    [(3600, "an hour"), (1800, "30 minutes"), (5400, "90 minutes"), (28800, "8 hours"), (20, "20 seconds"), (60, "a minute")],
)
def test_the_cookies_page_says_how_long_an_unused_session_lasts_and_the_longest_any_does(client, settings, seconds, words):
    settings.SESSION_COOKIE_AGE = seconds
    settings.SESSION_ABSOLUTE_SECONDS = 10 * 3600
    page = client.get("/cookies/").content.decode()
    assert f"After {words} without use, 10 hours after you sign in, or when you close your browser" in page


def words_of(html: str) -> str:
    """The words of `html`; words isolated in a sentence (<bdi>) run on into those around them, as they are read."""
    return " ".join(re.sub(r"<[^>]+>", " ", re.sub(r"</?bdi>", "", html)).split())


def heard_twice(html: str) -> list[str]:
    """The headings a table's caption right below them repeats: a screen reader reads the heading, then the caption."""
    repeated = []
    for caption in re.finditer(r"<caption\b[^>]*>(.*?)</caption>", html, re.S):
        headings = re.findall(r"<h[1-6]\b[^>]*>(.*?)</h[1-6]>", html[: caption.start()], re.S)
        if headings and words_of(headings[-1]) == words_of(caption.group(1)):
            repeated.append(words_of(caption.group(1)))
    return repeated


def table_names(html: str) -> list[str]:
    """Each table's name: its caption's words, or those of the element its aria-labelledby gives ("" for none)."""
    names = []
    for table in re.finditer(r"<table\b([^>]*)>(.*?)</table>", html, re.S):
        caption = re.search(r"<caption\b[^>]*>(.*?)</caption>", table.group(2), re.S)
        labelled_by = re.search(r'aria-labelledby="([^"]+)"', table.group(1))
        label = labelled_by and re.search(rf'<(h[1-6])\b[^>]*\bid="{labelled_by.group(1)}"[^>]*>(.*?)</\1>', html, re.S)
        names.append(words_of(caption.group(1)) if caption else words_of(label.group(2)) if label else "")
    return names


def test_no_table_is_named_again_by_a_caption_repeating_the_heading_above_it(client, world):
    """ "Current roles" and "Predecessor and successor schools" were each a heading, then a hidden caption of the same
    words: the heading names the table instead (aria-labelledby)."""
    from django.urls import reverse

    from accounts.roles import Role
    from register.models import SchoolLink

    from .conftest import sign_in

    SchoolLink.objects.create(urn=world.school.urn, linked_urn=world.other_school.urn, linked_name="Busbridge", link_type="Successor")
    sign_in(client, world.users[Role.LA_ADMIN])
    pages = {
        reverse("accounts:user-detail", args=[world.users[Role.HEADTEACHER].pk]): ["Current roles"],
        reverse("register:school-detail", args=[world.school.urn]): ["Predecessor and successor schools"],
        reverse("register:school-people", args=[world.school.urn]): [
            "Roles held for this school or its trust",
            "Members of Surrey review group, which covers this school",
        ],
    }
    for path, names in pages.items():
        html = client.get(path).content.decode()
        assert heard_twice(html) == [], path
        assert table_names(html) == names, path


def element_words(html: str, element_id: str) -> str:
    """The words of the one element with the id `element_id`; "" where no element, or more than one, has it."""
    found = re.findall(rf'<([a-z][a-z0-9]*)\b[^>]*\bid="{re.escape(element_id)}"[^>]*>(.*?)</\1>', html, re.S)
    return words_of(found[0][1]) if len(found) == 1 and html.count(f'id="{element_id}"') == 1 else ""


def scroll_boxes(html: str) -> list[tuple[str, str]]:
    """Each box that scrolls sideways (macros.html: scrolls_sideways) as (name, description): the words of the elements
    its aria-labelledby and aria-describedby give, as a screen reader hears them; "" for an id that names no element,
    or more than one, on the page."""
    boxes = []
    for attributes in re.findall(r'<div class="cg-table-scroll"([^>]*)>', html):
        said = {}
        for attribute in ("aria-labelledby", "aria-describedby"):
            ids = re.search(rf'{attribute}="([^"]*)"', attributes)
            words = [element_words(html, element_id) for element_id in ids.group(1).split()] if ids else []
            said[attribute] = "" if "" in words else " ".join(words)
        boxes.append((said["aria-labelledby"], said["aria-describedby"]))
    return boxes


def test_each_box_that_scrolls_sideways_is_named_by_the_words_that_name_its_table(client, world):
    """A box that scrolls sideways is a region, which a screen reader names: by the words on the page that name the
    table in it (its caption, or the heading above it), not a copy of them of its own (aria-label)."""
    from django.urls import reverse

    from accounts.roles import Role
    from register.models import GroupMembership, SchoolLink

    from .conftest import sign_in

    SchoolLink.objects.create(urn=world.school.urn, linked_urn=world.other_school.urn, linked_name="Busbridge", link_type="Successor")
    GroupMembership.objects.create(group=world.trust, school=world.other_school, left_on="2024-08-31")
    sign_in(client, world.users[Role.LA_ADMIN])
    client.get(reverse("register:school-people", args=[world.school.urn]))  # a read the audit log lists
    pages = {
        reverse("audit:list"): ["Audit entries"],
        reverse("register:school-list"): ["Schools matching your search"],
        reverse("register:school-detail", args=[world.school.urn]): ["Predecessor and successor schools"],
        reverse("register:school-people", args=[world.school.urn]): [
            "Roles held for this school or its trust",
            "Members of Surrey review group, which covers this school",
        ],
        reverse("register:trust-list"): ["Groups with schools you can see"],
        reverse("register:trust-detail", args=[world.trust.uid]): ["Schools", "Former schools"],
        reverse("register:authority-list"): ["Local authorities you can see"],
        reverse("register:authority-detail", args=[936]): [
            "Phase",
            "Type group",
            "Open state-funded schools by their latest graded Ofsted inspection",
        ],
        reverse("accounts:user-list"): ["Users and their current roles"],
        reverse("accounts:user-detail", args=[world.users[Role.HEADTEACHER].pk]): ["Current roles"],
        reverse("core:cookies"): ["Essential cookies"],  # its heading: the table has no caption to repeat it
    }
    for path, names in pages.items():
        html = client.get(path).content.decode()
        assert scroll_boxes(html) == [(name, "") for name in names], path


def test_each_row_of_a_list_of_schools_trusts_authorities_people_or_imports_is_headed_by_what_it_lists(client, world):
    """WCAG 1.3.1: a screen reader reads a cell with its row's header: a school's pupils, a trust's count of schools, a
    person's role or an import's counts were read with their column's header alone ("Pupils, 209"), as the school,
    trust, authority, person or file the row is for was a plain cell."""
    from django.urls import reverse

    from accounts.roles import Role
    from imports.models import ImportRun

    from .conftest import rows_not_headed_by_their_first_cell, sign_in

    ImportRun.objects.create(file_name="surrey.csv", kind="gias_establishments", outcome="succeeded")
    sign_in(client, world.users[Role.LA_ADMIN])
    for path in (
        reverse("register:school-list"),
        reverse("register:trust-list"),
        reverse("register:trust-detail", args=[world.trust.uid]),
        reverse("register:authority-list"),
        reverse("register:school-people", args=[world.school.urn]),
        reverse("accounts:user-list"),
        reverse("imports:list"),
    ):
        html = client.get(path).content.decode()
        assert "<tbody" in html, path
        assert not rows_not_headed_by_their_first_cell(html), path


def test_each_audit_entry_is_headed_by_its_time_and_each_current_role_by_the_role_and_what_it_is_for(client, world):
    """WCAG 1.3.1: the audit log's and a person's "Current roles" rows were plain cells, so a screen reader read an
    entry's action, or when a role was granted, with its column's header alone. An entry is named by when it happened;
    a role by the role and what it is for together (an adviser holds the same role for several schools)."""
    from django.urls import reverse

    from accounts.roles import Role
    from tests.factories import grant

    from .conftest import rows_not_headed_by_their_first_cell, sign_in

    admin = world.users[Role.LA_ADMIN]
    adviser = world.users[Role.ADVISER]
    grant(adviser, Role.ADVISER, world.other_school)
    sign_in(client, admin)
    for path in (reverse("accounts:user-detail", args=[adviser.pk]), reverse("audit:list")):
        html = client.get(path).content.decode()
        assert "<tbody" in html, path
        assert not rows_not_headed_by_their_first_cell(html), path
    roles = client.get(reverse("accounts:user-detail", args=[adviser.pk])).content.decode()
    body = roles[roles.index("<tbody") : roles.index("</tbody>")]
    headers = re.findall(r'<th scope="row" class="govuk-table__header">(.*?)</th>', body)
    assert sorted(zip(headers[::2], headers[1::2], strict=True)) == [
        (Role.ADVISER.label, str(world.school)),
        (Role.ADVISER.label, str(world.other_school)),
    ]


def test_the_cookies_table_is_named_by_its_heading_and_each_row_by_its_cookie(client):
    """WCAG 1.3.1: a screen reader's list of tables names the table by the heading above it, and reads each cell with
    the cookie its row is for."""
    html = client.get("/cookies/").content.decode()
    table = " ".join(html[html.index("<table") : html.index("</table>")].split())
    assert table.startswith('<table class="govuk-table" aria-labelledby="cookies-we-use">')
    assert re.findall(r'<th scope="row" class="govuk-table__header">(\w+)</th>', table) == [
        "sessionid",
        "csrftoken",
        "cg_signed_in",
        "messages",
    ]


def test_the_cookies_page_names_every_cookie_the_service_sets(client, world):
    """Signing in and out sets a cookie that the sign-in page reads (cg_signed_in) and one that carries 'You have been
    signed out' to the next page (messages), beside the session's and the forms': the page listed only those two."""
    from accounts.roles import Role

    from .conftest import sign_in

    set_by_the_service = set(client.get("/accounts/sign-in/").cookies)
    sign_in(client, world.users[Role.HEADTEACHER])
    set_by_the_service |= set(client.get("/home/").cookies) | set(client.cookies)
    set_by_the_service |= set(client.post("/accounts/sign-out/").cookies)
    table = client.get("/cookies/").content.decode().split("<table", 1)[1].split("</table>")[0]
    named = set(re.findall(r'<th scope="row" class="govuk-table__header">(\w+)</th>', table))
    assert {"sessionid", "csrftoken", "cg_signed_in", "messages"} <= set_by_the_service
    assert set_by_the_service <= named
