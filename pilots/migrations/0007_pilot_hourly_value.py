"""Each pilot carries the value of an hour of coordination: added empty, then filled with
its workspace's current value (what every pilot was priced at until now). 0008 makes it
required and constrains it."""

from decimal import Decimal

import django.core.validators
from django.db import migrations, models
from django.db.models import OuterRef, Subquery, Value
from django.db.models.functions import Coalesce


def fill_hourly_value(apps, schema_editor):
    Pilot = apps.get_model("pilots", "Pilot")
    PilotSettings = apps.get_model("pilots", "PilotSettings")
    workspace_value = PilotSettings.objects.filter(workspace=OuterRef("workspace")).values(
        "hourly_value"
    )[:1]
    money = models.DecimalField(max_digits=10, decimal_places=2)
    Pilot.objects.filter(hourly_value__isnull=True).update(
        hourly_value=Coalesce(
            Subquery(workspace_value, output_field=money), Value(Decimal("0"), money)
        )
    )


class Migration(migrations.Migration):

    dependencies = [
        ("pilots", "0006_rioplatense_spanish"),
    ]

    operations = [
        migrations.AddField(
            model_name="pilot",
            name="hourly_value",
            field=models.DecimalField(
                decimal_places=2,
                max_digits=10,
                null=True,
                validators=[django.core.validators.MinValueValidator(Decimal("0"))],
                verbose_name="value of one hour of your time",
            ),
        ),
        migrations.RunPython(fill_hourly_value, migrations.RunPython.noop),
    ]
