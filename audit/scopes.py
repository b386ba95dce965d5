"""Where an audited object lies, so that each authority's administrators read the log of their own.

Each app says, for the kinds of object it records, which of them lie in given authorities: a function
from authority ids to a query of the keys the log stores (`object_id`, as text, in a column `key`).
An event about an object of such a kind is shown to the administrators of the authority where the
object lies, and to no other: a person holding roles in two authorities does not carry their doings in
one into the other's log. An event about no such object (signing in, a person's own account, a list
page) is shown to the administrators of the authorities where that person held a role at the time.
"""

from collections.abc import Callable

from django.db.models import CharField, Q, QuerySet
from django.db.models.functions import Cast

_located: dict[str, Callable[[list[int]], QuerySet]] = {}


def locate(object_type: str, keys: Callable[[list[int]], QuerySet]) -> None:
    """Say how to find the objects of `object_type` ("app.model", as the log records it) that lie in given authorities."""
    _located[object_type] = keys


def as_keys(queryset: QuerySet, field: str = "id") -> QuerySet:
    """The query's `field` as the log's text keys, for `locate`."""
    return queryset.annotate(key=Cast(field, CharField())).values("key")


def located_types() -> list[str]:
    return list(_located)


def about_objects_in(authority_ids: list[int]) -> Q:
    """Events about an object that lies in these authorities."""
    condition = Q(pk__in=[])
    for object_type, keys in _located.items():
        condition |= Q(object_type=object_type, object_id__in=keys(authority_ids))
    return condition
