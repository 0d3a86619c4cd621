"""The currency every workspace now has (0004) becomes required, one of the list."""

from django.db import migrations, models

CURRENCIES = [
    "ARS", "BOB", "BRL", "CLP", "COP", "CRC", "CUP", "DOP", "EUR", "GTQ",
    "HNL", "MXN", "NIO", "PAB", "PEN", "PYG", "USD", "UYU", "VES",
]


class Migration(migrations.Migration):

    dependencies = [
        ("accounts", "0004_workspace_currency"),
    ]

    operations = [
        migrations.AlterField(
            model_name="workspace",
            name="currency",
            field=models.CharField(
                choices=[(code, code) for code in CURRENCIES],
                default="USD",
                help_text=(
                    "Amounts are shown in it. Changing it converts nothing: amounts already "
                    "recorded keep their numbers."
                ),
                max_length=3,
                verbose_name="currency",
            ),
        ),
        migrations.AddConstraint(
            model_name="workspace",
            constraint=models.CheckConstraint(
                condition=models.Q(currency__in=tuple(CURRENCIES)),
                name="workspace_currency_valid",
            ),
        ),
    ]
