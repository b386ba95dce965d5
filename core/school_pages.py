"""The pages about one school, as its sub-navigation lists them: only those the person may open."""

from evidence.permissions import may_use_intelligence
from register.models import School


def school_pages(user, school) -> list[tuple[str, str, str]]:
    """(URL name, link text, key) for each of the school's pages `user` may open, in the order shown."""
    pages = [
        ("register:school-detail", "Register", "register"),
        ("evidence:school-results", "Results and data", "results"),
        ("evidence:school-timeline", "Timeline", "timeline"),
    ]
    if may_use_intelligence(user, school):
        pages.append(("evidence:school-intelligence", "Local intelligence", "intelligence"))
    if School.objects.confidential_to(user).filter(pk=school.pk).exists():
        pages.append(("register:school-people", "People", "people"))
    return pages
