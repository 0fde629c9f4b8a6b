"""An honour list is published only after a credit check (联合奖惩): a list naming nobody the feed
speaks against passes by itself; a hit stops it until a reviewer with the override permission
records a reason for it, or its editors remove the entry."""

import pytest
from django.contrib.auth.models import Group, Permission
from django.urls import reverse
from wagtail.models import PageLogEntry, TaskState

from honours.models import HonourListPage
from integrity_site.core.credit_review import OVERRIDE_LOG_ACTION
from integrity_site.core.models import CreditCheckTask
from integrity_site.core.sections import SECTION_GROUPS
from tests import factories
from tests.publicity_feeds import make_record

pytestmark = pytest.mark.django_db

PENALISED_CODE = "91350100M000100Y43"
CLEAN_CODE = "914403001922038216"


@pytest.fixture
def honours(home_page):
    return factories.HonourIndexPageFactory(parent=home_page)


@pytest.fixture
def honours_editor(django_user_model, honours):
    user = django_user_model.objects.create_user("honours-editor", password="pw")
    user.groups.add(Group.objects.get(name=SECTION_GROUPS["honours"]))
    return user


@pytest.fixture
def reviewer(django_user_model):
    user = django_user_model.objects.create_user("credit-reviewer", password="pw")
    user.groups.add(Group.objects.get(name="审核员"))
    user.user_permissions.add(
        Permission.objects.get(content_type__app_label="core", codename="add_creditcheckoverride")
    )
    return user


def draft_list(honours, *entries):
    return factories.HonourListPageFactory(
        parent=honours, title="2026年度诚信单位", slug="units-2026", publish=False, entries=list(entries)
    )


def submit(page, user):
    page = HonourListPage.objects.get(pk=page.pk)
    return page.get_workflow().start(page, user)


def current_task(workflow_state):
    workflow_state.refresh_from_db()
    return workflow_state.current_task_state.task.specific


def test_the_honours_section_is_moderated_with_the_credit_check_first(honours):
    workflow = honours.get_workflow()
    assert [task.specific.__class__ for task in workflow.tasks][0] is CreditCheckTask


def test_honours_editors_submit_lists_instead_of_publishing_them(honours, honours_editor):
    page = draft_list(honours, {"name": "山东诚信商贸有限公司", "credit_code": CLEAN_CODE})
    permissions = page.permissions_for_user(honours_editor)
    assert permissions.can_edit() and not permissions.can_publish()


def test_a_list_without_hits_passes_the_credit_check_by_itself_and_waits_for_moderators(
    honours, honours_editor
):
    make_record(credit_code=PENALISED_CODE)
    page = draft_list(
        honours, {"name": "山东诚信商贸有限公司", "credit_code": CLEAN_CODE}, {"name": "张晓华"}
    )
    state = submit(page, honours_editor)
    credit_state = TaskState.objects.get(workflow_state=state, task__in=CreditCheckTask.objects.all())
    assert credit_state.status == TaskState.STATUS_APPROVED and credit_state.finished_by is None
    assert not isinstance(current_task(state), CreditCheckTask)


def test_a_list_naming_a_penalised_company_stops_at_the_credit_check(honours, honours_editor):
    make_record(credit_code=PENALISED_CODE, document_number="济历市监罚字〔2026〕8号")
    page = draft_list(honours, {"name": "济南泉城路伟明餐饮管理有限公司", "credit_code": PENALISED_CODE})
    state = submit(page, honours_editor)
    assert isinstance(current_task(state), CreditCheckTask)
    assert current_task(state).get_actions(page, honours_editor) == []


def test_an_entry_without_a_code_is_checked_by_its_exact_name(honours, honours_editor):
    make_record(kind="dishonest", credit_code="", subject_name="济南某某商贸有限公司", publicity_until=None)
    page = draft_list(honours, {"name": "济南某某商贸有限公司"})
    state = submit(page, honours_editor)
    assert isinstance(current_task(state), CreditCheckTask)


def workflow_action_url(page, action, task_state):
    return reverse("wagtailadmin_pages:workflow_action", args=(page.pk, action, task_state.pk))


def test_a_reviewer_sees_each_hit_and_lets_it_pass_with_a_reason_in_the_audit_log(
    client, honours, honours_editor, reviewer
):
    make_record(credit_code=PENALISED_CODE, document_number="济历市监罚字〔2026〕8号")
    page = draft_list(honours, {"name": "济南泉城路伟明餐饮管理有限公司", "credit_code": PENALISED_CODE})
    state = submit(page, honours_editor)
    task_state = state.current_task_state
    client.force_login(reviewer)
    dialogue = client.get(workflow_action_url(page, "approve", task_state)).json()["html"]
    assert "济历市监罚字〔2026〕8号" in dialogue and 'name="reason-1"' in dialogue

    response = client.post(
        workflow_action_url(page, "approve", task_state),
        {
            "checked_step": task_state.pk,
            "party-1": f"code:{PENALISED_CODE}",
            "reason-1": "罚款已缴清，经区信用办核实。",
        },
    )
    assert response.status_code == 302
    task_state.refresh_from_db()
    assert task_state.status == TaskState.STATUS_APPROVED and task_state.finished_by == reviewer
    entry = PageLogEntry.objects.get(page=page, action=OVERRIDE_LOG_ACTION)
    assert entry.user == reviewer and entry.data["reason"] == "罚款已缴清，经区信用办核实。"
    assert entry.data["records"] == ["济历市监罚字〔2026〕8号"]
    assert not isinstance(current_task(state), CreditCheckTask)


def test_passing_without_a_reason_for_every_hit_is_refused_with_a_message(
    client, honours, honours_editor, reviewer
):
    make_record(credit_code=PENALISED_CODE)
    page = draft_list(honours, {"name": "济南泉城路伟明餐饮管理有限公司", "credit_code": PENALISED_CODE})
    task_state = submit(page, honours_editor).current_task_state
    client.force_login(reviewer)
    response = client.post(
        workflow_action_url(page, "approve", task_state),
        {"checked_step": task_state.pk, "party-1": f"code:{PENALISED_CODE}", "reason-1": "  "},
        headers={"x-requested-with": "XMLHttpRequest"},
    )
    assert "请为每一条命中填写放行理由" in response.json()["html"]
    task_state.refresh_from_db()
    assert task_state.status == TaskState.STATUS_IN_PROGRESS


def test_a_user_without_the_permission_cannot_let_a_hit_pass(client, honours, honours_editor):
    make_record(credit_code=PENALISED_CODE)
    page = draft_list(honours, {"name": "济南泉城路伟明餐饮管理有限公司", "credit_code": PENALISED_CODE})
    task_state = submit(page, honours_editor).current_task_state
    client.force_login(honours_editor)
    client.post(
        workflow_action_url(page, "approve", task_state),
        {"checked_step": task_state.pk, "party-1": f"code:{PENALISED_CODE}", "reason-1": "自己放行"},
    )
    task_state.refresh_from_db()
    assert task_state.status == TaskState.STATUS_IN_PROGRESS
    assert not PageLogEntry.objects.filter(action=OVERRIDE_LOG_ACTION).exists()


def test_when_the_entry_is_removed_after_changes_are_requested_the_check_passes_by_itself(
    honours, honours_editor, reviewer
):
    make_record(credit_code=PENALISED_CODE)
    page = draft_list(
        honours,
        {"name": "济南泉城路伟明餐饮管理有限公司", "credit_code": PENALISED_CODE},
        {"name": "山东诚信商贸有限公司", "credit_code": CLEAN_CODE},
    )
    state = submit(page, honours_editor)
    state.current_task_state.task.specific.on_action(
        state.current_task_state, reviewer, "reject", comment="请删除"
    )
    state.refresh_from_db()
    assert state.status == state.STATUS_NEEDS_CHANGES

    draft = HonourListPage.objects.get(pk=page.pk).get_latest_revision_as_object()
    draft.entries = [entry for entry in draft.entries.all() if entry.credit_code != PENALISED_CODE]
    draft.save_revision(user=honours_editor)
    state.resume(user=honours_editor)
    assert not isinstance(current_task(state), CreditCheckTask)


def test_an_entry_whose_integrity_pledge_was_revoked_stops_at_the_credit_check(
    honours, honours_editor, reviewer
):
    from pledges import services

    pledge = factories.PledgeFactory(state="confirmed", credit_code=CLEAN_CODE)
    services.approve_pledge(pledge, user=reviewer)
    services.revoke_pledge(pledge, user=reviewer, reason="虚假宣传")
    page = draft_list(honours, {"name": "山东诚信商贸有限公司", "credit_code": CLEAN_CODE})
    state = submit(page, honours_editor)
    assert isinstance(current_task(state), CreditCheckTask)
