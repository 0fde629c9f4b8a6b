"""The honours section's moderation: a credit check step, then Wagtail's moderators, and its
editors no longer publish directly (names frozen here, as migrations must be)."""

from django.db import migrations

WORKFLOW_NAME = "诚信榜样审核"
TASK_NAME = "信用核查"
HONOURS_GROUP = "诚信榜样编辑"


def create_workflow(apps, schema_editor):
    ContentType = apps.get_model("contenttypes.ContentType")
    Workflow = apps.get_model("wagtailcore.Workflow")
    WorkflowTask = apps.get_model("wagtailcore.WorkflowTask")
    WorkflowPage = apps.get_model("wagtailcore.WorkflowPage")
    CreditCheckTask = apps.get_model("core.CreditCheckTask")
    GroupApprovalTask = apps.get_model("wagtailcore.GroupApprovalTask")
    GroupPagePermission = apps.get_model("wagtailcore.GroupPagePermission")
    Page = apps.get_model("wagtailcore.Page")

    content_type, _created = ContentType.objects.get_or_create(app_label="core", model="creditchecktask")
    task = CreditCheckTask.objects.filter(name=TASK_NAME).first() or CreditCheckTask.objects.create(
        name=TASK_NAME, content_type=content_type, active=True
    )
    workflow, created = Workflow.objects.get_or_create(name=WORKFLOW_NAME)
    if created:
        tasks = [task]
        moderators = GroupApprovalTask.objects.filter(active=True).order_by("pk").first()
        if moderators is not None:
            tasks.append(moderators)
        for order, each in enumerate(tasks):
            WorkflowTask.objects.create(workflow=workflow, task_id=each.pk, sort_order=order)
    honour_indexes = Page.objects.filter(content_type__app_label="honours", content_type__model="honourindexpage")
    for index in honour_indexes:
        WorkflowPage.objects.update_or_create(page=index, defaults={"workflow": workflow})
    GroupPagePermission.objects.filter(group__name=HONOURS_GROUP, permission__codename="publish_page").delete()


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0008_credit_check_task"),
        ("wagtailcore", "0098_apitoken"),
    ]

    operations = [migrations.RunPython(create_workflow, migrations.RunPython.noop)]
