"""Where to go back to after a form: the `next` the page posted, if it is safe."""

from __future__ import annotations

from django.http import HttpRequest
from django.utils.http import url_has_allowed_host_and_scheme


def local_next(request: HttpRequest) -> str | None:
    """The POSTed `next` if it is a path on this site, else None.

    Only paths: redirect() would take a bare word ("candidates") for a view name and fail
    with a 500, and another host would make an open redirect.
    """
    next_url = request.POST.get("next", "")
    if next_url.startswith("/") and url_has_allowed_host_and_scheme(
        next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return next_url
    return None
