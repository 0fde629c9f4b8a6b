"""The campaigns-and-pledges section group (诚信者行动与承诺编辑) reviews pledges and edits the
pledge text. Personal data of pledges (``view_pledge_personal_data``) is not granted here: an
administrator gives it to the people who need it."""

from django.db import migrations

GROUP = "诚信者行动与承诺编辑"
PERMISSIONS = [
    ("pledge", "view_pledge", "Can view integrity pledge"),
    ("pledge", "change_pledge", "Can change integrity pledge"),
    ("pledgetext", "view_pledgetext", "Can view pledge text"),
    ("pledgetext", "add_pledgetext", "Can add pledge text"),
    ("pledgetext", "change_pledgetext", "Can change pledge text"),
    ("pledgetext", "publish_pledgetext", "Can publish pledge text"),
]


def grant(apps, schema_editor):
    Group = apps.get_model("auth.Group")
    ContentType = apps.get_model("contenttypes.ContentType")
    Permission = apps.get_model("auth.Permission")
    group = Group.objects.filter(name=GROUP).first()
    if group is None:
        return
    for model, codename, name in PERMISSIONS:
        content_type, _created = ContentType.objects.get_or_create(app_label="pledges", model=model)
        permission, _created = Permission.objects.get_or_create(
            content_type=content_type, codename=codename, defaults={"name": name},
        )
        group.permissions.add(permission)


def revoke(apps, schema_editor):
    Group = apps.get_model("auth.Group")
    Permission = apps.get_model("auth.Permission")
    group = Group.objects.filter(name=GROUP).first()
    if group is not None:
        group.permissions.remove(*Permission.objects.filter(
            content_type__app_label="pledges", codename__in=[codename for _model, codename, _name in PERMISSIONS],
        ))


class Migration(migrations.Migration):
    dependencies = [
        ("pledges", "0001_initial"),
        ("core", "0002_section_editor_groups"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
