"""Who handles credit-repair help requests: the publicity editors (公示数据编辑) and the moderators
(审核员) see and change them; the personal-data officers (活动报名数据管理员) see them and export
the contact persons and mobile numbers. Names frozen here, as migrations must be."""

from django.db import migrations

HANDLERS = ["公示数据编辑", "审核员"]
DATA_OFFICERS = "活动报名数据管理员"
PERMISSIONS = {
    "view_repairhelprequest": "Can view credit-repair help request",
    "change_repairhelprequest": "Can change credit-repair help request",
    "export_repair_help_personal_data": (
        "Can export the contact names and mobile numbers of credit-repair help requests"
    ),
}
HANDLER_CODENAMES = ["view_repairhelprequest", "change_repairhelprequest"]
OFFICER_CODENAMES = ["view_repairhelprequest", "export_repair_help_personal_data"]


def grant(apps, schema_editor):
    ContentType = apps.get_model("contenttypes.ContentType")
    Permission = apps.get_model("auth.Permission")
    Group = apps.get_model("auth.Group")
    content_type, _created = ContentType.objects.get_or_create(app_label="publicity", model="repairhelprequest")
    permissions = {
        codename: Permission.objects.get_or_create(
            content_type=content_type, codename=codename, defaults={"name": name}
        )[0]
        for codename, name in PERMISSIONS.items()
    }
    for name in HANDLERS:
        group, _created = Group.objects.get_or_create(name=name)
        group.permissions.add(*(permissions[codename] for codename in HANDLER_CODENAMES))
    officers, _created = Group.objects.get_or_create(name=DATA_OFFICERS)
    officers.permissions.add(*(permissions[codename] for codename in OFFICER_CODENAMES))


def revoke(apps, schema_editor):
    Permission = apps.get_model("auth.Permission")
    Group = apps.get_model("auth.Group")
    permissions = Permission.objects.filter(content_type__app_label="publicity", codename__in=PERMISSIONS)
    for group in Group.objects.filter(name__in=[*HANDLERS, DATA_OFFICERS]):
        group.permissions.remove(*permissions)


class Migration(migrations.Migration):
    dependencies = [
        ("publicity", "0012_repair_help_requests"),
        ("core", "0010_chinese_names_of_wagtail_groups_and_workflow"),
        ("core", "0004_registration_permissions"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
