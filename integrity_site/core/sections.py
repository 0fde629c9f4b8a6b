"""The editorial sections of the site and the editor group that owns each.

A section's editors may add, edit and publish pages only below that section's
index pages (Wagtail's tree-based page permissions); in a section with a
moderation workflow (``SECTION_WORKFLOWS``) they submit pages instead of
publishing them. Index page models name
their section in ``editor_section``; whenever such a page is created (including
its English translation) the section's group is granted its permissions there.
"""

from django.contrib.auth.models import Group, Permission
from django.db import transaction
from wagtail.models import GroupPagePermission, Workflow, WorkflowPage

# Group names are data; Chinese first like everything editors see.
SECTION_GROUPS = {
    "articles": "诚信动态编辑",
    "lectures": "儒信大讲堂编辑",
    "campaigns": "诚信者行动与承诺编辑",
    "honours": "诚信榜样编辑",
    "publicity": "公示数据编辑",
}

SECTION_PAGE_PERMISSIONS = ["add_page", "change_page", "publish_page", "lock_page", "unlock_page"]

# Sections whose pages are published only through a moderation workflow, named here: their
# editors submit, the workflow's steps (a credit check first) decide. The workflow is data,
# created by a migration; the name is how the section finds it.
SECTION_WORKFLOWS = {"honours": "诚信榜样审核"}


def section_group(section):
    return Group.objects.get(name=SECTION_GROUPS[section])


@transaction.atomic
def grant_section_permissions(page):
    """Give the editors of ``page.editor_section`` the run of the subtree below ``page``."""
    group = section_group(page.editor_section)
    codenames = SECTION_PAGE_PERMISSIONS
    workflow_name = SECTION_WORKFLOWS.get(page.editor_section)
    if workflow_name:
        codenames = [codename for codename in codenames if codename != "publish_page"]
        workflow = Workflow.objects.filter(name=workflow_name, active=True).first()
        if workflow is not None:
            WorkflowPage.objects.update_or_create(page=page, defaults={"workflow": workflow})
    permissions = Permission.objects.filter(content_type__app_label="wagtailcore", codename__in=codenames)
    for permission in permissions:
        GroupPagePermission.objects.get_or_create(group=group, page=page, permission=permission)
