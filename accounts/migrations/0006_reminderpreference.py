# ReminderPreference moved here from the pilots app: the model state only, on the table
# pilots_reminderpreference that pilots' migrations created (no data moves).

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

import semaforo.lib.codes


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0005_workspace_currency_required"),
        ("pilots", "0009_reminderpreference_to_accounts"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="ReminderPreference",
                    fields=[
                        (
                            "user",
                            models.OneToOneField(
                                on_delete=django.db.models.deletion.CASCADE,
                                primary_key=True,
                                related_name="reminder_preference",
                                serialize=False,
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                        (
                            "enabled",
                            models.BooleanField(
                                default=True, verbose_name="email me when a review is due"
                            ),
                        ),
                        (
                            "days_ahead",
                            models.PositiveSmallIntegerField(
                                choices=[
                                    (0, "On the review day"),
                                    (1, "1 day before"),
                                    (2, "2 days before"),
                                ],
                                default=0,
                                verbose_name="how early",
                            ),
                        ),
                        (
                            "calendar_token",
                            models.CharField(
                                default=semaforo.lib.codes.random_token, max_length=64, unique=True
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "reminder preference",
                        "verbose_name_plural": "reminder preferences",
                        "db_table": "pilots_reminderpreference",
                        "constraints": [
                            models.CheckConstraint(
                                condition=models.Q(("days_ahead__gte", 0), ("days_ahead__lte", 2)),
                                name="reminder_days_ahead_0_to_2",
                            )
                        ],
                    },
                ),
            ],
            database_operations=[],
        ),
    ]
