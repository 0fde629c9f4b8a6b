"""The synonyms a site starts with, and who maintains them: the moderators (审核员, Wagtail's
"Moderators" group, renamed in core.0010) may view, add, change and delete them."""

from django.db import migrations

INITIAL = {
    "zh-hans": [
        "双公示\n行政许可 行政处罚",
        "失信\n失信被执行人",
        "红榜\n诚信榜样",
    ],
    "en": [
        "red list\nhonour list",
    ],
}
GROUP = "审核员"
CODENAMES = ["view_synonymgroup", "add_synonymgroup", "change_synonymgroup", "delete_synonymgroup"]


def add_initial_synonyms(apps, schema_editor):
    Locale = apps.get_model("wagtailcore", "Locale")
    SynonymGroup = apps.get_model("search", "SynonymGroup")
    for language_code, groups in INITIAL.items():
        locale = Locale.objects.filter(language_code=language_code).first()
        if locale is None:
            continue
        for terms in groups:
            SynonymGroup.objects.get_or_create(locale=locale, terms=terms)

    Group = apps.get_model("auth", "Group")
    ContentType = apps.get_model("contenttypes", "ContentType")
    Permission = apps.get_model("auth", "Permission")
    group = Group.objects.filter(name=GROUP).first()
    if group is None:
        return
    content_type, _created = ContentType.objects.get_or_create(app_label="search", model="synonymgroup")
    for codename in CODENAMES:
        permission, _created = Permission.objects.get_or_create(
            content_type=content_type,
            codename=codename,
            defaults={"name": f"Can {codename.split('_')[0]} synonyms"},
        )
        group.permissions.add(permission)


def remove_initial_synonyms(apps, schema_editor):
    SynonymGroup = apps.get_model("search", "SynonymGroup")
    for language_code, groups in INITIAL.items():
        SynonymGroup.objects.filter(locale__language_code=language_code, terms__in=groups).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("search", "0004_synonym_groups"),
        ("home", "0002_site_root"),  # creates the locales
        ("core", "0010_chinese_names_of_wagtail_groups_and_workflow"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(add_initial_synonyms, remove_initial_synonyms)]
