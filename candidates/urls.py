from django.urls import path

import semaforo.lib.converters  # noqa: F401 (registers <code:…>, <anycase_code:…>, <token:…>)
from candidates import views

app_name = "candidates"

urlpatterns = [
    path("", views.candidate_list, name="list"),
    path("new/", views.candidate_create, name="create"),
    path("scoring/", views.scoring_settings, name="scoring"),
    path("printable-checklist/", views.print_blank, name="print_blank"),
    path("export.csv", views.export_csv, name="export"),
    path("import/", views.import_csv, name="import"),
    path("import/confirm/", views.import_confirm, name="import_confirm"),
    path("<code:code>/", views.candidate_detail, name="detail"),
    path("<code:code>/edit/", views.candidate_edit, name="edit"),
    path("<code:code>/print/", views.print_evaluation, name="print"),
    path("<code:code>/checklist/", views.checklist_save, name="checklist"),
    path("<code:code>/reevaluate/", views.reevaluate, name="reevaluate"),
    path("<code:code>/archive/", views.archive, name="archive"),
    path("<code:code>/restore/", views.restore, name="restore"),
    path("<code:code>/history/<code:evaluation_code>/", views.evaluation_detail, name="evaluation"),
]
