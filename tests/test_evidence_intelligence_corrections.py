"""Correcting and withdrawing local intelligence: who may, what is kept, what the timeline shows, and the audit."""

import re
from datetime import date
from html import unescape

import pytest
from django.urls import reverse
from django.utils.http import urlencode

from accounts.roles import Role
from audit.models import AuditAction, AuditEvent
from core.words import isolated
from evidence.models import IntelligenceEntry, IntelligenceRevision
from evidence.services import correct_intelligence, record_intelligence

from .conftest import sign_in
from .factories import UserFactory, grant

SUMMARY = "Headteacher Mrs Smyth to retire at Easter; interim head from the trust."
CORRECTED = {
    "kind": "leadership",
    "severity": "medium",
    "day": "17",
    "month": "1",
    "year": "2025",
    "summary": "Headteacher Mrs Smith to retire at Easter; interim head from the trust.",
    "reason": "The head’s name was misspelt and the date was wrong.",
}
NEW_ENTRY = {name: value for name, value in CORRECTED.items() if name != "reason"}  # as the form to record one posts it


def entry_by(world, role, school=None):
    return record_intelligence(
        school or world.school,
        user=world.users[role],
        kind="leadership",
        severity="medium",
        occurred_on=date(2025, 1, 10),
        summary=SUMMARY,
    )


@pytest.fixture
def entry(world):
    return entry_by(world, Role.LA_OFFICER)


def correct_url(entry, step="intelligence-correct"):
    return reverse(f"evidence:{step}", args=[entry.school.urn, entry.pk])


def withdraw_url(entry):
    return reverse("evidence:intelligence-withdraw", args=[entry.school.urn, entry.pk])


def timeline(client, world) -> str:
    return client.get(reverse("evidence:school-timeline", args=[world.school.urn])).content.decode()


def text_of(html: str) -> str:
    """The page's words, each run of spaces one; words isolated in a sentence (<bdi>) run on into those around them."""
    return " ".join(re.sub(r"<[^>]+>", " ", re.sub(r"</?bdi>", "", html)).split())


def correct(client, entry, answers=CORRECTED):
    """Send the correction, then save it from the check page; the check page's response."""
    response = client.post(correct_url(entry), answers)
    assert response.status_code == 302 and response.url == correct_url(entry, "intelligence-correct-check")
    return client.post(correct_url(entry, "intelligence-correct-check"))


def test_the_form_starts_from_the_entry_as_recorded(client, world, entry):
    sign_in(client, world.users[Role.LA_OFFICER])
    html = client.get(correct_url(entry)).content.decode()
    assert "Correct an entry" in html
    assert 'value="leadership" checked' in html and 'value="medium" checked' in html
    assert 'value="10"' in html and 'value="2025"' in html and "Mrs Smyth" in html
    assert AuditEvent.objects.filter(action=AuditAction.VIEW, object_type="evidence.intelligence", detail__page="correct").exists()


def test_correcting_keeps_the_earlier_version_and_is_audited(client, world, entry):
    officer = world.users[Role.LA_OFFICER]
    sign_in(client, officer)
    check = client.post(correct_url(entry), CORRECTED)
    page = text_of(client.get(check.url).content.decode())
    assert "Check your correction" in page
    assert "Date it happened Change (Date it happened) Now 10 January 2025 Corrected to 17 January 2025" in page
    assert "Mrs Smyth" in page and "Mrs Smith" in page and "misspelt" in page
    assert "Kind" not in page.split("Check your correction")[1].split("Save correction")[0]  # only what changed
    assert not IntelligenceRevision.objects.exists()  # nothing is saved until it is checked

    response = client.post(check.url)
    assert response.status_code == 302 and response.url == reverse("evidence:school-intelligence", args=[world.school.urn])
    entry.refresh_from_db()
    assert (entry.occurred_on, entry.summary) == (date(2025, 1, 17), CORRECTED["summary"])
    earlier = IntelligenceRevision.objects.get(entry=entry)
    assert (earlier.kind, earlier.severity, earlier.occurred_on, earlier.summary) == ("leadership", "medium", date(2025, 1, 10), SUMMARY)
    assert (earlier.changed_by, earlier.reason) == (officer, CORRECTED["reason"])
    changed = AuditEvent.objects.get(action=AuditAction.UPDATE, object_type="evidence.intelligenceentry", object_id=str(entry.pk))
    assert changed.object_repr == f"Leadership change (17 January 2025), Ash Grange Primary School ({world.school.urn})"
    assert changed.detail["corrected"] == ["occurred_on", "summary"] and changed.detail["reason"] == CORRECTED["reason"]
    assert changed.detail["school_urn"] == world.school.urn
    assert changed.authorities == f",{world.la.pk},"  # in the authority's audit log
    assert "intelligence-correction" not in "".join(client.session.keys())


def test_the_timeline_says_who_corrected_an_entry_and_why_and_keeps_its_earlier_versions(client, world, entry):
    officer = world.users[Role.LA_OFFICER]
    correct_intelligence(entry, user=officer, **{**ANSWERS, "summary": "Second version."}, reason="Name misspelt.")
    correct_intelligence(entry, user=world.users[Role.LA_ADMIN], **{**ANSWERS, "summary": "Third version."}, reason="Date wrong.")
    for role in (Role.LA_OFFICER, Role.ADVISER):  # everyone who may read the entry
        sign_in(client, world.users[role])
        page = text_of(timeline(client, world))
        officer_name, admin_name = officer.full_name, world.users[Role.LA_ADMIN].full_name
        assert re.search(
            rf"Third version\. Recorded by {officer_name} on \d+ \w+ \d{{4}} Corrected on \d+ \w+ \d{{4}} by {admin_name}: Date wrong\.",
            page,
        )
        assert "Earlier versions of the entry of 10 January 2025 (2)" in page
        history = page.split("Earlier versions of the entry of 10 January 2025 (2)")[1]
        first, second = history.split(f"Corrected by {officer_name} on")
        assert first.startswith(f" Recorded by {officer_name} on") and "Leadership change, medium severity, on 10 January 2025" in first
        assert "Mrs Smyth" in first and "Name misspelt." in first
        assert "Second version." in second and "Date wrong." in second
        listing = text_of(client.get(reverse("evidence:school-intelligence", args=[world.school.urn])).content.decode())
        assert "Corrected on" in listing and "Earlier versions" in listing and "Second version." in listing
    sign_in(client, world.users[Role.HEADTEACHER])
    assert "Earlier versions" not in timeline(client, world) and "Second version" not in timeline(client, world)


ANSWERS = {"kind": "leadership", "severity": "high", "occurred_on": date(2025, 1, 10)}


def test_a_form_error_keeps_what_was_typed(client, world, entry):
    sign_in(client, world.users[Role.LA_OFFICER])
    response = client.post(correct_url(entry), {**CORRECTED, "day": "31", "month": "2", "severity": "high"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "There is a problem" in html and "Date it happened must be a real date" in html and "<title>Error:" in html
    assert 'value="31"' in html and 'value="high" checked' in html and "Mrs Smith" in html and "misspelt" in html
    assert not IntelligenceRevision.objects.exists()


def test_a_reason_is_required(client, world, entry):
    sign_in(client, world.users[Role.LA_OFFICER])
    html = client.post(correct_url(entry), {**CORRECTED, "reason": "  "}).content.decode()
    assert '<a href="#reason">Enter why you are correcting this entry</a>' in html
    assert "Mrs Smith" in html  # the correction typed is kept
    html = client.post(withdraw_url(entry), {"reason": ""}).content.decode()
    assert '<a href="#reason">Enter why you are withdrawing this entry</a>' in html
    entry.refresh_from_db()
    assert entry.summary == SUMMARY and not entry.withdrawn and not IntelligenceRevision.objects.exists()


def test_a_correction_that_changes_nothing_is_refused(client, world, entry):
    sign_in(client, world.users[Role.LA_OFFICER])
    unchanged = {"kind": "leadership", "severity": "medium", "day": "10", "month": "1", "year": "2025", "summary": SUMMARY, "reason": "x"}
    html = client.post(correct_url(entry), unchanged).content.decode()
    assert "Change the kind, severity, date or summary" in html and 'href="#kind"' in html


def test_coming_back_from_the_check_page_keeps_the_correction(client, world, entry):
    sign_in(client, world.users[Role.LA_OFFICER])
    client.post(correct_url(entry), CORRECTED)
    html = client.get(correct_url(entry) + "?change").content.decode()
    assert "Mrs Smith" in html and 'value="17"' in html and "misspelt" in html
    assert "Mrs Smyth to retire" in client.get(correct_url(entry)).content.decode()  # a fresh start is from the entry


def test_each_change_link_on_the_check_page_goes_to_its_own_field(client, world, entry):
    """As GOV.UK's check answers pattern does: not to the top of the form, to look for the field again."""
    sign_in(client, world.users[Role.LA_OFFICER])
    client.post(correct_url(entry), {**CORRECTED, "severity": "high"})
    check_page = client.get(correct_url(entry, "intelligence-correct-check")).content.decode()
    change = re.escape(correct_url(entry) + "?change#")
    links = re.findall(rf'href="{change}([\w-]+)"[^>]*>\s*Change<span class="govuk-visually-hidden"> \(([^)]+)\)', check_page)
    assert links == [
        ("severity", "Severity"),
        ("occurred-day", "Date it happened"),
        ("summary", "Summary"),
        ("reason", "Why you are correcting it"),
    ]
    form = client.get(correct_url(entry) + "?change").content.decode()
    assert all(f'id="{field_id}"' in form for field_id, _ in links)


def test_the_check_page_without_a_correction_goes_back_to_the_form(client, world, entry):
    sign_in(client, world.users[Role.LA_OFFICER])
    response = client.post(correct_url(entry, "intelligence-correct-check"))
    assert response.status_code == 302 and response.url == correct_url(entry)
    assert not IntelligenceRevision.objects.exists()


@pytest.mark.parametrize(
    ("author", "changer", "allowed"),
    [
        (Role.LA_OFFICER, Role.LA_OFFICER, True),  # the author
        (Role.ADVISER, Role.ADVISER, True),  # an adviser's own
        (Role.ADVISER, Role.LA_OFFICER, True),  # an officer of the authority
        (Role.ADVISER, Role.LA_ADMIN, True),
        (Role.LA_OFFICER, Role.ADVISER, False),  # an adviser, not the author
        (Role.LA_OFFICER, Role.HEADTEACHER, False),
        (Role.LA_OFFICER, Role.GOVERNOR, False),
        (Role.LA_OFFICER, Role.SCHOOL_STAFF, False),
    ],
)
def test_who_may_correct_and_withdraw(client, world, author, changer, allowed):
    entry = entry_by(world, author)
    sign_in(client, world.users[changer])
    expected = 200 if allowed else 403
    assert client.get(correct_url(entry)).status_code == expected
    assert client.get(withdraw_url(entry)).status_code == expected
    response = client.post(correct_url(entry), CORRECTED)
    assert response.status_code == (302 if allowed else 403)
    assert client.post(correct_url(entry, "intelligence-correct-check")).status_code == (302 if allowed else 403)
    assert client.post(withdraw_url(entry), {"reason": "Wrong school."}).status_code == (302 if allowed else 403)
    entry.refresh_from_db()
    assert entry.withdrawn == allowed and IntelligenceRevision.objects.filter(entry=entry).exists() == allowed
    # The links are offered only to those who may follow them.
    if changer in (Role.LA_OFFICER, Role.LA_ADMIN, Role.ADVISER):
        entry.withdrawn_at = None
        entry.save()
        listing = client.get(reverse("evidence:school-intelligence", args=[world.school.urn])).content.decode()
        assert (correct_url(entry) in listing) == allowed and (withdraw_url(entry) in timeline(client, world)) == allowed


def test_another_authoritys_officer_is_told_it_does_not_exist(client, world, entry):
    officer = UserFactory(email="officer@hampshire.example")
    grant(officer, Role.LA_OFFICER, world.other_la)
    sign_in(client, officer)
    assert client.get(correct_url(entry)).status_code == 404
    assert client.post(correct_url(entry), CORRECTED).status_code == 404
    assert client.post(withdraw_url(entry), {"reason": "Wrong school."}).status_code == 404
    assert client.get(reverse("evidence:intelligence-withdrawn", args=[world.school.urn])).status_code == 404
    entry.refresh_from_db()
    assert not entry.withdrawn and not IntelligenceRevision.objects.exists()


def test_an_entry_is_reached_only_through_its_own_school(client, world, entry):
    sign_in(client, world.users[Role.LA_OFFICER])
    assert client.get(reverse("evidence:intelligence-correct", args=[world.other_school.urn, entry.pk])).status_code == 404
    # Asking for it so is audited as refused, where the entry lies; an entry that is nowhere is only not found.
    refused = AuditEvent.objects.get(action=AuditAction.REFUSED)
    assert (refused.object_type, refused.object_id) == ("register.school", str(world.school.pk))
    assert client.get(reverse("evidence:intelligence-correct", args=[world.school.urn, entry.pk + 1000])).status_code == 404
    assert AuditEvent.objects.filter(action=AuditAction.REFUSED).count() == 1


def test_the_withdrawal_page_confirms_with_a_warning(client, world, entry):
    sign_in(client, world.users[Role.LA_OFFICER])
    html = text_of(client.get(withdraw_url(entry)).content.decode())
    assert "Are you sure you want to withdraw this entry?" in html
    assert "! Warning The entry will leave the school's timeline" in html.replace("&#39;", "'")
    assert "Mrs Smyth" in html


def test_a_withdrawn_entry_leaves_the_timeline_but_not_the_record(client, world, entry):
    officer = world.users[Role.LA_OFFICER]
    sign_in(client, officer)
    response = client.post(withdraw_url(entry), {"reason": "Recorded against the wrong school."})
    assert response.status_code == 302
    entry.refresh_from_db()
    assert entry.withdrawn and entry.withdrawn_by == officer and entry.withdrawal_reason == "Recorded against the wrong school."
    withdrawn = AuditEvent.objects.get(action=AuditAction.UPDATE, object_type="evidence.intelligenceentry", object_id=str(entry.pk))
    assert withdrawn.detail["withdrawn"] is True and withdrawn.detail["reason"] == "Recorded against the wrong school."
    assert withdrawn.object_repr.endswith(f"Ash Grange Primary School ({world.school.urn})")
    assert IntelligenceEntry.objects.filter(pk=entry.pk).exists()

    for role in (Role.LA_OFFICER, Role.LA_ADMIN, Role.ADVISER):  # off the timeline and the list for every reader
        sign_in(client, world.users[role])
        assert "Mrs Smyth" not in timeline(client, world)
        assert "Mrs Smyth" not in client.get(reverse("evidence:school-intelligence", args=[world.school.urn])).content.decode()
    withdrawn_url = reverse("evidence:intelligence-withdrawn", args=[world.school.urn])
    for role in (Role.LA_OFFICER, Role.LA_ADMIN):  # still readable to the authority's officers, marked withdrawn
        sign_in(client, world.users[role])
        assert f'href="{withdrawn_url}">Show withdrawn entries (1)' in timeline(client, world)
        listing = client.get(reverse("evidence:school-intelligence", args=[world.school.urn])).content.decode()
        assert "No current entries: every entry has been withdrawn." in listing and "No entries yet" not in listing
        assert "See the school&#39;s inspections and register changes on the timeline" in listing  # not "see them": there are none
        page = text_of(client.get(withdrawn_url).content.decode())
        assert "Mrs Smyth" in page and f"Withdrawn On {date.today().day} " in page and f"by {officer.full_name}" in page
        assert "Why it was withdrawn Recorded against the wrong school." in page
    reads = AuditEvent.objects.filter(action=AuditAction.VIEW, object_type="evidence.intelligence", detail__page="withdrawn")
    assert reads.count() == 2
    # Neither the adviser nor the school's own people may read it; nor may it be changed again.
    for role in (Role.ADVISER, Role.HEADTEACHER):
        sign_in(client, world.users[role])
        assert "Show withdrawn" not in timeline(client, world)
        assert client.get(withdrawn_url).status_code == 403
    sign_in(client, officer)
    intelligence = reverse("evidence:school-intelligence", args=[world.school.urn])
    response = client.get(correct_url(entry), follow=True)
    assert response.redirect_chain == [(intelligence, 302)]
    assert f"{isolated(officer.full_name)} withdrew this entry at " in response.content.decode()  # the name isolated
    response = client.post(withdraw_url(entry), {"reason": "Again."}, follow=True)
    assert "Your withdrawal was not saved. " in response.content.decode()
    entry.refresh_from_db()
    assert entry.withdrawal_reason == "Recorded against the wrong school."


def test_an_entry_withdrawn_while_a_colleague_changes_it_stays_as_it_was_withdrawn(client, world, entry):
    """Two officers at once: the change that comes second, after the first locked and withdrew the entry, is refused."""
    from evidence.services import AlreadyWithdrawn, withdraw_intelligence

    first, second = world.users[Role.LA_OFFICER], UserFactory()
    grant(second, Role.LA_OFFICER, world.la)
    seen = IntelligenceEntry.objects.get(pk=entry.pk)  # as the second officer's page read it, before the withdrawal
    withdraw_intelligence(entry, user=first, reason="Duplicate.")
    with pytest.raises(AlreadyWithdrawn):
        withdraw_intelligence(seen, user=second, reason="Wrong school.")
    with pytest.raises(AlreadyWithdrawn):
        correct_intelligence(seen, user=second, kind="leadership", severity="high", occurred_on=date(2025, 1, 10), summary="x", reason="y")
    entry.refresh_from_db()
    assert (entry.withdrawn_by, entry.withdrawal_reason) == (first, "Duplicate.")
    assert not IntelligenceRevision.objects.exists()
    # Through the pages: the correction the second officer checks and sends is not saved, and they are told why.
    sign_in(client, second)
    response = client.post(correct_url(entry, "intelligence-correct-check"), follow=True)
    assert "Your correction was not saved. " in response.content.decode() and not IntelligenceRevision.objects.exists()


def test_a_correction_a_colleague_made_meanwhile_sends_back_to_the_answers_as_typed_saying_why(client, world, entry):
    sign_in(client, world.users[Role.LA_OFFICER])
    client.post(correct_url(entry), CORRECTED)
    answers = {**CORRECTED, "occurred_on": date(2025, 1, 17)}
    del answers["day"], answers["month"], answers["year"], answers["reason"]
    correct_intelligence(entry, user=UserFactory(), reason="Same fix.", **answers)  # the same correction, by someone else
    response = client.get(correct_url(entry, "intelligence-correct-check"))
    assert response.status_code == 302 and response.url == correct_url(entry) + "?change"
    html = client.get(response.url).content.decode()
    assert "Change the kind, severity, date or summary" in html and "misspelt" in html


@pytest.mark.parametrize("page", ["correct", "withdraw"])
def test_a_page_sent_back_with_errors_records_the_read_of_the_entry_it_shows(client, world, entry, page):
    sign_in(client, world.users[Role.LA_OFFICER])
    url = correct_url(entry) if page == "correct" else withdraw_url(entry)
    response = client.post(url, {**CORRECTED, "reason": ""})
    assert response.status_code == 200 and "Mrs Sm" in response.content.decode()
    reads = AuditEvent.objects.filter(action=AuditAction.VIEW, object_type="evidence.intelligence", detail__page=page)
    assert [read.detail["entry"] for read in reads] == [entry.pk]


def heading_levels(html: str) -> list[int]:
    return [int(level) for level in re.findall(r"<h([1-6])\b", html)]


def test_the_withdrawal_page_does_not_skip_a_heading_level(client, world, entry):
    """The entry under the page's question is its first section (h2), not a third level beneath nothing; on the list of
    entries, where an h2 stands above the cards, each card stays an h3."""
    sign_in(client, world.users[Role.LA_OFFICER])
    assert heading_levels(client.get(withdraw_url(entry)).content.decode())[:2] == [1, 2]
    listed = client.get(reverse("evidence:school-intelligence", args=[world.school.urn])).content.decode()
    assert heading_levels(listed)[:3] == [1, 2, 3]


@pytest.mark.parametrize(("reason", "said"), [("Miscounted", "Miscounted."), ("Three teachers, not two.", "Three teachers, not two.")])
def test_a_correction_is_said_with_one_full_stop_whether_its_reason_ends_with_one_or_not(client, world, entry, reason, said):
    """A reason typed with its own full stop was said with two ("not two.."), on the timeline and the correction form."""
    correct_intelligence(entry, user=world.users[Role.LA_OFFICER], **{**ANSWERS, "summary": "Second version."}, reason=reason)
    sign_in(client, world.users[Role.LA_OFFICER])
    correcting = client.get(reverse("evidence:intelligence-correct", args=[world.school.urn, entry.pk])).content.decode()
    for page in (text_of(timeline(client, world)), text_of(correcting)):
        assert f": {said}" in page and ".." not in page


def test_names_and_reasons_written_right_to_left_do_not_reorder_the_words_around_them(client, world):
    """Who recorded, corrected or withdrew an entry, and why, are isolated (<bdi>) wherever the entry is shown. Written
    right to left they were not: 'Corrected on … by سارة خان: تم تغيير الخطورة.' showed the reason before the name, the
    colon between them, as if the reason were who corrected it."""
    officer, admin = world.users[Role.LA_OFFICER], world.users[Role.LA_ADMIN]
    officer.full_name, admin.full_name = "سارة خان", "יעל כהן"
    officer.save(), admin.save()
    entry = entry_by(world, Role.LA_OFFICER)
    correct_intelligence(entry, user=admin, **{**ANSWERS, "summary": "Second version."}, reason="تم تغيير الخطورة")
    correct_intelligence(entry, user=officer, **{**ANSWERS, "summary": "Third version."}, reason="2 תיקונים.")
    sign_in(client, officer)
    urn = world.school.urn
    timeline_page = timeline(client, world)
    listing = client.get(reverse("evidence:school-intelligence", args=[urn])).content.decode()
    correcting = client.get(correct_url(entry)).content.decode()
    # The latest correction: its reason's own full stop kept with it, the sentence's added outside what was typed.
    latest = "by <bdi>سارة خان</bdi>: <bdi>2 תיקונים.</bdi>"
    for page in (timeline_page, correcting):
        assert "Recorded by <bdi>سارة خان</bdi> on" in page and latest in page
    client.post(correct_url(entry), {**CORRECTED, "reason": "Date wrong"})
    checking = client.get(correct_url(entry, "intelligence-correct-check")).content.decode()
    assert "The entry recorded by <bdi>سارة خان</bdi> on" in checking
    earlier = text_of(timeline_page).split("Earlier versions")[1]
    assert "Recorded by سارة خان on" in earlier and "Corrected by יעל כהן on" in earlier
    assert "by <bdi>יעל כהן</bdi>: <bdi>تم تغيير الخطورة</bdi>." in timeline_page
    assert "Corrected by <bdi>יעל כהן</bdi> on" in timeline_page
    assert "<bdi>سارة خان</bdi> on" in listing and "by <bdi>سارة خان</bdi>" in listing
    assert client.post(withdraw_url(entry), {"reason": "Wrong school"}).status_code == 302
    withdrawn = " ".join(client.get(reverse("evidence:intelligence-withdrawn", args=[urn])).content.decode().split())
    assert re.search(r"On \d+ \w+ \d{4} by <bdi>سارة خان</bdi>", withdrawn)  # who withdrew it
    assert withdrawn.count("<bdi>سارة خان</bdi>") >= 3  # who recorded it, corrected it last and withdrew it


def test_the_timelines_links_to_add_an_entry_and_to_the_withdrawn_ones_are_each_on_a_line_of_their_own(client, world, entry):
    """The timeline's note on local intelligence gave its two links side by side, parted by a space only, so that they
    read as one: 'Add an entry Show withdrawn entries (1)'."""
    sign_in(client, world.users[Role.LA_OFFICER])
    back_here = urlencode({"next": reverse("evidence:school-timeline", args=[world.school.urn])})
    new_url = reverse("evidence:intelligence-new", args=[world.school.urn]) + "?" + back_here
    withdrawn_url = reverse("evidence:intelligence-withdrawn", args=[world.school.urn])
    alone = " ".join(timeline(client, world).split())
    assert f'<li><a class="govuk-link" href="{new_url}">Add an entry</a></li>' in alone and "withdrawn entries" not in alone
    client.post(withdraw_url(entry), {"reason": "Recorded against the wrong school."})
    both = " ".join(timeline(client, world).split())
    assert f'<li><a class="govuk-link" href="{new_url}">Add an entry</a></li>' in both
    assert f'<li><a class="govuk-link" href="{withdrawn_url}">Show withdrawn entries (1)</a></li>' in both
    assert not re.search(r"</a>\s*<a ", both.split('class="govuk-inset-text"')[1].split("</div>")[0])


def test_the_buttons_that_record_correct_or_withdraw_an_entry_are_not_sent_twice_by_a_double_click(client, world, entry):
    """A second click while the page was still being sent recorded the entry twice, or sent its correction or
    withdrawal again: GOV.UK's button ignores it (preventDoubleClick), as the Imports page's does."""
    sign_in(client, world.users[Role.LA_OFFICER])
    client.post(correct_url(entry), CORRECTED)
    pages = {
        "Save entry": reverse("evidence:intelligence-new", args=[world.school.urn]),
        "Save correction": correct_url(entry, "intelligence-correct-check"),
        "Withdraw entry": withdraw_url(entry),
    }
    for label, url in pages.items():
        (button,) = re.findall(rf"<button[^>]*>\s*{label}", client.get(url).content.decode())
        assert 'data-prevent-double-click="true"' in button, label


def test_a_refusal_says_who_may_do_what_was_refused(client, world, entry):
    """A link adviser opening the correction of an officer's entry, or a head the school's local intelligence, was
    told only 'Your roles do not let you see this page', though the page had been refused for a reason it could give."""
    refusals = [
        (Role.ADVISER, correct_url(entry), "An entry is corrected or withdrawn by whoever recorded it, or by the authority's officers."),
        (Role.ADVISER, withdraw_url(entry), "An entry is corrected or withdrawn by whoever recorded it, or by the authority's officers."),
        (
            Role.ADVISER,
            reverse("evidence:intelligence-withdrawn", args=[world.school.urn]),
            "Withdrawn entries are for the authority's officers and administrators.",
        ),
        (
            Role.HEADTEACHER,
            reverse("evidence:school-intelligence", args=[world.school.urn]),
            "Local intelligence is for the authority's officers and administrators and the school's link adviser.",
        ),
    ]
    for role, url, why in refusals:
        sign_in(client, world.users[role])
        response = client.get(url)
        page = text_of(response.content.decode().replace("&#39;", "'"))
        assert response.status_code == 403
        assert f"You do not have access to this page {why} Your roles do not let you see this page." in page, (role, url)
    # A page refused without a reason of its own says only what every refusal says.
    sign_in(client, world.users[Role.LA_OFFICER])
    page = text_of(client.get(reverse("audit:list")).content.decode())
    assert "You do not have access to this page Your roles do not let you see this page." in page


def back_of(html: str) -> str:
    """Where the page's Back link goes."""
    return unescape(re.search(r'<a href="([^"]*)" class="govuk-back-link"', html).group(1))


def cancel_of(html: str) -> str:
    return unescape(re.search(r'<a class="govuk-link" href="([^"]*)">Cancel</a>', html).group(1))


def test_the_forms_reached_from_the_timeline_lead_back_to_it(client, world, entry):
    """Their Back link went to the school's list of entries, wherever the person came from."""
    sign_in(client, world.users[Role.LA_OFFICER])
    timeline_url = reverse("evidence:school-timeline", args=[world.school.urn])
    links = dict(re.findall(r'href="([^"]*)">(Add an entry|Correct|Withdraw)<', timeline(client, world)))
    assert set(links.values()) == {"Add an entry", "Correct", "Withdraw"}
    for link in links:
        link = unescape(link)
        assert link.endswith("?" + urlencode({"next": timeline_url}))
        assert back_of(client.get(link).content.decode()) == timeline_url
    withdraw = client.get(withdraw_url(entry), {"next": timeline_url}).content.decode()
    assert cancel_of(withdraw) == timeline_url
    # Sent back with an error, the form still leads back there; and so does the check of a correction, through the form.
    refused = client.post(withdraw_url(entry), {"reason": " ", "next": timeline_url}).content.decode()
    assert back_of(refused) == timeline_url and f'name="next" value="{timeline_url}"' in refused
    sent = client.post(correct_url(entry), {**CORRECTED, "next": timeline_url})
    assert sent["Location"] == correct_url(entry, "intelligence-correct-check") + "?" + urlencode({"next": timeline_url})
    check = client.get(sent["Location"]).content.decode()
    change = correct_url(entry) + "?change&" + urlencode({"next": timeline_url})
    assert back_of(check) == change and cancel_of(check) == timeline_url
    assert back_of(client.get(change).content.decode()) == timeline_url


def test_a_form_reached_from_the_timeline_leads_back_to_it_once_saved(client, world, entry):
    """Saved, an entry recorded, corrected or withdrawn from the timeline went to the school's list of entries, not back to
    the timeline it was opened from, as its Back and Cancel links do; a form opened elsewhere still goes to that list."""
    sign_in(client, world.users[Role.LA_OFFICER])
    timeline_url = reverse("evidence:school-timeline", args=[world.school.urn])
    entries = reverse("evidence:school-intelligence", args=[world.school.urn])
    new = reverse("evidence:intelligence-new", args=[world.school.urn])
    assert client.post(new, {**NEW_ENTRY, "next": timeline_url})["Location"] == timeline_url
    assert client.post(new, NEW_ENTRY)["Location"] == entries
    sent = client.post(correct_url(entry), {**CORRECTED, "next": timeline_url})
    check = client.get(sent["Location"]).content.decode()
    assert f'name="next" value="{timeline_url}"' in check
    saved = client.post(sent["Location"], {"next": timeline_url})
    assert saved["Location"] == timeline_url and "Entry corrected" in client.get(saved["Location"]).content.decode()
    assert client.post(withdraw_url(entry), {"reason": "Wrong school", "next": timeline_url})["Location"] == timeline_url


@pytest.mark.parametrize("elsewhere", ["", "https://evil.example/", "//evil.example/timeline/", "javascript:alert(1)", "timeline/"])
def test_a_form_leads_back_to_the_schools_entries_unless_it_came_from_a_page_of_this_site(client, world, entry, elsewhere):
    sign_in(client, world.users[Role.LA_OFFICER])
    entries = reverse("evidence:school-intelligence", args=[world.school.urn])
    for address in (reverse("evidence:intelligence-new", args=[world.school.urn]), correct_url(entry), withdraw_url(entry)):
        html = client.get(address, {"next": elsewhere} if elsewhere else {}).content.decode()
        assert back_of(html) == entries
        assert 'name="next"' not in html
