"""Where an audited event lies, so that each authority's administrators read the log of their own.

Each event is stamped, when it is recorded, with the authorities it lies in (`AuditEvent.authorities`,
and an `AuditPlace` for each, by which the log is read), as things stand at that moment; neither ever
changes, like the rest of the log. Each app says, for the kinds of object it records, where one lies:
a function from the object's id (as the log stores it) to a set of authority ids, or EVERY_AUTHORITY
for something all authorities share (an import of every authority). An event about such an object
lies where the object does, whoever did it: a person holding roles in two authorities does not carry
their doings in one into the other's log. An administrator's pages about their authorities as a whole
(their users, their log) lie in those authorities, a service administrator's in none
(audit.services.administered). Any other event (signing in, a list page, a person's own account) lies
where its person held a role at the time, so a role given and taken back opens nothing from before or
after, or elsewhere.
"""

from collections.abc import Callable

from django.db.models import Q

from core.numbers import whole_number

EVERY_AUTHORITY = None
USER_TYPE = "accounts.user"
Place = set[int] | None
_placers: dict[str, Callable[[int], Place]] = {}
_roles_of: list[Callable[[int], set[int]]] = []


def locate(object_type: str, place: Callable[[int], Place]) -> None:
    """Say where an object of `object_type` ("app.model", as the log records it) lies, given its primary key."""
    _placers[object_type] = place


def locate_people(authorities_of_user: Callable[[int], set[int]]) -> None:
    """Say where a person lies: the authorities where they hold a role now (set by the accounts app)."""
    _roles_of[:] = [authorities_of_user]


def place_of(object_type: str, object_id: str, user_id: int | None) -> Place:
    """Where an event lies: its object's place if the object is of a located kind; otherwise (and for
    an event about a person's account) where that person holds roles."""
    if object_id and object_type in _placers:
        # Every located kind is keyed by a whole number: an id that is not one names nothing, and lies nowhere.
        number = whole_number(object_id, 18)
        return _placers[object_type](number) if number is not None else set()
    person = whole_number(object_id, 18) if object_type == USER_TYPE else None
    person = user_id if person is None else person
    if person is None or not _roles_of:
        return set()
    return _roles_of[0](person)


def stamp(place: Place) -> str:
    """The stamp stored on the event: "*" for every authority, else ",1,5," (each id between commas)."""
    if place is EVERY_AUTHORITY:
        return "*"
    return "," + ",".join(str(i) for i in sorted(place)) + "," if place else ""


def place_rows(place: Place) -> list[int | None]:
    """The authorities an event's AuditPlace rows name: None alone for every authority, none for nowhere."""
    return [None] if place is EVERY_AUTHORITY else sorted(place)


def lying_in(authority_ids) -> Q:
    """The AuditPlace rows of events that lie in any of these authorities (or in every authority)."""
    return Q(authority_id__in=list(authority_ids)) | Q(authority_id__isnull=True)
