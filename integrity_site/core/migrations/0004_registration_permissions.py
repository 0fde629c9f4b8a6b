"""Who works with registrations (names frozen here, as migrations must be).

The lecture and campaign editors see their events' registrations (masked) and
check people in. A new group, 活动报名数据管理员 (registration data officers), may
also see and export names and mobile numbers, for every event."""

from django.db import migrations

SECTION_GROUPS = ["儒信大讲堂编辑", "诚信者行动与承诺编辑"]
DATA_OFFICERS = "活动报名数据管理员"
EDITOR_CODENAMES = ["view_registration", "change_registration"]
OFFICER_CODENAMES = EDITOR_CODENAMES + ["export_personal_data"]
NAMES = {
    "view_registration": "Can view registration",
    "change_registration": "Can change registration",
    "export_personal_data": "Can see and export the personal data of registrations",
}


def permission(apps, app_label, model, codename, name):
    ContentType = apps.get_model("contenttypes.ContentType")
    Permission = apps.get_model("auth.Permission")
    content_type, _created = ContentType.objects.get_or_create(app_label=app_label, model=model)
    found, _created = Permission.objects.get_or_create(
        content_type=content_type, codename=codename, defaults={"name": name}
    )
    return found


def grant(apps, schema_editor):
    Group = apps.get_model("auth.Group")
    for name in SECTION_GROUPS:
        group, _created = Group.objects.get_or_create(name=name)
        for codename in EDITOR_CODENAMES:
            group.permissions.add(permission(apps, "core", "registration", codename, NAMES[codename]))
    officers, _created = Group.objects.get_or_create(name=DATA_OFFICERS)
    officers.permissions.add(permission(apps, "wagtailadmin", "admin", "access_admin", "Can access Wagtail admin"))
    for codename in OFFICER_CODENAMES:
        officers.permissions.add(permission(apps, "core", "registration", codename, NAMES[codename]))


def revoke(apps, schema_editor):
    Group = apps.get_model("auth.Group")
    Group.objects.filter(name=DATA_OFFICERS).delete()
    Permission = apps.get_model("auth.Permission")
    for group in Group.objects.filter(name__in=SECTION_GROUPS):
        group.permissions.remove(*Permission.objects.filter(
            content_type__app_label="core", codename__in=EDITOR_CODENAMES))


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0003_registration_seatpool_venue"),
        ("core", "0002_section_editor_groups"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
