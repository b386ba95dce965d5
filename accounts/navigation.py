"""Service navigation items, by what the signed-in user may do."""

from django.urls import reverse

# The pages an LA administrator reaches from "Administration" (core.views.administration), which is shown as the
# section they are in: the service navigation has one item for them, not one each, so that it fits on one line beside
# the service's name at desktop width.
ADMINISTRATION_PAGES = ("core:administration", "imports:list", "accounts:user-list", "audit:list")


def navigation_for(request, scope):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return []
    from .two_factor import needs_second_factor

    if needs_second_factor(request):
        # Every other page would send them back here until they give their code.
        items = [("accounts:sign-out", "Sign out")]
        return [{"href": reverse(name), "text": text, "current": False, "active": False} for name, text in items]
    items = [("core:home", "Home"), ("register:school-list", "Schools"), ("register:trust-list", "Trusts")]
    if scope.everything or scope.register_authority_ids:
        items.append(("register:authority-list", "Authorities"))
    if scope.is_la_admin:
        items.append(("core:administration", "Administration"))
    items += [("accounts:your-account", "Your account"), ("accounts:sign-out", "Sign out")]
    path = request.path
    result = []
    for name, text in items:
        href = reverse(name)
        if href == "/home/" or name == "accounts:sign-out":
            within = path == href
        elif name == "core:administration":
            within = any(path.startswith(reverse(page)) for page in ADMINISTRATION_PAGES)
        else:
            within = path.startswith(href)
        # GOV.UK's service navigation: the item's own page is "current" (aria-current="page"); a page elsewhere in its
        # section (a school's page under "Schools") is "active" (aria-current="true"). Both are shown as the section.
        current = path == href
        result.append({"href": href, "text": text, "current": current, "active": within and not current})
    return result
