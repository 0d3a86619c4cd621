from django.urls import path

import semaforo.lib.converters  # noqa: F401 (registers <code:…>, <anycase_code:…>, <token:…>)
from pilots import views

app_name = "pilots"

urlpatterns = [
    path("pilots/", views.pilot_list, name="list"),
    path("pilots/settings/", views.pilot_settings, name="settings"),
    path("pilots/export.csv", views.export_csv, name="export"),
    path("pilots/start/<code:candidate_code>/", views.pilot_create, name="create"),
    path("pilots/start/<code:candidate_code>/check/", views.cost_check, name="cost_check"),
    path(
        "pilots/open-referral/<code:candidate_code>/",
        views.mark_open_referral,
        name="open_referral",
    ),
    path("pilots/<code:code>/", views.pilot_detail, name="detail"),
    path("pilots/<code:code>/results/", views.result_add, name="result_add"),
    path("pilots/<code:code>/quick/", views.quick_log, name="quick_log"),
    path("pilots/<code:code>/undo/", views.undo_result, name="undo_result"),
    path("pilots/<code:code>/coordination/", views.coordination_add, name="coordination_add"),
    path("pilots/<code:code>/partner-link/", views.partner_link, name="partner_link"),
    path("pilots/<code:code>/one-pager-link/", views.one_pager_link, name="one_pager_link"),
    path("pilots/<code:code>/review/", views.review, name="review"),
    path("pilots/<code:code>/review.ics", views.pilot_ics, name="ics"),
]
