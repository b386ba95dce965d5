from django.conf import settings
from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("", include("core.urls")),
    path("accounts/", include("accounts.urls")),
    path("audit/", include("audit.urls")),
    path("", include("register.urls")),
    path("imports/", include("imports.urls")),
    path("", include("evidence.urls")),
    path(settings.ADMIN_PATH if hasattr(settings, "ADMIN_PATH") else "django-admin/", admin.site.urls),
]

handler400 = "core.views.error_400"
handler403 = "core.views.error_403"
handler404 = "core.views.error_404"
handler500 = "core.views.error_500"
