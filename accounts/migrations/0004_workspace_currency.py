"""Each workspace gets a currency: added empty, then filled from what is known of where the
business is (its time zone's country, else its owner's language), else the dollar.
0005 makes it required and constrains it."""

from datetime import date

from babel.core import get_global
from babel.numbers import get_territory_currencies
from django.db import migrations, models

# As in semaforo/lib/money.py when this was written (a migration keeps its own copy).
CURRENCIES = {
    "ARS", "BOB", "BRL", "CLP", "COP", "CRC", "CUP", "DOP", "EUR", "GTQ",
    "HNL", "MXN", "NIO", "PAB", "PEN", "PYG", "USD", "UYU", "VES",
}
LANGUAGE_TERRITORIES = {"es-ar": "AR"}


def _currency_of(territory):
    for currency in get_territory_currencies(territory, date.today()) if territory else []:
        if currency in CURRENCIES:
            return currency
    return None


def fill_currency(apps, schema_editor):
    Workspace = apps.get_model("accounts", "Workspace")
    Membership = apps.get_model("accounts", "Membership")
    zones = get_global("zone_territories")
    for workspace in Workspace.objects.filter(currency__isnull=True).only("pk", "time_zone"):
        owner = (
            Membership.objects.filter(workspace=workspace, role="owner")
            .order_by("created_at", "id")
            .values_list("user__language", flat=True)
            .first()
        )
        currency = (
            _currency_of(zones.get(workspace.time_zone))
            or _currency_of(LANGUAGE_TERRITORIES.get(owner or ""))
            or "USD"
        )
        Workspace.objects.filter(pk=workspace.pk).update(currency=currency)


class Migration(migrations.Migration):

    dependencies = [
        ("accounts", "0003_rioplatense_spanish"),
    ]

    operations = [
        migrations.AddField(
            model_name="workspace",
            name="currency",
            field=models.CharField(max_length=3, null=True, verbose_name="currency"),
        ),
        migrations.RunPython(fill_currency, migrations.RunPython.noop),
    ]
