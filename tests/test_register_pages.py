import re
from datetime import date
from html import unescape

import factory
import pytest
from django.urls import reverse

from accounts.roles import Role
from audit.models import AuditEvent
from core.words import isolated
from evidence.models import Framework, Inspection, InspectionSource
from imports.models import ImportOutcome, ImportRun
from register.models import RegisterEvent, RegisterEventKind, School, SchoolLink
from register.views import TRUSTS_LISTED

from .colours import contrast
from .conftest import sign_in
from .evidence_helpers import text
from .factories import GroupFactory, GroupMembershipFactory, LocalAuthorityFactory, SchoolFactory, UserFactory, grant


@pytest.fixture
def officer_client(client, world):
    return sign_in(client, world.users[Role.LA_OFFICER])


def test_school_list_finds_a_school_by_name_urn_laestab_and_postcode(officer_client, world):
    school = SchoolFactory(la=world.la, name="Wonersh and Shamley Green Primary", postcode="GU5 0PE")
    url = reverse("register:school-list")
    for q in ["Shamley", str(school.urn), str(school.laestab), "gu50pe", "GU5 0PE"]:
        html = officer_client.get(url, {"q": q}).content.decode()
        assert "Wonersh and Shamley Green Primary" in html, q
        assert "Ash Grange Primary School" not in html, q


def test_a_name_search_ignores_apostrophes_full_stops_hyphens_and_spacing_and_takes_saint_for_st(officer_client, world):
    SchoolFactory(la=world.la, name="St John's CofE (Aided) Infant School")
    SchoolFactory(la=world.la, name="St. Ann’s Heath Junior School")
    SchoolFactory(la=world.la, name="Coworth-Flexlands School")
    SchoolFactory(la=world.la, name="Hale Nursery & Primary Academy")
    url = reverse("register:school-list")
    searches = {
        "St John's CofE (Aided) Infant School": ["St Johns", "St. John's", "St John’s", "saint john", "Saint-John's", "cofe aided"],
        "St. Ann’s Heath Junior School": ["St Anns", "st ann's heath", "Saint Ann", "ST. ANNS"],
        "Coworth-Flexlands School": ["Coworth Flexlands", "coworthflexlands", "Co-worth"],
        "Hale Nursery &amp; Primary Academy": ["Hale Nursery and Primary", "Hale Nursery & Primary"],
    }
    for name, queries in searches.items():
        for q in queries:
            html = officer_client.get(url, {"q": q}).content.decode()
            assert name.replace("'", "&#39;") in html, q
            assert "Ash Grange Primary School" not in html, q


def test_saint_is_taken_for_st_only_as_a_word_not_inside_banstead_or_west(officer_client, world):
    for name in ("Banstead Infant School", "Westfield Primary School", "St Bede's School", "All Saints CofE Infant School"):
        SchoolFactory(la=world.la, name=name)
    url = reverse("register:school-list")
    alone = unescape(text(officer_client.get(url, {"q": "saint"})))
    assert "All Saints CofE Infant School" in alone
    assert "Banstead Infant School" not in alone and "Westfield Primary School" not in alone
    named = unescape(text(officer_client.get(url, {"q": "Saint Bede"})))
    assert "St Bede's School" in named and "Banstead Infant School" not in named


def test_a_name_search_still_needs_every_letter(officer_client, world):
    SchoolFactory(la=world.la, name="St John's CofE (Aided) Infant School")
    for q in ("St Joan", "Saint Jo hns x", "St Johns Junior"):
        html = officer_client.get(reverse("register:school-list"), {"q": q}).content.decode()
        assert "St John&#39;s CofE" not in html, q


def test_a_postcode_district_finds_that_district_only(officer_client, world):
    SchoolFactory(la=world.la, name="Guildford One School", postcode="GU1 1AA")
    SchoolFactory(la=world.la, name="Farnham Ten School", postcode="GU10 3BB")
    url = reverse("register:school-list")
    district = officer_client.get(url, {"q": "gu1"}).content.decode()
    assert "Guildford One School" in district and "Farnham Ten School" not in district
    for q in ("GU10", "gu10 3", "GU103B", "GU10 3BB"):
        html = officer_client.get(url, {"q": q}).content.decode()
        assert "Farnham Ten School" in html and "Guildford One School" not in html, q


def test_lists_sort_names_whatever_their_case(officer_client, world):
    SchoolFactory(la=world.la, name="de Stafford School")
    SchoolFactory(la=world.la, name="YMCA Primary")
    SchoolFactory(la=world.la, name="Yattendon Primary")
    html = officer_client.get(reverse("register:school-list")).content.decode()
    assert html.index("Busbridge") < html.index("de Stafford") < html.index("St Mary") < html.index("Yattendon") < html.index("YMCA")


def test_school_list_filters_phase_status_and_trust(officer_client, world):
    SchoolFactory(la=world.la, name="Closed Infant School", status="Closed")
    SchoolFactory(la=world.la, name="Weald Secondary School", phase="Secondary")
    url = reverse("register:school-list")
    html = officer_client.get(url).content.decode()
    assert "Closed Infant School" not in html
    assert "Closed Infant School" in officer_client.get(url, {"status": "closed"}).content.decode()
    html = officer_client.get(url, {"phase": "Secondary"}).content.decode()
    assert "Weald Secondary School" in html and "Ash Grange" not in html
    html = officer_client.get(url, {"trust": str(world.trust.uid)}).content.decode()
    assert "St Mary&#39;s Academy" in html and "Ash Grange" not in html


def test_a_filter_that_no_school_here_has_still_shows_as_chosen_not_as_any(officer_client, world):
    """A link kept from elsewhere (a phase or type none of these schools has, a trust of another authority) finds no
    school: the form says which filter did that, rather than "Any phase" beside "No schools found"."""
    SchoolFactory(la=world.other_la, phase="Middle deemed secondary")
    url = reverse("register:school-list")
    html = officer_client.get(url, {"phase": "Middle deemed secondary", "trust": "99999"}).content.decode()
    assert "No schools found." in html
    for name, value, shown in (
        ("phase", "Middle deemed secondary", "Middle deemed secondary (no school here)"),
        ("trust", "99999", f"‘{isolated('99999')}’ (no trust here)"),
    ):
        select = html.split(f'name="{name}"')[1].split("</select>")[0]
        assert f'<option value="{value}" selected>{shown}</option>' in select, name
    assert 'value="Secondary" selected' not in officer_client.get(url, {"phase": "Primary"}).content.decode()
    named = officer_client.get(url, {"trust": "abc"}).content.decode()  # no number: a trust's name, of no trust here
    assert "No schools found." in named and f'<option value="abc" selected>‘{isolated("abc")}’ (no trust here)</option>' in named
    ignored = officer_client.get(url, {"la": "abc"}).content.decode()  # no number: no filter, so none shown
    assert "Ash Grange" in ignored and "no school here" not in ignored


def test_a_links_phase_or_type_that_no_school_here_has_is_shown_by_its_own_name_or_as_the_words_given(officer_client, world):
    """A phase or type a link chose that none of the reader's schools has was shown as the link's value beside "(no
    school here)", whatever it was. As the authority and trust drop-downs do, one that a school in the register has is
    shown by its name, and words that are no phase's or type's name are shown quoted as the words given, isolated (so
    that words written right to left do not reorder the option around them); each with that it matches no school here."""
    SchoolFactory(la=world.other_la, phase="Middle deemed primary", type_name="Studio schools")
    url = reverse("register:school-list")

    def chosen(html, name):
        select = html.split(f'name="{name}"')[1].split("</select>")[0]
        return re.findall(r"<option [^>]*selected>([^<]*)</option>", select)

    html = officer_client.get(url, {"phase": "Middle deemed primary", "type": "Studio schools"}).content.decode()
    assert chosen(html, "phase") == ["Middle deemed primary (no school here)"] and "No schools found." in html
    assert chosen(html, "type") == ["Studio schools (no school here)"]
    html = officer_client.get(url, {"phase": "Primry", "type": "مدرسة <خاصة>"}).content.decode()
    assert chosen(html, "phase") == [f"‘{isolated('Primry')}’ (no school here)"] and "No schools found." in html
    assert chosen(html, "type") == [f"‘{isolated('مدرسة &lt;خاصة&gt;')}’ (no school here)"]
    assert '<option value="مدرسة &lt;خاصة&gt;" selected>' in html
    html = officer_client.get(url, {"phase": "Primary", "type": "Academy converter"}).content.decode()
    assert chosen(html, "phase") == ["Primary"] and chosen(html, "type") == ["Academy converter"]  # listed: as they are
    assert "no school here" not in html and "St Mary&#39;s Academy" in html


def test_words_of_a_trust_written_right_to_left_keep_their_place_in_the_drop_down_and_the_summary(officer_client, world):
    """An option's text cannot hold <bdi>: the words of a link's trust are isolated there by Unicode's own marks, and the
    results summary isolates (<bdi>) the words and the names of the trusts they matched, so that right-to-left words do
    not reorder the words around them."""
    for name in ("مدارس النور", "مدارس الأمل"):
        GroupMembershipFactory(group=GroupFactory(name=name), school__la=world.la)
    url = reverse("register:school-list")
    html = officer_client.get(url, {"trust": "مدرسة <الأمل>"}).content.decode()
    assert f'<option value="مدرسة &lt;الأمل&gt;" selected>‘{isolated("مدرسة &lt;الأمل&gt;")}’ (no trust here)</option>' in html
    assert "No trust matches ‘<bdi>مدرسة &lt;الأمل&gt;</bdi>’." in html
    html = officer_client.get(url, {"trust": "مدارس"}).content.decode()
    assert f'<option value="مدارس" selected>‘{isolated("مدارس")}’ (2 trusts)</option>' in html
    assert "‘<bdi>مدارس</bdi>’ matches 2 trusts with a school here: <bdi>مدارس الأمل</bdi> and <bdi>مدارس النور</bdi>." in html


def test_a_links_trust_that_the_drop_down_does_not_list_is_shown_as_what_it_matched_not_as_an_option_of_its_words(officer_client, world):
    """A link kept from elsewhere (a trust's name from the text box another reader's form has, a trust's UID of another
    authority's) gave the drop-down an option of its words, as if they were a trust's name. A name that finds one trust
    listed is shown as that trust chosen; anything else as the words written and how many trusts here they matched,
    and the results summary names them, or says that no trust here matched."""
    weyside = GroupFactory(name="Weyside Learning Trust")
    GroupMembershipFactory(group=weyside, school__la=world.la, school__name="Weyside Academy")
    hampshire = GroupFactory(name="Hampshire Hills Trust")
    GroupMembershipFactory(group=hampshire, school=world.far_school)
    url = reverse("register:school-list")

    def trust_options(html):
        return re.findall(r"<option [^>]*>[^<]*</option>", html.split('name="trust"')[1].split("</select>")[0])

    page = officer_client.get(url, {"trust": "good shepherd"})
    assert f'<option value="{world.trust.uid}" selected>Good Shepherd Trust</option>' in trust_options(page.content.decode())
    assert len(trust_options(page.content.decode())) == 3 and "matches" not in text(page) and "St Mary&#39;s Academy" in text(page)
    page = officer_client.get(url, {"trust": "trust"})
    assert f'<option value="trust" selected>‘{isolated("trust")}’ (2 trusts)</option>' in trust_options(page.content.decode())
    assert "‘trust’ matches 2 trusts with a school here: Good Shepherd Trust and Weyside Learning Trust." in text(page)
    assert "Hampshire Hills" not in text(page) and "2 schools." in text(page)
    page = officer_client.get(url, {"trust": str(hampshire.uid)})  # another authority's trust
    shown = f"‘{isolated(str(hampshire.uid))}’ (no trust here)"
    assert f'<option value="{hampshire.uid}" selected>{shown}</option>' in trust_options(page.content.decode())
    assert f"‘{hampshire.uid}’ matches 1 trust, but it has no school here." in text(page) and "Hampshire Hills" not in text(page)


def test_an_authority_chosen_by_a_link_where_the_reader_has_no_school_is_shown_by_its_name(client, world):
    """An authority a link chose that none of the reader's schools is in was shown as its code beside "(no school
    here)", or, to a reader whose schools are in one authority, not shown at all, beside "No schools found."."""
    sign_in(client, world.users[Role.LA_OFFICER])
    url = reverse("register:school-list")
    for code, shown in ((850, "Hampshire (no school here)"), (999, "999 (no authority has this code)")):
        html = client.get(url, {"la": code}).content.decode()
        choices = html[html.index('name="la"') :].split("</select>")[0]
        assert f'<option value="{code}" selected>{shown}</option>' in choices and "No schools found." in html
        assert '<option value="936">Surrey</option>' in choices
    html = client.get(url, {"la": 936}).content.decode()
    assert '<option value="936" selected>Surrey</option>' in html and "Ash Grange" in html
    sign_in(client, UserFactory(email="root@example.org", is_superuser=True, is_staff=True))
    LocalAuthorityFactory(code=888, name="Nowhere Council")  # no school
    choices = client.get(url, {"la": 888}).content.decode().split('name="la"')[1].split("</select>")[0]
    assert '<option value="888" selected>Nowhere Council (no school here)</option>' in choices


def test_a_trust_written_with_a_leading_zero_or_spaces_is_shown_as_the_trust_it_filters_by(officer_client, world):
    """The list filters by the number ("04215" is trust 4215), so the form shows that trust chosen, not the value as
    typed beside "(no school here)" above the trust's own schools."""
    html = officer_client.get(reverse("register:school-list"), {"trust": f" 0{world.trust.uid} "}).content.decode()
    assert "St Mary&#39;s Academy" in html and "no school here" not in html
    select = html.split('name="trust"')[1].split("</select>")[0]
    assert re.search(rf'<option value="{world.trust.uid}" selected>', select)


def test_a_search_says_when_only_closed_schools_match_and_links_to_them(officer_client, world):
    closed = SchoolFactory(la=world.la, name="Abinger Common First School", status="Closed")
    url = reverse("register:school-list")
    html = officer_client.get(url, {"q": str(closed.urn)}).content.decode()
    assert "No schools found." not in html
    assert "No open schools found. 1 closed school matches:" in html
    assert f'href="?q={closed.urn}&amp;status=closed">show closed schools</a>' in html
    shown = officer_client.get(url, {"q": str(closed.urn), "status": "closed"}).content.decode()
    assert "Abinger Common First School" in shown and "1 school." in shown


def test_a_search_says_how_many_closed_schools_also_match(officer_client, world):
    SchoolFactory(la=world.la, name="Ash Grange Infant School", status="Closed")
    SchoolFactory(la=world.la, name="Ash Grange Nursery", status="Closed")
    html = officer_client.get(reverse("register:school-list"), {"q": "Ash Grange"}).content.decode()
    assert "1 school." in html
    assert "Ash Grange Infant School" not in html
    assert '2 closed schools also match: <a class="govuk-link" href="?q=Ash+Grange&amp;status=all">show open and closed schools</a>' in html


def test_a_search_that_matches_nothing_says_no_schools_found(officer_client, world):
    SchoolFactory(la=world.la, name="Closed Infant School", status="Closed")
    html = officer_client.get(reverse("register:school-list"), {"q": "Nowhere at all"}).content.decode()
    assert "No schools found." in html and "closed school" not in html
    # Without a search the closed schools are not counted: the list is simply of open schools.
    assert "also match" not in officer_client.get(reverse("register:school-list")).content.decode()


def test_school_list_paginates_and_sorts(officer_client, world):
    for n in range(60):
        SchoolFactory(la=world.la, name=f"Zed School {n:02d}", pupils=n)
    url = reverse("register:school-list")
    first = officer_client.get(url, {"q": "Zed", "sort": "-pupils"}).content.decode()
    assert "Showing 1 to 50 of 60 schools" in first
    assert first.index("Zed School 59") < first.index("Zed School 58")
    second = officer_client.get(url, {"q": "Zed", "sort": "-pupils", "page": 2}).content.decode()
    assert "Zed School 00" in second and "Zed School 59" not in second


def test_sorting_by_pupils_puts_schools_without_a_figure_last_both_ways(officer_client, world):
    SchoolFactory(la=world.la, name="Small Pupils School", pupils=12)
    SchoolFactory(la=world.la, name="Unknown Pupils School", pupils=None)
    SchoolFactory(la=world.la, name="Large Pupils School", pupils=1500)
    url = reverse("register:school-list")
    fewest = officer_client.get(url, {"q": "Pupils School", "sort": "pupils"}).content.decode()
    assert fewest.index("Small Pupils") < fewest.index("Large Pupils") < fewest.index("Unknown Pupils")
    most = officer_client.get(url, {"q": "Pupils School", "sort": "-pupils"}).content.decode()
    assert most.index("Large Pupils") < most.index("Small Pupils") < most.index("Unknown Pupils")


def _inspected(school, framework, on, overall="", category=""):
    run = ImportRun.objects.create(file_name="inspections.csv", checksum="0" * 64, outcome=ImportOutcome.SUCCEEDED)
    Inspection.objects.create(
        school=school, framework=framework, started_on=on, overall=overall, category_of_concern=category,
        source=InspectionSource.OFSTED_LATEST, import_run=run,
    )  # fmt: skip


def test_the_ofsted_filter_goes_by_the_latest_graded_inspection_in_the_history_not_gias(officer_client, world):
    weak = SchoolFactory(la=world.la, name="Weak School", ofsted_rating="Good")  # GIAS's rating is older than its history
    _inspected(weak, Framework.GRADED, date(2019, 5, 1), "Good")
    _inspected(weak, Framework.GRADED, date(2024, 3, 6), "4", "SWK")
    measured = SchoolFactory(la=world.la, name="Measured School", ofsted_rating="Special Measures")
    _inspected(measured, Framework.GRADED, date(2023, 1, 10), "Special Measures", "SM")
    # A report card since its last graded inspection: the list's tag says "Report card", the grade stands.
    carded = SchoolFactory(la=world.la, name="Carded School", ofsted_rating="Good")
    _inspected(carded, Framework.GRADED, date(2018, 6, 1), "Good")
    _inspected(carded, Framework.REPORT_CARD, date(2026, 1, 6))
    SchoolFactory(la=world.la, name="Uninspected School", ofsted_rating="Good")  # GIAS says Good; no inspection is held
    url = reverse("register:school-list")
    html = officer_client.get(url).content.decode()
    assert '<option value="4">Inadequate</option>' in html and '<option value="none">No graded inspection on record</option>' in html
    inadequate = officer_client.get(url, {"ofsted": "4"}).content.decode()
    assert '<option value="4" selected>' in inadequate
    assert "Weak School" in inadequate and "Measured School" in inadequate and "Carded School" not in inadequate
    good = text(officer_client.get(url, {"ofsted": "2"}))
    assert "Carded School" in good and "Report card 6 January 2026" in good
    assert "Weak School" not in good and "Uninspected School" not in good
    none = text(officer_client.get(url, {"ofsted": "none", "q": "School"}))
    assert "Uninspected School" in none and "Weak School" not in none and "Carded School" not in none
    # A link made when the filter took GIAS's words still works, now by the history.
    legacy = officer_client.get(url, {"ofsted": "Serious Weaknesses"}).content.decode()
    assert '<option value="4" selected>' in legacy and "Weak School" in legacy and "Carded School" not in legacy
    # The authority's page counts its state-funded schools the same way, in the words the other pages use.
    authority = text(officer_client.get(reverse("register:authority-detail", args=[936])))
    assert "Open state-funded schools by their latest graded Ofsted inspection" in authority
    assert "Good 1 0 Inadequate: serious weaknesses 1 0 Inadequate: special measures 1 0 No graded inspection on record" in authority
    assert "Serious Weaknesses" not in authority and "Special Measures" not in authority


def test_the_ofsted_filter_is_worked_out_once_for_the_count_and_the_page(officer_client, world):
    """Each school's latest graded inspection is worked out in one query, whose schools' ids give the count and the page:
    the list counted its schools in one query and read the page in another, each working out every school's latest."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    good = [SchoolFactory(la=world.la, name=f"Graded School {n:02d}") for n in range(53)]
    for school in good:
        _inspected(school, Framework.GRADED, date(2016, 3, 1), "Requires improvement")
        _inspected(school, Framework.GRADED, date(2022, 5, 4), "2")
    for n in range(3):
        improving = SchoolFactory(la=world.la, name=f"Graded School {n:02d} Annexe")
        _inspected(improving, Framework.GRADED, date(2023, 1, 10), "3")  # listed between the good, but not good
    # Not yet inspected in its current form: by the school it replaced.
    academy = SchoolFactory(la=world.la, name="Graded School Academy", type_name="Academy converter")
    replaced = SchoolFactory(la=world.la, name="Graded School (closed)", status="Closed")
    _inspected(replaced, Framework.GRADED, date(2019, 9, 9), "Good")
    SchoolLink.objects.create(urn=academy.urn, linked_urn=replaced.urn, link_type="Predecessor")
    _inspected(SchoolFactory(la=world.other_la, name="Graded School Hampshire"), Framework.GRADED, date(2022, 5, 4), "2")
    url = reverse("register:school-list")
    with CaptureQueriesContext(connection) as queries:
        first = officer_client.get(url, {"ofsted": "2"})
    # The filter's queries read the inspections and the schools' links together; the page's tags read them apart.
    filtering = [q["sql"] for q in queries.captured_queries if '"evidence_inspection"' in q["sql"] and '"register_schoollink"' in q["sql"]]
    assert len(filtering) == 1, filtering
    assert "Showing 1 to 50 of 54 schools" in text(first)
    expected = sorted([school.name for school in good] + [academy.name], key=str.lower)
    assert _listed(officer_client, ofsted="2") == expected[:50]
    assert _listed(officer_client, ofsted="2", page="2") == expected[50:]
    assert _listed(officer_client, ofsted="2", sort="-name", page="2") == expected[::-1][50:]


def test_most_recently_inspected_sorts_by_name_on_one_day_and_never_inspected_last(officer_client, world):
    for name in ("Oak Sort School", "Elm Sort School", "Ash Sort School"):
        _inspected(SchoolFactory(la=world.la, name=name), Framework.GRADED, date(2024, 3, 6), "Good")
    SchoolFactory(la=world.la, name="Beech Sort School")  # never inspected
    _inspected(SchoolFactory(la=world.la, name="Yew Sort School"), Framework.REPORT_CARD, date(2026, 1, 6))
    page = text(officer_client.get(reverse("register:school-list"), {"q": "Sort School", "sort": "-inspected"}))
    order = [page.index(f"{name} Sort School") for name in ("Yew", "Ash", "Elm", "Oak", "Beech")]
    assert order == sorted(order) and "5 schools" in page


def test_the_authority_filter_lists_the_authorities_with_schools_to_see(client, world):
    LocalAuthorityFactory(code=999, name="Nowhere Council")  # no school
    sign_in(client, UserFactory(email="root@example.org", is_superuser=True, is_staff=True))
    html = client.get(reverse("register:school-list")).content.decode()
    choices = html[html.index('name="la"') :].split("</select>")[0]
    assert '<option value="850">Hampshire</option>' in choices and '<option value="936">Surrey</option>' in choices
    assert "Nowhere Council" not in choices
    sign_in(client, world.users[Role.LA_OFFICER])
    assert 'name="la"' not in client.get(reverse("register:school-list")).content.decode()  # one authority: no choice


def test_where_the_trusts_are_too_many_to_list_the_school_list_asks_for_a_trusts_name(client, world, settings):
    """A national administrator's schools are in some 2,700 trusts: listed in the filter, they made the page some 330 KB.
    Over TRUSTS_LISTED the form asks for the trust's name (or its UID), which filters the list as the choice did."""
    trusts = GroupFactory.create_batch(TRUSTS_LISTED, name=factory.Sequence(lambda n: f"Listed Learning Trust {n:04d}"))
    GroupMembershipFactory.create_batch(TRUSTS_LISTED, group=factory.Iterator(trusts), school__la=world.far_school.la)
    sign_in(client, UserFactory(email="root@example.org", is_superuser=True, is_staff=True))
    url = reverse("register:school-list")
    html = client.get(url).content.decode()
    assert '<select class="govuk-select govuk-!-width-full" id="trust" name="trust"' not in html
    assert 'class="govuk-input" id="trust" name="trust" type="text"' in html
    assert "Listed Learning Trust" not in html and len(html) < 60_000
    found = text(client.get(url, {"trust": "good shepherd"}))
    assert "St Mary&#39;s Academy" in found and "Ash Grange" not in found and "1 school." in found
    found = text(client.get(url, {"trust": str(world.trust.uid)}))
    assert "St Mary&#39;s Academy" in found and "Ash Grange" not in found
    # Or by its group ID, as GIAS writes it and the trust list's search and the invite form take it.
    found = text(client.get(url, {"trust": world.trust.group_id.lower()}))
    assert "St Mary&#39;s Academy" in found and "Ash Grange" not in found and "1 school." in found
    # Authority-wide, the trusts are few enough to list: the officer's form offers them.
    sign_in(client, world.users[Role.LA_OFFICER])
    choices = client.get(url).content.decode().split('name="trust"')[1].split("</select>")[0]
    assert f'<option value="{world.trust.uid}">Good Shepherd Trust</option>' in choices


def test_a_trust_written_by_name_says_which_trusts_it_matched_or_that_none_has_a_school_here(client, world):
    """Where the form asks for a trust's name, the list says which trusts the words matched (the first five, then how
    many more), or that they matched no trust, or only trusts with no school here: "No schools found." alone does not
    tell a misspelt name from a trust of no school here. Trusts of schools the reader cannot see are not named."""
    trusts = [GroupFactory(name=f"Listed Learning Trust {n:04d}") for n in range(TRUSTS_LISTED)]
    GroupMembershipFactory.create_batch(TRUSTS_LISTED, group=factory.Iterator(trusts), school__la=world.la)
    GroupMembershipFactory(group=GroupFactory(name="Hampshire Hills Trust"), school=world.far_school)
    GroupMembershipFactory(group=GroupFactory(name="Former Schools Trust"), school=world.school, left_on=date(2024, 8, 31))
    sign_in(client, world.users[Role.LA_OFFICER])
    url = reverse("register:school-list")
    page = text(client.get(url))
    assert 'class="govuk-input" id="trust" name="trust" type="text"' in client.get(url).content.decode()
    assert "matches" not in page  # no trust written, nothing to say of one
    found = text(client.get(url, {"trust": "listed learning trust 000"}))
    first = ", ".join(f"Listed Learning Trust {n:04d}" for n in range(5))
    assert f"‘listed learning trust 000’ matches 10 trusts with a school here: {first} and 5 more." in found
    assert "10 schools." in found and "Listed Learning Trust 0005" not in found.split("more.")[0]
    found = text(client.get(url, {"trust": "good shepherd"}))
    assert "‘good shepherd’ matches 1 trust with a school here: Good Shepherd Trust." in found and "1 school." in found
    found = text(client.get(url, {"trust": str(world.trust.uid)}))
    assert f"‘{world.trust.uid}’ matches 1 trust with a school here: Good Shepherd Trust." in found
    found = text(client.get(url, {"trust": "hampshire hills"}))
    assert "‘hampshire hills’ matches 1 trust, but it has no school here." in found and "No schools found." in found
    assert "Hampshire Hills Trust" not in found  # another authority's trust: not named
    found = text(client.get(url, {"trust": "former schools"}))  # its one school here has left it
    assert "‘former schools’ matches 1 trust, but it has no school here." in found
    found = text(client.get(url, {"trust": "s trust"}))
    assert "‘s trust’ matches 2 trusts, but none of them has a school here." in found
    found = text(client.get(url, {"trust": "no such trust"}))
    assert "No trust matches ‘no such trust’." in found and "No schools found." in found
    # The words written are isolated (<bdi>): written right to left, they do not reorder the sentence around them.
    html = client.get(url, {"trust": "مدرسة <النور>"}).content.decode()
    assert "No trust matches ‘<bdi>مدرسة &lt;النور&gt;</bdi>’." in html
    html = client.get(url, {"trust": "good shepherd"}).content.decode()
    assert "‘<bdi>good shepherd</bdi>’ matches 1 trust with a school here: <bdi>Good Shepherd Trust</bdi>." in html


def test_school_list_shows_only_the_users_authorities(officer_client, world):
    html = officer_client.get(reverse("register:school-list")).content.decode()
    assert "Ash Grange Primary School" in html
    assert "Hampshire Primary School" not in html


def _listed(client, **params):
    """The names of the schools the school list shows with these parameters, in its order."""
    html = client.get(reverse("register:school-list"), params).content.decode()
    return [unescape(name) for name in re.findall(r'<a class="govuk-link" href="/schools/\d+/">([^<]+)</a>', html)]


def test_your_schools_narrows_the_list_to_the_schools_each_role_names(client, world, caseload):
    """A link adviser's caseload; a headteacher's school; a trust leader's trust's current schools; a partnership
    body member's body's schools in its authority. Without it, each sees their authority's whole list."""
    adviser, schools = caseload
    left = SchoolFactory(la=world.la, name="Left The Trust School")
    GroupMembershipFactory(group=world.trust, school=left, left_on=date(2024, 8, 31))
    world.body.schools.add(world.far_school)  # another authority's: the body opens none of its records
    everyone = ["Ash Grange Primary School", "Busbridge Infant School", "Kingswood Primary School", "Left The Trust School"]
    mine = {
        adviser: ["Ash Grange Primary School", "Kingswood Primary School", "Ottershaw Primary School", "Wey Primary School"],
        world.users[Role.HEADTEACHER]: ["Ash Grange Primary School"],
        world.users[Role.GOVERNOR]: ["Ash Grange Primary School"],
        world.users[Role.TRUST_LEADER]: ["St Mary's Academy"],
        world.users[Role.BODY_MEMBER]: ["Ash Grange Primary School"],
    }
    for user, names in mine.items():
        sign_in(client, user)
        assert set(everyone) <= set(_listed(client)), user
        assert _listed(client, mine="1") == names, user


def test_your_schools_is_offered_only_to_someone_whose_roles_name_schools(client, world, caseload):
    """Not to an authority's officer or administrator (nor to a stakeholder, who reads no school's records), for whom it
    would mean nothing: a "mine" in the address is ignored. An officer who is also a link adviser is offered their caseload."""
    for role in (Role.LA_OFFICER, Role.LA_ADMIN, Role.STAKEHOLDER):
        sign_in(client, world.users[role])
        html = client.get(reverse("register:school-list"), {"mine": "1"}).content.decode()
        assert 'name="mine"' not in html and "Clear filters" not in html, role
        assert "Busbridge Infant School" in html, role
    adviser, schools = caseload
    grant(adviser, Role.LA_OFFICER, world.la)
    sign_in(client, adviser)
    assert 'name="mine"' in client.get(reverse("register:school-list")).content.decode()
    assert _listed(client, mine="1") == [
        "Ash Grange Primary School",
        "Kingswood Primary School",
        "Ottershaw Primary School",
        "Wey Primary School",
    ]


def test_your_schools_says_what_it_takes_in_and_keeps_its_tick(client, world, caseload):
    adviser, schools = caseload
    sign_in(client, adviser)
    page = text(client.get(reverse("register:school-list")))
    assert "Show only Your schools The schools you have a role at" in page
    html = client.get(reverse("register:school-list"), {"mine": "1"}).content.decode()
    assert re.search(r'name="mine" type="checkbox" value="1" checked', html)
    assert "Clear filters" in html
    sign_in(client, world.users[Role.TRUST_LEADER])
    assert "Your schools Your trust’s schools" in text(client.get(reverse("register:school-list")))
    grant(adviser, Role.TRUST_LEADER, world.trust)
    sign_in(client, adviser)
    assert "Your schools The schools you have a role at and your trust’s schools" in text(client.get(reverse("register:school-list")))


def test_your_schools_combines_with_the_other_filters_and_stays_on_every_page(client, world, caseload):
    adviser, schools = caseload
    secondary = SchoolFactory(la=world.la, name="Weald Secondary School", phase="Secondary")
    SchoolFactory(la=world.la, name="Other Secondary School", phase="Secondary")
    for n in range(50):
        grant(adviser, Role.ADVISER, SchoolFactory(la=world.la, name=f"Zed School {n:02d}"))
    grant(adviser, Role.ADVISER, secondary)
    sign_in(client, adviser)
    assert _listed(client, mine="1", phase="Secondary") == ["Weald Secondary School"]
    assert _listed(client, mine="1", q="Primary") == [school.name for school in schools]
    first = client.get(reverse("register:school-list"), {"mine": "1", "sort": "-name"}).content.decode()
    assert "Showing 1 to 50 of 55 schools" in first
    assert 'href="?mine=1&amp;sort=-name&amp;page=2"' in first
    second = [
        "Wey Primary School",
        "Weald Secondary School",
        "Ottershaw Primary School",
        "Kingswood Primary School",
        "Ash Grange Primary School",
    ]
    assert _listed(client, mine="1", sort="-name", page="2") == second


def test_state_funded_schools_only_leaves_out_independent_schools_childrens_centres_and_universities(officer_client, world):
    _establishments_of_every_kind(world)
    state_funded = ["Academy converter establishment", "Community special school establishment", "Free schools establishment"]
    others = [f"{type_name} establishment" for _, type_name in NOT_STATE_FUNDED_KINDS]
    listed = _listed(officer_client)
    assert set(state_funded + others) <= set(listed)
    world_schools = ["Ash Grange Primary School", "Busbridge Infant School", "St Mary's Academy"]
    assert _listed(officer_client, state_funded="1") == sorted(state_funded + world_schools)
    ticked = 'name="state_funded" type="checkbox" value="1" checked'
    html = officer_client.get(reverse("register:school-list"), {"state_funded": "1"}).content.decode()
    assert ticked in html and "Clear filters" in html
    html = officer_client.get(reverse("register:school-list")).content.decode()
    assert 'name="state_funded"' in html and ticked not in html and "Clear filters" not in html


def test_state_funded_schools_only_combines_with_the_other_filters_and_stays_on_every_page(client, world, caseload):
    _establishments_of_every_kind(world)
    adviser, schools = caseload
    for name in ("Other independent school establishment", "Academy converter establishment"):
        grant(adviser, Role.ADVISER, School.objects.get(name=name))
    sign_in(client, adviser)
    assert _listed(client, state_funded="1", type="Academy converter") == ["Academy converter establishment", "St Mary's Academy"]
    assert "Other independent school establishment" in _listed(client, mine="1")
    assert _listed(client, state_funded="1", mine="1") == ["Academy converter establishment"] + [school.name for school in schools]
    for n in range(50):
        SchoolFactory(la=world.la, name=f"Zed School {n:02d}")
    first = client.get(reverse("register:school-list"), {"state_funded": "1", "sort": "-name"}).content.decode()
    assert "Showing 1 to 50 of 59 schools" in first
    assert 'href="?state_funded=1&amp;sort=-name&amp;page=2"' in first
    second = _listed(client, state_funded="1", sort="-name", page="2")
    assert second[:2] == ["Wey Primary School", "St Mary's Academy"] and second[-1] == "Academy converter establishment"
    assert len(second) == 9 and not {"Children's centre establishment", "Other independent school establishment"} & set(second)


def test_school_list_does_not_query_per_row(officer_client, world, django_assert_max_num_queries):
    for n in range(40):
        SchoolFactory(la=world.la, name=f"Query School {n}")
    officer_client.get(reverse("register:school-list"))  # warm caches (sessions, content types)
    with django_assert_max_num_queries(16):
        response = officer_client.get(reverse("register:school-list"))
    assert response.status_code == 200
    for n in range(60, 100):
        SchoolFactory(la=world.la, name=f"More School {n}")
    with django_assert_max_num_queries(16):
        officer_client.get(reverse("register:school-list"))


def test_school_profile_shows_register_facts_links_and_events(officer_client, world):
    school = world.school
    school.latitude, school.longitude = 51.24, -0.57
    school.head_first_name, school.head_last_name = "Pamela", "Henry"
    school.save()
    successor = SchoolFactory(la=world.la, name="Ash Grange Academy")
    SchoolLink.objects.create(urn=school.urn, linked_urn=successor.urn, linked_name=successor.name, link_type="Successor")
    from imports.models import ImportRun

    run = ImportRun.objects.create(file_name="extract.csv", checksum="x", kind="gias_establishments", outcome="succeeded")
    RegisterEvent.objects.create(
        school=school,
        kind=RegisterEventKind.HEAD_CHANGED,
        occurred_on="2022-04-20",
        on_or_before=True,
        after="2021-03-02",
        old_value="Mrs A Old",
        new_value="Mrs Pamela Henry",
        import_run=run,
    )
    RegisterEvent.objects.create(
        school=school, kind=RegisterEventKind.CLOSED, occurred_on="2022-08-31", old_value="Open", new_value="Closed", import_run=run
    )
    html = officer_client.get(reverse("register:school-detail", args=[school.urn])).content.decode()
    assert "Pamela Henry" in html
    assert reverse("register:school-detail", args=[successor.urn]) in html
    # GIAS does not date a new head: the change lies between the entry before and the one that shows it.
    assert "<strong>Between 2 March 2021 and 20 April 2022</strong>: Headteacher changed" in html
    assert "<strong>31 August 2022</strong>: Closed" in html
    assert "<svg" in html and "Latitude 51.24000" in html


def test_a_name_written_right_to_left_is_isolated_in_the_pages_title_and_the_maps(officer_client, world):
    """A page's title and a map's title and description are plain text, which holds no <bdi>: a school's name there is
    isolated by Unicode's own marks, so that written right to left it does not reorder the words around it."""
    school = SchoolFactory(la=world.la, name="مدرسة النور 2", latitude=51.24, longitude=-0.57)
    html = officer_client.get(reverse("register:school-detail", args=[school.urn])).content.decode()
    assert f"<title>{isolated('مدرسة النور 2')} – Common Ground</title>" in html
    assert f">Where {isolated('مدرسة النور 2')} is in Surrey</title>" in html
    assert f"{isolated('مدرسة النور 2')} is at latitude 51.2400" in html
    html = officer_client.get(reverse("evidence:school-timeline", args=[school.urn])).content.decode()
    assert f"<title>Timeline: {isolated('مدرسة النور 2')} – Common Ground</title>" in html


def test_a_change_between_two_extracts_of_the_same_day_is_dated_that_day():
    """Not "Between 21 March 2022 and 21 March 2022"."""
    change = RegisterEvent(on_or_before=True, after=date(2022, 3, 21), occurred_on=date(2022, 3, 21))
    assert change.when == "21 March 2022"
    change.after = date(2022, 3, 20)
    assert change.when == "Between 20 March 2022 and 21 March 2022"


def test_the_locator_map_says_in_words_what_its_dots_are_and_draws_them_to_be_seen(officer_client, world):
    """WCAG 1.4.11 and 1.1.1: the other schools' dots are seen against the map (3:1 at least), and what each dot is
    is said on the page, not only in the image's description, which only a screen reader reads."""
    neighbour = SchoolFactory(la=world.la, latitude=51.3, longitude=-0.5)
    world.school.latitude, world.school.longitude = 51.24, -0.57
    world.school.save()
    html = officer_client.get(reverse("register:school-detail", args=[world.school.urn])).content.decode()
    assert f"the small grey dots are the other open schools of {world.la.name}" in html
    dots = re.findall(r'<circle [^>]*r="2.5" fill="(#[0-9a-f]{6})"', html)
    assert dots == ["#6f777b"], f"one dot for {neighbour.name}, in a grey that stands out from the map's"
    assert contrast("#6f777b", "#f3f2f1") >= 3
    # Its description counts the dots it draws: one other school (it counted the school itself among the others).
    assert f"shown as a large blue dot among 1 other open school of {world.la.name}" in html


def test_a_school_gias_links_to_a_successor_the_register_lacks_is_flagged_as_maybe_out_of_date(client, db):
    from imports.services import import_file
    from register.models import LocalAuthority

    from .evidence_helpers import GIAS_2021, GIAS_2022, LINKS_2025
    from .factories import UserFactory, grant

    for path in (GIAS_2021, GIAS_2022, LINKS_2025):
        assert import_file(path).outcome == "succeeded"
    officer = UserFactory(email="officer@surrey.example")
    grant(officer, Role.LA_OFFICER, LocalAuthority.objects.get(code=936))
    sign_in(client, officer)
    # Kingswood Primary School became URN 150678 on 30 April 2024; the register's extract is of April 2022.
    html = client.get(reverse("register:school-detail", args=[124937])).content.decode()
    assert "since the register’s extract: Get Information about Schools (GIAS), DfE’s register of schools, links it to a successor." in html
    assert "Kingswood Primary School (URN 150678), from 30 April 2024, which the register does not hold." in html
    assert "a GIAS extract with changes up to 20 April 2022" in html and "surrey-2022-04-20-primary-establishments.csv" in html
    assert "importing a newer GIAS establishment extract" in html


def test_an_authoritys_pupils_and_places_say_whose_counts_they_sum_and_how_many_establishments_have_none(client, db):
    """Surrey's open establishments in the demo's two GIAS extracts: 589, whose counts of pupils (NumberOfPupils, from
    the censuses of 16 January 2020 and 21 January 2021) sum to 195,825 and capacities to 213,231. 101 have no count
    (70 children's centres; academies that opened after the census, such as Holland Junior School, 148954, April
    2022), 96 no capacity: the totals leave them out, and the page says so, not only the sum."""
    from imports.services import import_file
    from register.models import LocalAuthority

    from .evidence_helpers import GIAS_2021, GIAS_2022
    from .factories import UserFactory, grant

    for path in (GIAS_2021, GIAS_2022):
        assert import_file(path).outcome == "succeeded"
    assert School.objects.get(urn=148954).pupils is None
    officer = UserFactory(email="officer@surrey.example")
    grant(officer, Role.LA_OFFICER, LocalAuthority.objects.get(code=936))
    sign_in(client, officer)
    page = text(client.get(reverse("register:authority-detail", args=[936])))
    assert (
        "Pupils 195,825 The pupils GIAS counts, from the school censuses of 16 January 2020 to 21 January 2021. 101 of the"
        " open establishments have no count, such as a college or a school that opened after the census, and are not"
        " counted here or in the tables below."
    ) in page
    assert (
        "Places 213,231 The schools’ capacities as GIAS gives them. 96 of the open establishments have none given, and are not counted here."
        in page
    )


def _linked(school, kind, on, successor=None, urn=None, name="Next School"):
    from datetime import date

    from imports.models import ImportRun

    run = ImportRun.objects.create(file_name="surrey-2022-04-20-establishments.csv", checksum="0", kind="gias_establishments")
    type(school).objects.filter(pk=school.pk).update(import_run=run, register_changed_on=date(2022, 4, 20))
    school.refresh_from_db()
    linked_urn = successor.urn if successor else urn
    SchoolLink.objects.create(urn=school.urn, linked_urn=linked_urn, linked_name=name, link_type=kind, established_on=on)


def test_a_successor_held_and_linked_before_the_extract_raises_no_warning(officer_client, world):
    from datetime import date

    _linked(world.school, "Successor", date(2021, 9, 1), successor=SchoolFactory(la=world.la, name="Next School"))
    SchoolLink.objects.create(
        urn=world.school.urn, linked_urn=999001, linked_name="Old School", link_type="Predecessor", established_on=None
    )
    html = officer_client.get(reverse("register:school-detail", args=[world.school.urn])).content.decode()
    assert "may have closed or converted" not in html and "does not hold" not in html
    assert "Not in the register" in html  # the predecessor, in the links table


def test_a_successor_linked_after_the_extract_is_flagged_even_when_held(officer_client, world):
    from datetime import date

    _linked(world.school, "Successor - merged", date(2024, 9, 1), successor=SchoolFactory(la=world.la, name="Next School"))
    html = officer_client.get(reverse("register:school-detail", args=[world.school.urn])).content.decode()
    assert "may have closed or converted" in html
    assert "Next School (URN " in html and ", from 1 September 2024, held in the register." in html


def test_a_closed_schools_missing_successor_is_named_without_calling_the_school_open(officer_client, world):
    from datetime import date

    world.school.status = "Closed"
    world.school.save()
    _linked(world.school, "Successor", date(2024, 9, 1), urn=150999, name="St Mary's <Academy>")
    html = officer_client.get(reverse("register:school-detail", args=[world.school.urn])).content.decode()
    assert "may have closed or converted" not in html
    expected = "The register does not hold this school’s successor: GIAS links it to St Mary&#39;s &lt;Academy&gt; (URN 150999), from 1 September 2024."
    assert expected in html
    # A closed school's held successor, linked after the extract, is no news: no notice, only the warning that names it.
    world.other_school.status = "Closed"
    world.other_school.save()
    _linked(world.other_school, "Successor", date(2024, 9, 1), successor=SchoolFactory(la=world.la))
    html = officer_client.get(reverse("register:school-detail", args=[world.other_school.urn])).content.decode()
    above = html.lower().split("predecessor and successor schools")[0]
    assert above.count("successor") == 1 and "its successor is" in above and "does not hold" not in above


def test_a_link_only_the_other_school_gives_is_shown_from_this_schools_end(officer_client, world):
    """A register may hold one end of a link only (an import limited to some authorities lacks the other school's
    row): the successor that names this school as its predecessor is this school's successor, on its page and in
    its notice, by the name the register holds for it; a predecessor naming this school as its successor likewise."""
    from register.presenters import superseded_count

    successor = SchoolFactory(la=world.la, name="Ash Grange Academy")
    _linked(world.school, "Successor", date(2021, 9, 1), successor=successor)  # dates the school's extract
    SchoolLink.objects.filter(urn=world.school.urn).delete()
    SchoolLink.objects.create(
        urn=successor.urn,
        linked_urn=world.school.urn,
        linked_name=world.school.name,
        link_type="Predecessor - merged",
        established_on=date(2024, 9, 1),
    )
    SchoolLink.objects.create(urn=150990, linked_urn=world.school.urn, linked_name=world.school.name, link_type="Successor")
    html = officer_client.get(reverse("register:school-detail", args=[world.school.urn])).content.decode()
    assert "may have closed or converted" in html
    assert f"Ash Grange Academy (URN {successor.urn}), from 1 September 2024, held in the register." in html
    table = html.split("Predecessor and successor schools")[-1]
    assert (
        f'Successor - merged</td>\n          <td class="govuk-table__cell"><a class="govuk-link" href="{reverse("register:school-detail", args=[successor.urn])}">Ash Grange Academy</a>'
        in table
    )
    assert "Predecessor</td>" in table and "Name not given (URN 150990)" in table
    assert [school.urn for school in world.school.registered_successors()] == [successor.urn]
    # A successor the register does not hold, named from its end only, counts the school as superseded.
    schools = School.objects.filter(pk=world.other_school.pk)
    assert superseded_count(schools) == 0
    SchoolLink.objects.create(urn=150991, linked_urn=world.other_school.urn, linked_name=world.other_school.name, link_type="Predecessor")
    assert superseded_count(schools) == 1


def test_the_successor_check_costs_one_query_at_most(officer_client, world, django_assert_max_num_queries):
    from datetime import date

    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    url = reverse("register:school-detail", args=[world.school.urn])
    SchoolLink.objects.create(urn=world.school.urn, linked_urn=world.other_school.urn, linked_name="Busbridge", link_type="Predecessor")
    officer_client.get(url)
    with CaptureQueriesContext(connection) as before:
        officer_client.get(url)
    _linked(world.school, "Successor", date(2024, 9, 1), urn=150999)
    _linked(world.school, "Successor - merged", date(2024, 9, 1), urn=150998)
    with django_assert_max_num_queries(len(before) + 1):
        assert "may have closed or converted" in officer_client.get(url).content.decode()


def test_school_profile_of_another_authority_is_not_found(officer_client, world):
    response = officer_client.get(reverse("register:school-detail", args=[world.far_school.urn]))
    assert response.status_code == 404


def test_people_page_is_confidential_and_audited(client, world):
    sign_in(client, world.users[Role.HEADTEACHER])
    url = reverse("register:school-people", args=[world.school.urn])
    before = AuditEvent.objects.count()
    response = client.get(url)
    assert response.status_code == 200
    assert "headteacher@example.org" in response.content.decode()
    assert (
        "confidential to the school, its trust, the local authority and the members of the partnership bodies" in response.content.decode()
    )
    event = AuditEvent.objects.order_by("-id").first()
    assert AuditEvent.objects.count() == before + 1
    assert (event.action, event.object_type, event.object_id) == ("view", "register.school", str(world.school.pk))
    assert event.user == world.users[Role.HEADTEACHER]


def _people_page(client, user, school):
    sign_in(client, user)
    html = client.get(reverse("register:school-people", args=[school.urn])).content.decode()
    heading = "Members of <bdi>Surrey review group</bdi>, which covers this school"
    assert heading in html
    before, _, after = html.partition(heading)
    return before, after


def test_people_page_lists_partnership_body_members_under_their_body_not_as_the_schools_own(client, world):
    school_part, body_part = _people_page(client, world.users[Role.HEADTEACHER], world.school)
    for role in (Role.HEADTEACHER, Role.SCHOOL_STAFF, Role.GOVERNOR, Role.ADVISER):
        assert role.label in school_part and f"{role.value}@example.org" in school_part
    for role in (Role.BODY_MEMBER, Role.STAKEHOLDER):
        assert role.label not in school_part and role.label in body_part


def test_school_level_roles_do_not_see_the_email_addresses_of_body_members_from_outside(client, world):
    from .factories import UserFactory, grant

    # A body member who is also one of the LA's officers is not an outsider.
    colleague = UserFactory(email="officer.member@example.org", full_name="Olive Officer")
    grant(colleague, Role.BODY_MEMBER, world.body)
    grant(colleague, Role.LA_OFFICER, world.la)
    for role in (Role.HEADTEACHER, Role.SCHOOL_STAFF, Role.GOVERNOR, Role.ADVISER, Role.BODY_MEMBER):
        _, body_part = _people_page(client, world.users[role], world.school)
        assert "stakeholder@example.org" not in body_part, role
        assert ("body_member@example.org" in body_part) == (role == Role.BODY_MEMBER), role  # their own only
        assert "Olive Officer" in body_part and "officer.member@example.org" in body_part, role
        assert "shown to the local authority only" in body_part, role
    for role in (Role.LA_OFFICER, Role.LA_ADMIN):
        _, body_part = _people_page(client, world.users[role], world.school)
        assert "stakeholder@example.org" in body_part and "body_member@example.org" in body_part, role
        assert "shown to the local authority only" not in body_part, role


def test_head_cannot_see_another_schools_people_page(client, world):
    sign_in(client, world.users[Role.HEADTEACHER])
    assert client.get(reverse("register:school-people", args=[world.other_school.urn])).status_code == 404


def test_a_person_known_only_by_their_email_address_is_not_a_blank_row(client, world):
    """Someone with no name given is named by their email address to those who may see it, and as having none to the rest."""
    from .factories import UserFactory, grant

    grant(UserFactory(email="no.name@example.org", full_name=""), Role.STAKEHOLDER, world.body)
    for role, shown in ((Role.LA_OFFICER, "no.name@example.org"), (Role.HEADTEACHER, "No name given")):
        _, body_part = _people_page(client, world.users[role], world.school)
        assert shown in body_part, role
        assert "no.name@example.org" not in body_part or role == Role.LA_OFFICER


def test_trust_page_lists_its_schools(officer_client, world):
    html = officer_client.get(reverse("register:trust-detail", args=[world.trust.uid])).content.decode()
    assert "Good Shepherd Trust" in html and "St Mary&#39;s Academy" in html
    html = officer_client.get(reverse("register:trust-list")).content.decode()
    assert "Good Shepherd Trust" in html


def test_trust_page_lists_its_schools_in_name_order_whatever_their_case(officer_client, world):
    for name in ("de Stafford School", "Zephyr Academy"):
        GroupMembershipFactory(group=world.trust, school=SchoolFactory(la=world.la, name=name))
    page = unescape(text(officer_client.get(reverse("register:trust-detail", args=[world.trust.uid]))))
    assert page.index("de Stafford School") < page.index("St Mary's Academy") < page.index("Zephyr Academy")


def test_a_school_gias_gives_no_phase_is_listed_by_its_type(officer_client, world):
    """GIAS gives a pupil referral unit or a college the phase "Not applicable", which read as if it were one."""
    from .factories import GroupMembershipFactory

    unit = SchoolFactory(la=world.la, name="Fordway Centre", phase="Not applicable", type_name="Pupil referral unit")
    GroupMembershipFactory(group=world.trust, school=unit)
    html = officer_client.get(reverse("register:trust-detail", args=[world.trust.uid])).content.decode()
    row = html.split("Fordway Centre")[1].split("</tr>")[0]
    assert "Pupil referral unit" in row and "Not applicable" not in row
    assert SchoolFactory(phase="Primary", type_name="Academy converter").phase_or_type == "Primary"


def test_the_authority_page_does_not_query_per_school(officer_client, world, django_assert_max_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    url = reverse("register:authority-detail", args=[936])
    # One school inspected already, so that the queries counted include those of where the counted inspections came from.
    _inspected(SchoolFactory(la=world.la, name="Counted School"), Framework.GRADED, date(2022, 1, 1), "2")
    officer_client.get(url)  # warm caches (sessions, content types)
    with CaptureQueriesContext(connection) as three:
        officer_client.get(url)
    for n in range(30):
        school = SchoolFactory(la=world.la, name=f"Counted School {n}", type_group="Academies", type_name="Academy converter")
        _inspected(school, Framework.GRADED, date(2023, 1, 1 + n % 28), str(1 + n % 4))
    with django_assert_max_num_queries(len(three)):
        html = text(officer_client.get(url))
    assert "Outstanding 8 0 Good 9 0 Requires improvement 7 0 Inadequate 7 0 No graded inspection on record 3" in html


def test_authority_page_summarises_the_authority(officer_client, world):
    html = officer_client.get(reverse("register:authority-detail", args=[936])).content.decode()
    assert "Surrey" in html and "Open schools" in html
    assert officer_client.get(reverse("register:authority-detail", args=[850])).status_code == 404


def test_the_authority_pages_codes_say_what_they_are(officer_client, world):
    """A governor reading 'LA 936 · E10000030' could not tell what the second code is: it is the ONS's."""
    world.la.ons_code, world.la.region = "E10000030", "South East"
    world.la.save()
    page = unescape(text(officer_client.get(reverse("register:authority-detail", args=[936]))))
    assert "LA 936 · ONS code E10000030 · South East" in page


# Beside the world's three maintained schools: state-funded ones of other groups, and establishments that are not
# state-funded schools at all (GIAS's type group and type of each).
STATE_FUNDED_KINDS = [
    ("Academies", "Academy converter"),
    ("Free Schools", "Free schools"),
    ("Special schools", "Community special school"),
]
NOT_STATE_FUNDED_KINDS = [
    ("Special schools", "Other independent special school"),
    ("Special schools", "Non-maintained special school"),
    ("Independent schools", "Other independent school"),
    ("Children's Centres", "Children's centre"),
    ("Universities", "Higher education institutions"),
]


def _establishments_of_every_kind(world):
    """One open establishment of each kind above in Surrey, named by its type, and a closed academy."""
    for type_group, type_name in STATE_FUNDED_KINDS + NOT_STATE_FUNDED_KINDS:
        SchoolFactory(la=world.la, type_group=type_group, type_name=type_name, name=f"{type_name} establishment")
    SchoolFactory(la=world.la, type_group="Academies", type_name="Academy converter", status="Closed")


def test_open_school_counts_say_how_many_are_state_funded_schools(officer_client, world):
    import re

    _establishments_of_every_kind(world)
    html = officer_client.get(reverse("register:authority-detail", args=[936])).content.decode()
    value = re.search(r"Open schools\s*</dt>\s*<dd[^>]*>(.*?)</dd>", html, re.S).group(1)
    assert '>11</a>, of which <a class="govuk-link" href="/schools/?la=936&amp;state_funded=1">6</a> are state-funded schools' in value
    assert "6 schools." in text(officer_client.get(reverse("register:school-list"), {"la": "936", "state_funded": "1"}))
    home = officer_client.get(reverse("core:home")).content.decode()
    assert "11 open, of which 6 are state-funded schools" in home
    listed = officer_client.get(reverse("register:authority-list")).content.decode()
    assert re.search(r">11</td>\s*<td[^>]*>6</td>", listed)
    # GIAS's phase "Not applicable" is said to be no phase of education; a count of pupils GIAS does not give is said to be so.
    assert "‘Not applicable’ is the phase GIAS gives establishments outside the phases of education" not in html
    SchoolFactory(la=world.la, type_group="Colleges", type_name="Further education", phase="Not applicable", pupils=None)
    html = officer_client.get(reverse("register:authority-detail", args=[936])).content.decode()
    assert "‘Not applicable’ is the phase GIAS gives establishments outside the phases of education" in html
    assert re.search(r">Not applicable</th>\s*<td[^>]*>1</td>\s*<td[^>]*>Not recorded</td>", html)


def test_recent_changes_name_the_trust_a_school_left_and_the_one_it_joined(officer_client, world):
    from datetime import date

    from imports.models import ImportRun

    run = ImportRun.objects.create(file_name="x.csv", checksum="0")
    for kind in (RegisterEventKind.LEFT_TRUST, RegisterEventKind.JOINED_TRUST):
        RegisterEvent.objects.create(
            school=world.school,
            kind=kind,
            occurred_on=date(2022, 4, 20),
            on_or_before=True,
            old_value="Old Trust",
            new_value="New Trust",
            import_run=run,
        )
    html = officer_client.get(reverse("register:authority-detail", args=[936])).content.decode()
    assert "left a trust “<bdi>Old Trust</bdi>”" in html and "joined a trust “<bdi>New Trust</bdi>”" in html
    assert "<strong>On or before 20 April 2022</strong>" in html
    assert "left a trust “New Trust”" not in html


def test_a_school_new_to_the_register_is_said_to_have_opened_without_repeating_its_name(officer_client, world):
    from datetime import date

    from imports.models import ImportRun

    run = ImportRun.objects.create(file_name="x.csv", checksum="0")
    RegisterEvent.objects.create(
        school=world.school, kind=RegisterEventKind.OPENED, occurred_on=date(2022, 4, 1), new_value=world.school.name, import_run=run
    )
    html = officer_client.get(reverse("register:authority-detail", args=[936])).content.decode()
    assert f"{world.school.name}</bdi></a> – opened</li>" in html


def _register_changes(world, names_and_dates, file_name="surrey-2022-04-20-establishments.csv"):
    from imports.models import ImportRun

    run = ImportRun.objects.create(file_name=file_name, checksum="0", kind="gias_establishments", outcome="succeeded")
    for name, on in names_and_dates:
        school = SchoolFactory(la=world.la, name=name)
        RegisterEvent.objects.create(
            school=school, kind=RegisterEventKind.HEAD_CHANGED, occurred_on=on, old_value="A", new_value="B", import_run=run
        )
    return run


def test_recent_changes_come_newest_first_then_by_school_name(officer_client, world):
    from datetime import date

    # Recorded in the order an import writes them, which is no order a reader would choose.
    _register_changes(world, [("Alpha School", date(2022, 4, 20)), ("zeta School", date(2022, 4, 20)), ("Older School", date(2021, 5, 1))])
    _register_changes(world, [("Beta School", date(2022, 4, 20)), ("Newest School", date(2023, 1, 9))], "links.csv")
    html = officer_client.get(reverse("register:authority-detail", args=[936])).content.decode()
    changes = html[html.index("Recent changes in the register") :]
    order = [changes.index(name) for name in ("Newest School", "Alpha School", "Beta School", "zeta School", "Older School")]
    assert order == sorted(order)
    assert "most recent of" not in changes  # all 5 are shown


def test_recent_changes_say_how_many_more_there_are_and_link_an_administrator_to_the_imports(client, world):
    from datetime import date, timedelta

    run = _register_changes(world, [(f"Changed School {n:02d}", date(2022, 4, 20) - timedelta(days=n)) for n in range(25)])
    url = reverse("register:authority-detail", args=[936])
    sign_in(client, world.users[Role.LA_OFFICER])
    html = client.get(url).content.decode()
    assert "Changed School 19" in html and "Changed School 20" not in html
    assert "These are the 20 most recent of 25 changes: 5 more are not listed here, and each school's page lists its own." in html
    assert reverse("imports:detail", args=[run.pk]) not in html  # an officer cannot open imports
    sign_in(client, world.users[Role.LA_ADMIN])
    html = client.get(url).content.decode()
    assert "These are the 20 most recent of 25 changes." in html
    assert (
        f'<a class="govuk-link cg-break" href="{reverse("imports:detail", args=[run.pk])}"><bdi>surrey-2022-04-20-establishments.csv</bdi></a>'
        in html
    )
    assert client.get(reverse("imports:detail", args=[run.pk])).status_code == 200


def test_a_foundation_trust_is_listed_among_trusts_but_not_counted_as_an_academy_trust(officer_client, world):
    import re

    from register.models import GroupKind

    from .factories import GroupFactory, GroupMembershipFactory

    foundation = GroupFactory(name="Godalming Learning Partnership", kind=GroupKind.TRUST)
    for _ in range(2):
        GroupMembershipFactory(group=foundation, school=SchoolFactory(la=world.la))
    html = officer_client.get(reverse("register:authority-detail", args=[936])).content.decode()
    count = re.search(r"Academy trusts with schools here\s*</dt>\s*<dd[^>]*>\s*(\d+)", html)
    assert count and count.group(1) == "1"  # the Good Shepherd Trust only
    listed = html[html.index("Trusts with the most schools here") :]
    assert listed.index("Godalming Learning Partnership") < listed.index("Good Shepherd Trust")  # 2 schools, then 1


def test_the_trust_list_counts_the_schools_of_the_trusts_it_shows_and_no_others(officer_client, world):
    """Each trust's schools are counted for the 50 trusts a page shows, once they are chosen: counted with the list, every
    trust in England was counted before the 50 were (30 ms of the database's time for the service administrator's list of
    2,500 trusts, where the list and its counts now take 12)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from register.views import PAGE_SIZE

    trusts = [GroupFactory(name=f"Aardvark Trust {n:02d}") for n in range(PAGE_SIZE + 5)]
    for n, trust in enumerate(trusts):
        for _ in range(1 + n % 3):
            GroupMembershipFactory(group=trust, school=SchoolFactory(la=world.la))
    GroupMembershipFactory(group=trusts[0], school=SchoolFactory(la=world.la), left_on=date(2024, 8, 31))  # left: not counted
    GroupMembershipFactory(group=trusts[1], school=SchoolFactory(la=world.other_la))  # not the officer's to see
    with CaptureQueriesContext(connection) as queries:
        html = officer_client.get(reverse("register:trust-list")).content.decode()
    rows = re.findall(r"Aardvark Trust (\d+)</a>.*?numeric\">(\d+)</td>", html, re.DOTALL)
    assert [(int(n), int(count)) for n, count in rows] == [(n, 1 + n % 3) for n in range(PAGE_SIZE)]
    # One count, of the trusts shown: the list itself counts nothing.
    counts = [q["sql"] for q in queries.captured_queries if "COUNT(DISTINCT" in q["sql"].upper()]
    assert len(counts) == 1, counts
    chosen = re.search(r'"group_id" IN \(([\d, ]+)\)', counts[0])
    assert chosen, counts[0]  # not counted with the list, for every trust
    counted = {int(pk) for pk in chosen.group(1).split(", ")}
    assert counted == {trust.pk for trust in trusts[:PAGE_SIZE]}


def test_every_school_page_lists_the_same_pages_the_person_may_open(client, world):
    pages = ["register:school-detail", "evidence:school-results", "evidence:school-timeline"]
    sign_in(client, world.users[Role.LA_OFFICER])
    for name in [*pages, "evidence:school-intelligence", "register:school-people"]:
        nav = client.get(reverse(name, args=[world.school.urn])).content.decode().split('aria-label="School pages"')[1].split("</nav>")[0]
        assert all(text in nav for text in ("Register", "Results and data", "Timeline", "Local intelligence", "People")), name
        assert 'aria-current="page"' in nav
    sign_in(client, world.users[Role.HEADTEACHER])
    nav = client.get(reverse("register:school-detail", args=[world.school.urn])).content.decode().split('aria-label="School pages"')[1]
    nav = nav.split("</nav>")[0]
    assert "Timeline" in nav and "People" in nav and "Local intelligence" not in nav


def test_each_of_a_schools_pages_is_titled_alike(officer_client, world):
    """A school's pages other than its register page are titled '<page>: <school>', so that a list of tabs or of
    history reads alike for each."""
    school = world.school
    titles = []
    for name in ("register:school-people", "evidence:school-results", "evidence:school-timeline", "evidence:school-intelligence"):
        html = officer_client.get(reverse(name, args=[school.urn])).content.decode()
        titles.append(re.search(r"<title[^>]*>(.*?)</title>", html, re.S).group(1).strip())
    # The name isolated: a title holds no <bdi>, and a name written right to left would reorder the words around it.
    assert titles == [
        f"{page}: {isolated(school.name)} – Common Ground" for page in ("People", "Results and data", "Timeline", "Local intelligence")
    ]


def test_a_school_proposed_to_open_is_not_counted_as_open(officer_client, world):
    """GIAS lists a school before it opens: it has no pupils or inspection yet, so no page counts it as open."""
    from register.models import SchoolStatus

    coming = SchoolFactory(la=world.la, name="Ash Grange Free School", status=SchoolStatus.PROPOSED_TO_OPEN, opened_on=date(2027, 9, 1))
    assert not coming.is_open
    listed = officer_client.get(reverse("register:school-list"), {"q": "Ash Grange"}).content.decode()
    assert "Ash Grange Free School" not in listed
    every = officer_client.get(reverse("register:school-list"), {"q": "Ash Grange", "status": "all"}).content.decode()
    assert re.search(r"Ash Grange Free School</a>.*?govuk-tag--grey\">Proposed to open</strong>", every, re.S)
    page = text(officer_client.get(reverse("register:school-detail", args=[coming.urn])))
    assert "This school is proposed to open on 1 September 2027" in page and "This school closed" not in page
    authority = text(officer_client.get(reverse("register:authority-detail", args=[936])))
    assert "Open schools 3 , of which" in authority and "Proposed to open (not yet counted as open) 1" in authority
    results = text(officer_client.get(reverse("evidence:authority-results", args=[936])))
    assert "3 open establishments" in results


def test_a_schools_groups_are_listed_together_each_by_its_kind(officer_client, world):
    """The 'Trust' row listed a school sponsor and a federation as trusts, and a 'Federation' row said the federation
    again: every group is now under 'Trusts and other groups', named with its kind, once."""
    from register.models import GroupKind

    from .factories import GroupFactory

    school = world.school
    school.federation_name, school.trust_name = "Walton Federation", "Good Shepherd Trust"
    school.save()
    sponsor = GroupFactory(name="GLF Schools", kind=GroupKind.SPONSOR)
    federation = GroupFactory(name="Walton Federation", kind=GroupKind.FEDERATION)
    for group in (sponsor, federation):
        GroupMembershipFactory(group=group, school=school)
    page = text(officer_client.get(reverse("register:school-detail", args=[school.urn])))
    row = page.split("Trusts and other groups", 1)[1].split("Opened", 1)[0]
    assert "GLF Schools (school sponsor" in row and "Walton Federation (federation" in row
    assert page.count("Walton Federation") == 1 and " Trust " not in page.replace("Trusts and other groups", "")
    # With no group links imported, the trust and federation the school's own row names.
    school.memberships.all().delete()
    page = text(officer_client.get(reverse("register:school-detail", args=[school.urn])))
    row = page.split("Trusts and other groups", 1)[1].split("Opened", 1)[0]
    assert "Good Shepherd Trust (trust)" in row and "Walton Federation (federation)" in row


@pytest.mark.parametrize(("asked", "shown"), [("0", 1), ("-1", 1), ("two", 1), ("2", 2), ("999", 2)])
def test_a_page_number_that_names_no_page_shows_the_first_and_the_title_says_which_page(officer_client, world, asked, shown):
    """?page=0 and ?page=-1 showed the last page; a list's title did not say which page it was."""
    from register.views import PAGE_SIZE

    for n in range(PAGE_SIZE + 1 - School.objects.filter(la=world.la).count()):
        SchoolFactory(la=world.la, name=f"Paged School {n:03d}")
    html = officer_client.get(reverse("register:school-list"), {"page": asked}).content.decode()
    assert f"<title>Schools (page {shown} of 2) – Common Ground</title>" in html


def test_a_group_search_that_finds_none_of_the_kind_chosen_says_which_kinds_it_finds(officer_client, world):
    """'federation' among trusts (the kind chosen at first) answered 'No groups found', though five federations matched."""
    from register.models import GroupKind

    from .factories import GroupFactory

    GroupMembershipFactory(group=GroupFactory(name="Walton Federation", kind=GroupKind.FEDERATION), school=world.school)
    html = officer_client.get(reverse("register:trust-list"), {"q": "federation"}).content.decode()
    assert "Groups of other kinds match “<bdi>federation</bdi>”" in html  # isolated: words written right to left stay in them
    assert '<a class="govuk-link" href="/trusts/?q=federation&amp;kind=federation">Federation: 1</a>' in html
    found = officer_client.get(reverse("register:trust-list"), {"q": "federation", "kind": "federation"}).content.decode()
    assert "Walton Federation" in found and "Groups of other kinds" not in found


@pytest.mark.parametrize("q", ["st marys", "Saint Mary's", "St. Mary’s", "st mary's and st john"])
def test_a_trust_is_found_by_its_name_written_as_school_names_are_searched(officer_client, world, q):
    """A trust's name was matched as typed, so "St Marys" did not find "St Mary's & St John Trust" where a school of that
    name is found: both are now compared as school names are (register.presenters.comparable_name)."""
    trust = GroupFactory(name="St Mary's & St John Trust")
    GroupMembershipFactory(group=trust, school=world.school)
    assert "St Mary&#39;s &amp; St John Trust" in officer_client.get(reverse("register:trust-list"), {"q": q}).content.decode()
    listed = officer_client.get(reverse("register:school-list"), {"trust": q}).content.decode()
    assert world.school.name in listed and "No schools found." not in listed


def test_a_links_group_uid_of_another_kind_than_a_trust_is_not_made_an_option_of_its_words(officer_client, world):
    """A link's group UID finds the group's schools whatever its kind, but the drop-down lists trusts only: a
    federation's UID, matching one group here, is not shown as that group chosen (it is not among the options, so the
    drop-down made one of the bare number), but as the words written and what they matched."""
    from register.models import GroupKind

    federation = GroupFactory(name="Weyside Schools Federation", kind=GroupKind.FEDERATION)
    GroupMembershipFactory(group=federation, school__la=world.la, school__name="Weyside Infant School")
    page = officer_client.get(reverse("register:school-list"), {"trust": str(federation.uid)}).content.decode()
    options = re.findall(r"<option [^>]*>[^<]*</option>", page.split('name="trust"')[1].split("</select>")[0])
    assert f'<option value="{federation.uid}" selected>‘{isolated(str(federation.uid))}’ (1 trust)</option>' in options
    assert f">{federation.uid}</option>" not in page and "Weyside Infant School" in page


def test_a_links_phase_and_type_match_whatever_the_case_of_their_letters(officer_client, world):
    """'?phase=primary' found no school, as the phase is 'Primary', and showed '‘primary’ (no school here)' chosen."""
    SchoolFactory(la=world.la, name="Weald Secondary School", phase="Secondary", type_name="Academy converter")
    SchoolFactory(la=world.other_la, phase="Middle deemed primary")
    url = reverse("register:school-list")

    def chosen(html, name):
        select = html.split(f'name="{name}"')[1].split("</select>")[0]
        return re.findall(r'<option value="([^"]*)" selected>([^<]*)</option>', select)

    html = officer_client.get(url, {"phase": "secondary", "type": "ACADEMY CONVERTER"}).content.decode()
    assert _listed(officer_client, phase="secondary", type="ACADEMY CONVERTER") == ["Weald Secondary School"]
    assert chosen(html, "phase") == [("Secondary", "Secondary")] and chosen(html, "type") == [("Academy converter", "Academy converter")]
    assert "no school here" not in html
    html = officer_client.get(url, {"phase": "middle DEEMED primary"}).content.decode()
    assert chosen(html, "phase") == [("middle DEEMED primary", "Middle deemed primary (no school here)")]


def test_a_closed_schools_warning_links_the_successors_the_register_holds(officer_client, world):
    """The warning that a school closed names what replaced it, as the table of linked schools further down does: each
    successor the register holds, linked where the reader may open it (one in another authority is named, not linked);
    one it does not hold is left to the notice below the warning, which says so."""
    school = SchoolFactory(la=world.la, name="Busbridge Infant School", status="Closed", closed_on=date(2022, 3, 31))
    school.close_reason = "Academy converter"
    school.save()
    academy = SchoolFactory(la=world.la, name="Busbridge Church of England Infant School")
    elsewhere = SchoolFactory(la=LocalAuthorityFactory(), name="Hampshire Infant Academy")
    for successor in (academy, elsewhere):
        SchoolLink.objects.create(urn=school.urn, linked_urn=successor.urn, linked_name=successor.name, link_type="Successor")
    SchoolLink.objects.create(urn=school.urn, linked_urn=150990, linked_name="Not Held Academy", link_type="Successor - split")
    html = officer_client.get(reverse("register:school-detail", args=[school.urn])).content.decode()
    warning = html.split('<strong class="govuk-warning-text__text">', 1)[1].split("</strong>", 1)[0]
    academy_link = reverse("register:school-detail", args=[academy.urn])
    assert re.sub(r"\s+", " ", warning) == (
        '<span class="govuk-visually-hidden">Warning</span>This school closed on 31 March 2022 (academy converter).'
        f' Its successors are <a class="govuk-link" href="{academy_link}"><bdi>Busbridge Church of England Infant School</bdi></a>'
        f" (URN {academy.urn}) and <bdi>Hampshire Infant Academy</bdi> (URN {elsewhere.urn})."
    )
    assert "GIAS links it to Not Held Academy (URN 150990)" in html
    # One successor: 'is'. None held: the warning says only that the school closed.
    SchoolLink.objects.filter(linked_urn=elsewhere.urn).delete()
    html = officer_client.get(reverse("register:school-detail", args=[school.urn])).content.decode()
    assert "(academy converter). Its successor is <a" in re.sub(r"\s+", " ", html)
    SchoolLink.objects.filter(linked_urn=academy.urn).delete()
    html = officer_client.get(reverse("register:school-detail", args=[school.urn])).content.decode()
    assert "This school closed on 31 March 2022 (academy converter).</strong>" in html


def test_a_lists_pupils_say_which_censuses_the_counts_are_of(officer_client, world):
    """GIAS gives each school's count from its own census (Surrey's extract: 16 January 2020 to 21 January 2021), which the
    school's page and the authority's say: the list of schools and a trust's page say it under their tables too."""
    first = SchoolFactory(la=world.la, name="Zebedee Primary", pupils=208, census_date=date(2020, 1, 16))
    SchoolFactory(la=world.la, name="Zebedee Infants", pupils=90, census_date=date(2021, 1, 21))
    SchoolFactory(la=world.la, name="Zebedee College", pupils=None, census_date=date(2021, 10, 7))  # no count: not its census
    span = "Pupils: the number on roll as DfE’s register, Get Information about Schools, gives it, from the school censuses of"
    listed = unescape(text(officer_client.get(reverse("register:school-list") + "?q=zebedee")))
    assert f"{span} 16 January 2020 to 21 January 2021." in listed
    GroupMembershipFactory(group=world.trust, school=first)
    trust = unescape(text(officer_client.get(reverse("register:trust-detail", args=[world.trust.uid]))))
    assert f"{span.replace('censuses', 'census')} 16 January 2020." in trust
