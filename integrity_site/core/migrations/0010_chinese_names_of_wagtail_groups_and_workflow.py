"""Wagtail's migrations create the groups "Editors" and "Moderators" and the workflow (and its
task) "Moderators approval" as data, in English, which the Chinese admin then shows as they are
("提交给Moderators approval"). They get Chinese names here, like every other group of the site
(names frozen here, as migrations must be). A name an administrator has changed already is left
alone; nothing in the site looks these up by name."""

from django.db import migrations

RENAMES = {
    "auth.Group": {"Editors": "编辑", "Moderators": "审核员"},
    "wagtailcore.Workflow": {"Moderators approval": "审核员审批"},
    "wagtailcore.Task": {"Moderators approval": "审核员审批"},
}


def rename(apps, backwards=False):
    for label, names in RENAMES.items():
        model = apps.get_model(label)
        for old, new in names.items():
            old, new = (new, old) if backwards else (old, new)
            if not model.objects.filter(name=new).exists():
                model.objects.filter(name=old).update(name=new)


def to_chinese(apps, schema_editor):
    rename(apps)


def to_english(apps, schema_editor):
    rename(apps, backwards=True)


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0009_honours_workflow"),
        ("wagtailcore", "0098_apitoken"),
    ]

    operations = [migrations.RunPython(to_chinese, to_english)]
