from django.urls import path

from pilots import views

app_name = "pilots"

urlpatterns = [
    path("dashboard/", views.dashboard, name="dashboard"),
    path("pilots/", views.pilot_list, name="list"),
    path("pilots/settings/", views.pilot_settings, name="settings"),
    path("pilots/export.csv", views.export_csv, name="export"),
    path("pilots/start/<str:candidate_code>/", views.pilot_create, name="create"),
    path("pilots/start/<str:candidate_code>/check/", views.cost_check, name="cost_check"),
    path("insights/", views.insights, name="insights"),
    path(
        "pilots/open-referral/<str:candidate_code>/", views.mark_open_referral, name="open_referral"
    ),
    path("pilots/<str:code>/", views.pilot_detail, name="detail"),
    path("pilots/<str:code>/results/", views.result_add, name="result_add"),
    path("pilots/<str:code>/coordination/", views.coordination_add, name="coordination_add"),
    path("pilots/<str:code>/partner-link/", views.partner_link, name="partner_link"),
    path("pilots/<str:code>/one-pager-link/", views.one_pager_link, name="one_pager_link"),
    path("pilots/<str:code>/review/", views.review, name="review"),
    path("pilots/<str:code>/review.ics", views.pilot_ics, name="ics"),
    path("preferences/", views.preferences, name="preferences"),
    path("calendar/<str:token>.ics", views.calendar_feed, name="calendar_feed"),
    # Public: the tracked link and the partner's page (unguessable token, revocable).
    path("r/<str:tracking_code>", views.track, name="track"),
    path("p/<str:token>/", views.partner, name="partner"),
    # Public, read-only: the partner one-pager (unguessable token, revocable).
    path("o/<str:token>/", views.one_pager, name="one_pager"),
]
