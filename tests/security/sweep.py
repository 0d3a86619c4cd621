"""Every URL of the URLconf with its arguments filled from workspace A (tests/test_isolation.py
builds workspace A), public token pages included, for the CSRF and XSS sweeps."""

from __future__ import annotations

from django.contrib.auth.tokens import default_token_generator
from django.urls import get_resolver, reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from accounts.models import ReminderPreference
from semaforo.lib.codes import random_token
from tests.test_isolation import WorkspaceA, _walk, kwarg_values

# The admin's own arguments (object ids, an app label): its POSTs are guarded like the rest.
ADMIN_VALUES = {"app_label": "accounts", "object_id": "1", "id": "1", "content_type_id": "1"}


def _public_values(a: WorkspaceA) -> dict[str, dict[str, str]]:
    """The secrets in public links, per URL name (the same argument name means different
    tokens on different pages)."""
    pilot = a.pilot
    values = {
        "partners:page": {"token": pilot.partner_token},
        "partners:track": {"tracking_code": pilot.tracking_code},
        "dashboard:calendar_feed": {"token": ReminderPreference.for_user(a.owner).calendar_token},
        "password_reset_confirm": {
            "uidb64": urlsafe_base64_encode(force_bytes(a.owner.pk)),
            "token": default_token_generator.make_token(a.owner),
        },
    }
    if hasattr(pilot, "one_pager_token"):  # the partner one-pager, made on demand
        pilot.one_pager_token = pilot.one_pager_token or random_token()
        pilot.save(update_fields=["one_pager_token"])
        values["partners:one_pager"] = {"token": pilot.one_pager_token}
    return values


def all_urls(a: WorkspaceA) -> list[tuple[str, str]]:
    """(name, URL) for every named pattern; unnamed ones are only the admin's catch-all."""
    by_namespace = kwarg_values(a)
    by_name = _public_values(a)
    urls, missing = [], []
    for namespace, name, kwargs in _walk(get_resolver()):
        if name.startswith("<unnamed"):
            assert namespace == "admin", f"an unnamed URL pattern outside the admin: {name}"
            continue
        known = {
            **(ADMIN_VALUES if namespace == "admin" else {}),
            **by_namespace.get(namespace, {}),
            **by_name.get(name, {}),
        }
        if not kwargs <= known.keys():
            missing.append(f"{name}: {sorted(kwargs - known.keys())}")
            continue
        urls.append((name, reverse(name, kwargs={k: known[k] for k in kwargs})))
    assert not missing, f"URLs whose arguments the sweep cannot fill (add them above): {missing}"
    return urls
