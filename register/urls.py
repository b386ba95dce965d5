from django.urls import path

from . import views

app_name = "register"
urlpatterns = [
    path("schools/", views.school_list, name="school-list"),
    path("schools/<int:urn>/", views.school_detail, name="school-detail"),
    path("schools/<int:urn>/people/", views.school_people, name="school-people"),
    path("trusts/", views.trust_list, name="trust-list"),
    path("trusts/<int:uid>/", views.trust_detail, name="trust-detail"),
    path("authorities/", views.authority_list, name="authority-list"),
    path("authorities/<int:code>/", views.authority_detail, name="authority-detail"),
]
