"""The hourly value every pilot now has (0007) becomes required and never negative."""

from decimal import Decimal

import django.core.validators
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("pilots", "0007_pilot_hourly_value"),
    ]

    operations = [
        migrations.AlterField(
            model_name="pilot",
            name="hourly_value",
            field=models.DecimalField(
                decimal_places=2,
                default=Decimal("0"),
                max_digits=10,
                validators=[django.core.validators.MinValueValidator(Decimal("0"))],
                verbose_name="value of one hour of your time",
            ),
        ),
        migrations.AddConstraint(
            model_name="pilot",
            constraint=models.CheckConstraint(
                condition=models.Q(("hourly_value__gte", 0)), name="pilot_hourly_gte_0"
            ),
        ),
    ]
