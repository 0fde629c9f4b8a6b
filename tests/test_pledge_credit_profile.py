"""A merchant's credit profile (双公示查询 → credit/<code>/) shows its current approved integrity
pledge, with a link to verify it; never a pledge that is pending or has ended, never personal data."""

import datetime

import pytest
from django.utils import timezone

from pledges import services
from pledges.records import Pledge, PledgeState
from tests import factories

pytestmark = pytest.mark.django_db

CODE = factories.make_credit_code(4242)
PERSONAL = ("张三华", "13812341234", "李四明", "@example.org")


@pytest.fixture
def publicity_page(home_page):
    return factories.PublicityPageFactory(parent=home_page)


def credit_profile(client, publicity_page, code=CODE):
    response = client.get(publicity_page.url + f"credit/{code}/")
    assert response.status_code == 200
    return response.content.decode()


def chinese_date(day):
    return f"{day.year}年{day.month}月{day.day}日"


def approved_pledge(editor, override_reason="", **fields):
    """A pledge signed, confirmed and approved by an editor, as in the review screen (after a
    revoked pledge of the code, with the reason the credit check then asks for)."""
    pledge = factories.PledgeFactory(state=PledgeState.CONFIRMED, credit_code=CODE, **fields)
    return services.approve_pledge(pledge, user=editor, override_reason=override_reason)


def test_an_approved_pledge_shows_on_the_merchants_credit_profile_with_its_verification_link(
    client, publicity_page, admin_user
):
    pledge = approved_pledge(admin_user, merchant_name="大明湖茶社")

    page = credit_profile(client, publicity_page)

    assert "大明湖茶社" in page and pledge.number in page
    assert f'href="/v/{pledge.number}/"' in page
    assert chinese_date(timezone.localdate()) in page  # approved today
    assert chinese_date(pledge.valid_until) in page
    for value in PERSONAL:
        assert value not in page


def test_the_verification_link_on_the_profile_leads_to_a_valid_pledge(client, publicity_page, admin_user):
    pledge = approved_pledge(admin_user)

    verification = client.get(f"/v/{pledge.number}/")

    assert verification.status_code == 200 and "verification-valid" in verification.content.decode()


def test_pledges_that_ended_do_not_show_only_the_current_one_does(client, publicity_page, admin_user):
    long_ago = timezone.localdate() - datetime.timedelta(days=800)
    expired = services.approve_pledge(
        factories.PledgeFactory(state=PledgeState.CONFIRMED, credit_code=CODE),
        user=admin_user,
        today=long_ago,
    )
    services.expire_pledges()
    revoked = services.revoke_pledge(
        approved_pledge(admin_user), user=admin_user, reason="经核查存在虚假宣传行为"
    )
    withdrawn = services.withdraw_pledge(approved_pledge(admin_user, "已整改"), reason="店铺歇业")
    current = approved_pledge(admin_user, "已整改")
    assert Pledge.objects.get(pk=expired.pk).state == PledgeState.EXPIRED

    page = credit_profile(client, publicity_page)

    assert current.number in page
    for ended in (expired, revoked, withdrawn):
        assert ended.number not in page


def test_pending_pledges_do_not_show(client, publicity_page):
    submitted = factories.PledgeFactory(
        state=PledgeState.SUBMITTED, credit_code=CODE, merchant_name="泉城书店"
    )
    confirmed = factories.PledgeFactory(
        state=PledgeState.CONFIRMED, credit_code=CODE, merchant_name="泉城书店"
    )

    page = credit_profile(client, publicity_page)

    assert submitted.number not in page and confirmed.number not in page
    assert "泉城书店" not in page


def test_a_pledge_past_its_validity_does_not_show_even_before_the_daily_expiry_runs(
    client, publicity_page, admin_user
):
    pledge = services.approve_pledge(
        factories.PledgeFactory(state=PledgeState.CONFIRMED, credit_code=CODE),
        user=admin_user,
        today=timezone.localdate() - datetime.timedelta(days=400),
    )
    assert pledge.state == PledgeState.APPROVED

    assert pledge.number not in credit_profile(client, publicity_page)


def test_another_merchants_pledge_does_not_show(client, publicity_page, admin_user):
    other = services.approve_pledge(
        factories.PledgeFactory(state=PledgeState.CONFIRMED, credit_code=factories.make_credit_code(4243)),
        user=admin_user,
    )

    assert other.number not in credit_profile(client, publicity_page)
