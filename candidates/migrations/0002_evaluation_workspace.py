# The evaluation's workspace, copied from its candidate, and the two indexes the dashboard
# reads (make bench: its cost grows with what it shows, not with the candidates it counts).
# Add nullable → fill → tighten.

import django.db.models.deletion
from django.db import migrations, models
from django.db.models import OuterRef, Subquery

import semaforo.lib.fields


def fill_workspace(apps, schema_editor):
    Candidate = apps.get_model("candidates", "Candidate")
    Evaluation = apps.get_model("candidates", "Evaluation")
    Evaluation.objects.filter(workspace__isnull=True).update(
        workspace=Subquery(Candidate.objects.filter(pk=OuterRef("candidate")).values("workspace")[:1])
    )


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0002_preferences"),
        ("candidates", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="evaluation",
            name="workspace",
            field=semaforo.lib.fields.WorkspaceCopyField(
                blank=True,
                editable=False,
                null=True,
                on_delete=django.db.models.deletion.CASCADE,
                parent="candidate",
                related_name="+",
                to="accounts.workspace",
            ),
        ),
        migrations.RunPython(fill_workspace, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="evaluation",
            name="workspace",
            field=semaforo.lib.fields.WorkspaceCopyField(
                blank=True,
                editable=False,
                on_delete=django.db.models.deletion.CASCADE,
                parent="candidate",
                related_name="+",
                to="accounts.workspace",
            ),
        ),
        migrations.AddIndex(
            model_name="evaluation",
            index=models.Index(
                condition=models.Q(("frozen_at__isnull", True)),
                fields=["workspace", "colour"],
                name="evaluation_current_colour_idx",
            ),
        ),
        migrations.AddIndex(
            model_name="evaluation",
            index=models.Index(
                condition=models.Q(("frozen_at__isnull", True)),
                fields=["workspace", "-score", "-candidate"],
                name="evaluation_current_score_idx",
            ),
        ),
    ]
