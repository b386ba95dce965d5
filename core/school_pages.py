"""The pages about one school: the school a page asks for, as far as the person may see it (visible_school for its
published pages, confidential_school for its confidential ones), and the pages its sub-navigation lists, only those the
person may open."""

from django.http import Http404

from audit.services import record_refusal
from evidence.permissions import may_use_intelligence
from register.models import School


def school_pages(request, school) -> list[tuple[str, str, str]]:
    """(URL name, link text, key) for each of the school's pages the signed-in person may open, in the
    order shown. Worked out once per request and school: the view and its sub-navigation both ask."""
    remembered = request.__dict__.setdefault("_cg_school_pages", {})
    if school.pk not in remembered:
        remembered[school.pk] = _pages(request.user, school)
    return remembered[school.pk]


def visible_school(request, urn) -> School:
    """The school whose published pages the person asked for (its register entry, results and data, timeline): 404
    unless it is in the register they may browse."""
    school = School.objects.visible_to(request.user).select_related("la", "import_run").filter(urn=urn).first()
    if school is None:
        raise Http404("No school with that URN is visible to you.")
    return school


def confidential_school(request, urn) -> School:
    """The school whose confidential pages the person asked for: 404 unless its confidential records are theirs to
    see, saying nothing of whether the school is there (though a school that is there is audited as refused)."""
    school = School.objects.confidential_to(request.user).select_related("la").filter(urn=urn).first()
    if school is None:
        if refused := School.objects.filter(urn=urn).first():
            record_refusal(request, refused)
        raise Http404("No such page.")
    return school


def may_open(request, school, key: str) -> bool:
    return any(page_key == key for _, _, page_key in school_pages(request, school))


def _pages(user, school) -> list[tuple[str, str, str]]:
    pages = [
        ("register:school-detail", "Register", "register"),
        ("evidence:school-results", "Results and data", "results"),
        ("evidence:school-timeline", "Timeline", "timeline"),
    ]
    confidential = School.objects.confidential_to(user).filter(pk=school.pk).exists()
    if may_use_intelligence(user, school, confidential=confidential):
        pages.append(("evidence:school-intelligence", "Local intelligence", "intelligence"))
    if confidential:
        pages.append(("register:school-people", "People", "people"))
    return pages
