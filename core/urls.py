from django.urls import path

from . import views

app_name = "core"
urlpatterns = [
    path("", views.start, name="start"),
    path("home/", views.home, name="home"),
    path("administration/", views.administration, name="administration"),
    path("accessibility/", views.accessibility, name="accessibility"),
    path("cookies/", views.cookies, name="cookies"),
    path("privacy/", views.privacy, name="privacy"),
]
