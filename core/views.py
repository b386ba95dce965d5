from django.conf import settings
from django.db.models import Count
from django.shortcuts import redirect, render

from accounts.access import scope_for
from core.words import duration
from register.models import School
from register.presenters import state_funded


def start(request):
    if request.user.is_authenticated:
        return redirect("core:home")
    return render(request, "core/start.html")


def home(request):
    """The signed-in landing page: what this user's roles give them, most useful first."""
    scope = scope_for(request.user)
    assignments = list(request.user.roles.current().select_related("authority", "school", "group", "body"))
    own_schools = School.objects.confidential_to(request.user).open().select_related("la")
    context = {
        "assignments": assignments,
        "scope": scope,
        "own_schools": own_schools[:50] if not scope.is_la and not scope.everything else None,
        "own_school_counts": own_schools.aggregate(n=Count("id"), state_funded=Count("id", filter=state_funded())),
    }
    return render(request, "core/home.html", context)


def accessibility(request):
    return render(request, "core/accessibility.html", {"support_email": settings.SUPPORT_EMAIL})


def cookies(request):
    return render(request, "core/cookies.html", {"idle": duration(settings.SESSION_COOKIE_AGE)})


def privacy(request):
    return render(request, "core/privacy.html")


def error_400(request, exception=None):
    """A request the service cannot take as sent (a form with far too many fields, a web address it will not serve)."""
    return render(request, "core/error.html", {"title": "Sorry, the service could not read what was sent", "status": 400}, status=400)


def error_403(request, exception=None):
    return render(request, "core/error.html", {"title": "You do not have access to this page", "status": 403}, status=403)


def csrf_failure(request, reason=""):
    """A form sent without the cookie that proves it came from this site: most often a session that expired while
    the page was open, or a browser that blocks cookies. Not a refusal of what the person's roles open: not audited as one."""
    request.refusal_recorded = True  # audit.services.record_refusal then records nothing for this request
    return render(request, "core/error.html", {"title": "Your form could not be sent", "status": 403, "csrf": True}, status=403)


def error_404(request, exception=None):
    return render(request, "core/error.html", {"title": "Page not found", "status": 404}, status=404)


def error_500(request):
    return render(request, "core/error.html", {"title": "Sorry, there is a problem with the service", "status": 500}, status=500)
