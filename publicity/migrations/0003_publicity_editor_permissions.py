"""The publicity editors (公示数据编辑) may view and correct publicity records, import the feed and
follow import runs and cross-check hits (names frozen here, as migrations must be)."""

from django.db import migrations

GROUP_NAME = "公示数据编辑"
PERMISSIONS = [
    ("publicityrecord", "add_publicityrecord", "Can add publicity record"),
    ("publicityrecord", "change_publicityrecord", "Can change publicity record"),
    ("publicityrecord", "view_publicityrecord", "Can view publicity record"),
    ("publicityrecord", "import_publicity_feed", "Can import the publicity data feed"),
    ("importrun", "view_importrun", "Can view import run"),
    ("crosscheckhit", "view_crosscheckhit", "Can view cross-check hit"),
]


def grant(apps, schema_editor):
    ContentType = apps.get_model("contenttypes.ContentType")
    Permission = apps.get_model("auth.Permission")
    Group = apps.get_model("auth.Group")
    group, _created = Group.objects.get_or_create(name=GROUP_NAME)
    for model, codename, name in PERMISSIONS:
        content_type, _created = ContentType.objects.get_or_create(app_label="publicity", model=model)
        permission, _created = Permission.objects.get_or_create(
            content_type=content_type, codename=codename, defaults={"name": name}
        )
        group.permissions.add(permission)


def revoke(apps, schema_editor):
    Group = apps.get_model("auth.Group")
    Permission = apps.get_model("auth.Permission")
    group = Group.objects.filter(name=GROUP_NAME).first()
    if group:
        group.permissions.remove(
            *Permission.objects.filter(
                content_type__app_label="publicity", codename__in=[codename for _m, codename, _n in PERMISSIONS]
            )
        )


class Migration(migrations.Migration):
    dependencies = [
        ("publicity", "0002_feed_records"),
        ("core", "0002_section_editor_groups"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
