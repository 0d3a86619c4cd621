from django.urls import path

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
    path("<str:code>/", views.candidate_detail, name="detail"),
    path("<str:code>/edit/", views.candidate_edit, name="edit"),
    path("<str:code>/print/", views.print_evaluation, name="print"),
    path("<str:code>/checklist/", views.checklist_save, name="checklist"),
    path("<str:code>/reevaluate/", views.reevaluate, name="reevaluate"),
    path("<str:code>/archive/", views.archive, name="archive"),
    path("<str:code>/restore/", views.restore, name="restore"),
    path("<str:code>/history/<str:evaluation_code>/", views.evaluation_detail, name="evaluation"),
]
