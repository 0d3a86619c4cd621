from django.urls import path

import semaforo.lib.converters  # noqa: F401 (registers <anycase_code:…>, <token:…>)
from partners import views

app_name = "partners"

# Public: short paths, as they are typed from a flyer or shared in a chat.
urlpatterns = [
    path("r/<anycase_code:tracking_code>", views.track, name="track"),
    path("p/<token:token>/", views.page, name="page"),
    path("o/<token:token>/", views.one_pager, name="one_pager"),
]
