from django.urls import path

import semaforo.lib.converters  # noqa: F401 (registers <token:…>)
from dashboard import feeds, views

app_name = "dashboard"

urlpatterns = [
    path("dashboard/", views.home, name="home"),
    path("insights/", views.insights, name="insights"),
    # A person's private calendar feed (pilots and alliances), at the address it always had.
    path("calendar/<token:token>.ics", feeds.calendar_feed, name="calendar_feed"),
]
