from datetime import date

from register.importers.events import dated_events, register_events
from register.models import RegisterEventKind as Kind

EXTRACT = date(2022, 4, 20)


def school(**changes):
    row = dict.fromkeys(register_events.fields, "")
    row.update(
        status="Open",
        register_changed_on=date(2021, 11, 3),
        opened_on=None,
        closed_on=None,
        low_age=4,
        high_age=11,
        ofsted_last_inspection=None,
    )
    row.update(name="Wood Street Infant School", head_title="Mrs", head_first_name="Jan", head_last_name="Washer", phase="Primary")
    row.update(changes)
    return row


def kinds(old, new):
    return [event[0] for event in register_events(old, new)]


def test_nothing_changed_means_no_events():
    assert kinds(school(), school()) == []


def test_a_shortened_first_name_is_not_a_new_head():
    assert kinds(school(head_first_name="Peter"), school(head_first_name="Pete")) == []


def test_conversion_to_academy_is_a_type_change_and_joining_a_trust():
    events = register_events(school(), school(type_name="Academy converter", trust_name="GOOD SHEPHERD TRUST"))
    assert [e[0] for e in events] == [Kind.TYPE_CHANGED, Kind.JOINED_TRUST]
    assert events[1][3] == "GOOD SHEPHERD TRUST"


def test_moving_trust_is_leaving_one_and_joining_another():
    assert kinds(school(trust_name="A TRUST"), school(trust_name="B TRUST")) == [Kind.LEFT_TRUST, Kind.JOINED_TRUST]


def test_closing_is_dated_by_the_close_date_and_proposed_opening_by_the_open_date():
    closed = register_events(school(), school(status="Closed", closed_on=date(2022, 2, 28), close_reason="Academy Converter"))
    assert closed == [(Kind.CLOSED, date(2022, 2, 28), "Open", "Academy Converter")]
    opened = register_events(school(status="Proposed to open"), school(opened_on=date(2021, 9, 1)))
    assert opened == [(Kind.OPENED, date(2021, 9, 1), "Proposed to open", "Open")]


def test_new_ofsted_rating_is_dated_by_the_inspection():
    events = register_events(school(ofsted_rating="Good"), school(ofsted_rating="Outstanding", ofsted_last_inspection=date(2022, 1, 12)))
    assert events == [(Kind.OFSTED_CHANGED, date(2022, 1, 12), "Good", "Outstanding")]


def test_age_range_change_is_a_phase_change():
    assert register_events(school(low_age=2), school(low_age=3)) == [(Kind.PHASE_CHANGED, None, "Primary, 2 to 11", "Primary, 3 to 11")]


def test_a_change_the_register_does_not_date_is_dated_when_recorded_and_after_the_entry_before():
    [head] = dated_events(school(), school(head_last_name="Okafor"), EXTRACT)
    assert (head["kind"], head["occurred_on"], head["on_or_before"], head["after"]) == (Kind.HEAD_CHANGED, EXTRACT, True, date(2021, 11, 3))
    [closed] = dated_events(school(), school(status="Closed", closed_on=date(2022, 2, 28)), EXTRACT)
    assert (closed["occurred_on"], closed["on_or_before"], closed["after"]) == (date(2022, 2, 28), False, None)
    [undated_closure] = dated_events(school(), school(status="Closed"), EXTRACT)
    assert (undated_closure["occurred_on"], undated_closure["on_or_before"]) == (EXTRACT, True)
