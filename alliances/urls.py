from django.urls import path

import semaforo.lib.converters  # noqa: F401 (registers <code:…>)
from alliances import review_views, views

app_name = "alliances"

urlpatterns = [
    path("", views.alliance_list, name="list"),
    path("new/<code:candidate_code>/", views.alliance_create, name="create"),
    path("<code:code>/", views.alliance_detail, name="detail"),
    path("<code:code>/design/", views.alliance_design, name="design"),
    path("<code:code>/review/", review_views.alliance_review, name="review"),
    path("<code:code>/check-in/", review_views.check_in, name="check_in"),
    path("<code:code>/results/", views.result_add, name="result_add"),
    path("<code:code>/time/", views.time_add, name="time_add"),
    path("<code:code>/partner-link/", views.partner_link, name="partner_link"),
    path("<code:code>/ledger/", views.ledger, name="ledger"),
    path("<code:code>/ledger/paid/", views.mark_paid, name="mark_paid"),
    path("<code:code>/ledger/export/", views.ledger_export, name="ledger_export"),
    path("<code:code>/agreement-link/", views.agreement_link, name="agreement_link"),
]
