from django.urls import path

from . import views

app_name = "evidence"
urlpatterns = [
    path("schools/<int:urn>/results/", views.school_results, name="school-results"),
    path("schools/<int:urn>/timeline/", views.school_timeline, name="school-timeline"),
    path("schools/<int:urn>/intelligence/", views.school_intelligence, name="school-intelligence"),
    path("schools/<int:urn>/intelligence/new/", views.intelligence_new, name="intelligence-new"),
    path("schools/<int:urn>/intelligence/withdrawn/", views.intelligence_withdrawn, name="intelligence-withdrawn"),
    path("schools/<int:urn>/intelligence/<int:pk>/correct/", views.intelligence_correct, name="intelligence-correct"),
    path("schools/<int:urn>/intelligence/<int:pk>/correct/check/", views.intelligence_correct_check, name="intelligence-correct-check"),
    path("schools/<int:urn>/intelligence/<int:pk>/withdraw/", views.intelligence_withdraw, name="intelligence-withdraw"),
    path("authorities/<int:code>/results/", views.authority_results, name="authority-results"),
    path("authorities/<int:code>/intelligence/", views.authority_intelligence, name="authority-intelligence"),
    path("statistics/", views.statistics_index, name="statistics"),
    path("statistics/<int:code>/", views.authority_statistics, name="authority-statistics"),
    path("authorities/<int:code>/results.csv", views.authority_results_download, {"fmt": "csv"}, name="authority-results-csv"),
    path("authorities/<int:code>/results.xlsx", views.authority_results_download, {"fmt": "xlsx"}, name="authority-results-xlsx"),
    path("authorities/<int:code>/results-notes.csv", views.authority_table_csv, {"table": "notes"}, name="authority-results-notes-csv"),
    path(
        "authorities/<int:code>/inspection-outcomes.csv",
        views.authority_table_csv,
        {"table": "outcomes"},
        name="authority-results-outcomes-csv",
    ),
    # The published statistics' own downloads, open to anyone: the authority's and England's figures, no school's.
    path("statistics/<int:code>/statistics.csv", views.authority_statistics_download, {"fmt": "csv"}, name="authority-statistics-csv"),
    path("statistics/<int:code>/statistics.xlsx", views.authority_statistics_download, {"fmt": "xlsx"}, name="authority-statistics-xlsx"),
    path(
        "statistics/<int:code>/statistics-notes.csv",
        views.statistics_table_csv,
        {"table": "notes"},
        name="authority-statistics-notes-csv",
    ),
    path(
        "statistics/<int:code>/inspection-outcomes.csv",
        views.statistics_table_csv,
        {"table": "outcomes"},
        name="authority-statistics-outcomes-csv",
    ),
]
