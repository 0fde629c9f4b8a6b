"""Whoever follows a kind of checked item may see and acknowledge its cross-check hits: the
publicity editors, the pledge editors and the honour-list editors (names frozen here)."""

from django.db import migrations

GROUP_NAMES = ["公示数据编辑", "诚信者行动与承诺编辑", "诚信榜样编辑"]
PERMISSIONS = [
    ("view_crosscheckhit", "Can view cross-check hit"),
    ("change_crosscheckhit", "Can change cross-check hit"),
]


def grant(apps, schema_editor):
    ContentType = apps.get_model("contenttypes.ContentType")
    Permission = apps.get_model("auth.Permission")
    Group = apps.get_model("auth.Group")
    content_type, _created = ContentType.objects.get_or_create(app_label="publicity", model="crosscheckhit")
    permissions = [
        Permission.objects.get_or_create(content_type=content_type, codename=codename, defaults={"name": name})[0]
        for codename, name in PERMISSIONS
    ]
    for name in GROUP_NAMES:
        group, _created = Group.objects.get_or_create(name=name)
        group.permissions.add(*permissions)


def revoke(apps, schema_editor):
    Permission = apps.get_model("auth.Permission")
    Group = apps.get_model("auth.Group")
    change = Permission.objects.filter(content_type__app_label="publicity", codename="change_crosscheckhit")
    for group in Group.objects.filter(name__in=GROUP_NAMES):
        group.permissions.remove(*change)


class Migration(migrations.Migration):
    dependencies = [
        ("publicity", "0005_cross_check_acknowledgement_upload_removal"),
        ("publicity", "0003_publicity_editor_permissions"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
