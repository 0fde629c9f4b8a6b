"""A pledge whose merchant the publicity feed speaks against (a penalty still shown, a dishonest
judgment debtor) is not approved without a recorded reason from a user allowed to let credit hits
pass, singly or in bulk (联合奖惩)."""

import datetime

import pytest
from django.contrib.auth.models import Group, Permission
from django.utils import timezone
from wagtail.models import ModelLogEntry

from pledges import services
from pledges.records import Pledge, PledgeState
from tests import factories
from tests.publicity_feeds import make_record

pytestmark = pytest.mark.django_db


@pytest.fixture
def reviewer(django_user_model):
    user = django_user_model.objects.create_user("reviewer", "reviewer@example.org", "pw")
    group = Group.objects.create(name="pledge reviewers")
    group.permissions.add(
        *Permission.objects.filter(
            content_type__app_label="pledges", codename__in=["view_pledge", "change_pledge"]
        ),
        Permission.objects.get(codename="access_admin"),
    )
    user.groups.add(group)
    return user


@pytest.fixture
def credit_officer(reviewer):
    reviewer.user_permissions.add(
        Permission.objects.get(content_type__app_label="core", codename="add_creditcheckoverride")
    )
    return reviewer


def penalised(pledge):
    today = timezone.localdate()
    return make_record(
        credit_code=pledge.credit_code,
        subject_name=pledge.merchant_name,
        document_number="济历市监罚字〔2026〕9号",
        decision_date=today - datetime.timedelta(days=20),
        publicity_until=today + datetime.timedelta(days=200),
    )


def test_a_pledge_with_a_credit_hit_is_not_approved_without_a_reason(client, reviewer):
    pledge = factories.PledgeFactory(state="confirmed")
    penalised(pledge)
    client.force_login(reviewer)
    review = client.get(f"/admin/snippets/pledges/pledge/inspect/{pledge.pk}/").content.decode()
    assert "济历市监罚字〔2026〕9号" in review and "override_reason" not in review
    response = client.post(f"/admin/pledges/{pledge.pk}/approve/", follow=True)
    assert Pledge.objects.get(pk=pledge.pk).state == PledgeState.CONFIRMED
    assert "只有可放行信用核查命中的用户才能批准" in response.content.decode()


def test_a_credit_officer_approves_with_a_reason_kept_in_the_history(client, credit_officer):
    pledge = factories.PledgeFactory(state="confirmed")
    penalised(pledge)
    client.force_login(credit_officer)
    review = client.get(f"/admin/snippets/pledges/pledge/inspect/{pledge.pk}/").content.decode()
    assert 'name="override_reason"' in review
    client.post(f"/admin/pledges/{pledge.pk}/approve/", {"override_reason": "  "})
    assert Pledge.objects.get(pk=pledge.pk).state == PledgeState.CONFIRMED
    client.post(f"/admin/pledges/{pledge.pk}/approve/", {"override_reason": "罚款已缴清，经区信用办核实。"})
    assert Pledge.objects.get(pk=pledge.pk).state == PledgeState.APPROVED
    entry = ModelLogEntry.objects.for_instance(pledge).get(action=services.CREDIT_OVERRIDE_ACTION)
    assert entry.user == credit_officer
    assert entry.data == {"reason": "罚款已缴清，经区信用办核实。", "records": ["济历市监罚字〔2026〕9号"]}
    assert "罚款已缴清" in client.get(f"/admin/snippets/pledges/pledge/history/{pledge.pk}/").content.decode()


def test_a_pledge_without_hits_is_approved_as_before(client, reviewer):
    pledge = factories.PledgeFactory(state="confirmed")
    make_record(credit_code="914403001922038216", subject_name="另一家公司")
    client.force_login(reviewer)
    client.post(f"/admin/pledges/{pledge.pk}/approve/")
    assert Pledge.objects.get(pk=pledge.pk).state == PledgeState.APPROVED


def test_bulk_approval_skips_pledges_with_hits_and_says_how_many_and_why(client, credit_officer):
    clean = factories.PledgeFactory.create_batch(2, state="confirmed")
    hit = factories.PledgeFactory(state="confirmed")
    penalised(hit)
    client.force_login(credit_officer)
    ids = [pledge.pk for pledge in [*clean, hit]]
    url = "/admin/bulk/pledges/pledge/approve/?" + "&".join(f"id={pk}" for pk in ids)
    response = client.post(url, follow=True)
    states = dict(Pledge.objects.values_list("pk", "state"))
    assert [states[pledge.pk] for pledge in clean] == ["approved", "approved"]
    assert states[hit.pk] == "confirmed"
    text = " ".join(str(message) for message in response.context["messages"])
    assert "已审核通过2份承诺。" in text
    assert "1份仍为已确认：公示数据中有其当前记录" in text


def test_the_service_refuses_a_reason_from_a_user_without_the_permission(reviewer):
    pledge = factories.PledgeFactory(state="confirmed")
    penalised(pledge)
    with pytest.raises(services.CreditOverrideRefused):
        services.approve_pledge(pledge, user=reviewer, override_reason="我说可以")
    assert Pledge.objects.get(pk=pledge.pk).state == PledgeState.CONFIRMED


def test_a_merchant_whose_pledge_was_revoked_is_weighed_again_before_a_new_approval(reviewer, credit_officer):
    first = factories.PledgeFactory(state="confirmed")
    services.approve_pledge(first, user=credit_officer)
    services.revoke_pledge(Pledge.objects.get(pk=first.pk), user=credit_officer, reason="食品安全抽检不合格")
    again = factories.PledgeFactory(state="confirmed", credit_code=first.credit_code)
    with pytest.raises(services.CreditHitsFound) as error:
        services.approve_pledge(again, user=credit_officer)
    (finding,) = error.value.check.revoked_pledges
    assert finding.authority == "食品安全抽检不合格" and finding.record_id == first.pk
    services.approve_pledge(again, user=credit_officer, override_reason="整改完成，复查合格。")
    assert Pledge.objects.get(pk=again.pk).state == PledgeState.APPROVED
