# Results, coordination time and reviews carry their pilot's workspace (copied) and an index
# newest-first per workspace: the dashboard's recent activity reads eight rows, not the whole
# history (make bench). Add nullable → fill → tighten.

import django.db.models.deletion
from django.db import migrations, models
from django.db.models import OuterRef, Subquery

import semaforo.lib.fields

MODELS = [
    ("resultentry", "result_recent_idx"),
    ("coordinationentry", "coordination_recent_idx"),
    ("review", "review_recent_idx"),
]


def fill_workspace(apps, schema_editor):
    Pilot = apps.get_model("pilots", "Pilot")
    workspace = Subquery(Pilot.objects.filter(pk=OuterRef("pilot")).values("workspace")[:1])
    for model_name, _index in MODELS:
        model = apps.get_model("pilots", model_name)
        model.objects.filter(workspace__isnull=True).update(workspace=workspace)


def workspace_field(**extra):
    return semaforo.lib.fields.WorkspaceCopyField(
        blank=True,
        editable=False,
        on_delete=django.db.models.deletion.CASCADE,
        parent="pilot",
        related_name="+",
        to="accounts.workspace",
        **extra,
    )


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0002_preferences"),
        ("pilots", "0003_learning_from_results"),
    ]

    operations = [
        *(
            migrations.AddField(model_name=name, name="workspace", field=workspace_field(null=True))
            for name, _index in MODELS
        ),
        migrations.RunPython(fill_workspace, migrations.RunPython.noop),
        *(
            migrations.AlterField(model_name=name, name="workspace", field=workspace_field())
            for name, _index in MODELS
        ),
        *(
            migrations.AddIndex(
                model_name=name,
                index=models.Index(fields=["workspace", "-created_at"], name=index),
            )
            for name, index in MODELS
        ),
    ]
