# ReminderPreference moved to the accounts app (a person's preference, not a pilot's):
# only Django's model state changes; the table pilots_reminderpreference stays as it is.

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("pilots", "0008_pilot_hourly_value_required"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name="ReminderPreference")],
            database_operations=[],
        ),
    ]
