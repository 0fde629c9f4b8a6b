"""The personal-data officers (活动报名数据管理员, who see and export the names and mobile numbers
of registrations) do the same for initiative signatures. Names frozen here, as migrations must be."""

from django.db import migrations

DATA_OFFICERS = "活动报名数据管理员"
CODENAME = "export_signature_personal_data"
NAME = "Can see and export the names and mobile numbers of signers"


def grant(apps, schema_editor):
    ContentType = apps.get_model("contenttypes.ContentType")
    Permission = apps.get_model("auth.Permission")
    Group = apps.get_model("auth.Group")
    content_type, _created = ContentType.objects.get_or_create(app_label="campaigns", model="signature")
    permission, _created = Permission.objects.get_or_create(
        content_type=content_type, codename=CODENAME, defaults={"name": NAME}
    )
    officers, _created = Group.objects.get_or_create(name=DATA_OFFICERS)
    officers.permissions.add(permission)


def revoke(apps, schema_editor):
    Group = apps.get_model("auth.Group")
    Permission = apps.get_model("auth.Permission")
    for group in Group.objects.filter(name=DATA_OFFICERS):
        group.permissions.remove(*Permission.objects.filter(content_type__app_label="campaigns", codename=CODENAME))


class Migration(migrations.Migration):
    dependencies = [
        ("campaigns", "0005_initiative_signatures"),
        ("core", "0004_registration_permissions"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
