"""Service navigation items, by what the signed-in user may do."""

from django.urls import reverse


def navigation_for(request, scope):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return []
    from .two_factor import needs_second_factor

    if needs_second_factor(request):
        # Every other page would send them back here until they give their code.
        items = [("accounts:sign-out", "Sign out")]
        return [{"href": reverse(name), "text": text, "active": False} for name, text in items]
    items = [("core:home", "Home"), ("register:school-list", "Schools"), ("register:trust-list", "Trusts")]
    if scope.everything or scope.register_authority_ids:
        items.append(("register:authority-list", "Authorities"))
    if scope.is_la_admin:
        items += [("imports:list", "Imports"), ("accounts:user-list", "Users"), ("audit:list", "Audit log")]
    items += [("accounts:your-account", "Your account"), ("accounts:sign-out", "Sign out")]
    path = request.path
    result = []
    for name, text in items:
        href = reverse(name)
        active = path == href if href == "/home/" or name == "accounts:sign-out" else path.startswith(href)
        result.append({"href": href, "text": text, "active": active})
    return result
