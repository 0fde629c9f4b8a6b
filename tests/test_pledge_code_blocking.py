"""Nobody blocks a merchant's credit code with a typed e-mail address: confirmed pledges of one code
wait side by side for review, only an editor's approval blocks the code, and the per-code rate
limit counts each client's own attempts."""

import re

import pytest
from django.contrib.auth.models import Group, Permission
from django.contrib.messages import get_messages
from django.core import mail
from django.test import TestCase

from pledges.records import Pledge, PledgeState
from tests import factories
from tests.test_pledge_admin import review_url
from tests.test_pledge_signing import VALID_CODE, signing_data

pytestmark = pytest.mark.django_db

ATTACKER = "10.6.6.6"
OWNER = "10.1.1.1"


def sign_and_confirm(client, page, address, **overrides):
    with TestCase.captureOnCommitCallbacks(execute=True):  # the e-mail goes out on commit
        response = client.post(page.url, signing_data(**overrides), REMOTE_ADDR=address)
    assert response.status_code == 200
    confirm_path = re.search(r"http://testserver(\S+/confirm/\S+/)", mail.outbox[-1].body).group(1)
    return client.post(confirm_path, REMOTE_ADDR=address)


def test_a_strangers_confirmed_pledge_does_not_tell_the_owner_the_code_is_taken(client, pledge_page):
    sign_and_confirm(client, pledge_page, ATTACKER, email="me@attacker.example", merchant_name="冒名商店")
    assert Pledge.objects.get().state == PledgeState.CONFIRMED

    response = client.post(pledge_page.url, signing_data(email="owner@shop.example"), REMOTE_ADDR=OWNER)
    content = response.content.decode()
    assert "该代码已有有效承诺" not in content
    assert Pledge.objects.filter(email="owner@shop.example").exists()
    confirmed = sign_and_confirm(client, pledge_page, OWNER, email="owner@shop.example")
    assert "该代码已有有效承诺" not in confirmed.content.decode()
    assert Pledge.objects.filter(credit_code=VALID_CODE, state=PledgeState.CONFIRMED).count() == 2


def test_five_attempts_from_one_address_do_not_lock_the_owner_out(client, pledge_page):
    for number in range(5):
        client.post(pledge_page.url, signing_data(email=f"x{number}@attacker.example"), REMOTE_ADDR=ATTACKER)
    assert client.post(pledge_page.url, signing_data(), REMOTE_ADDR=ATTACKER).status_code == 429
    response = client.post(pledge_page.url, signing_data(email="owner@shop.example"), REMOTE_ADDR=OWNER)
    assert response.status_code == 200
    assert Pledge.objects.filter(email="owner@shop.example").exists()


def test_only_an_approved_pledge_blocks_the_code(client, pledge_page):
    approved = factories.PledgeFactory(credit_code=VALID_CODE, state=PledgeState.APPROVED)
    with TestCase.captureOnCommitCallbacks(execute=True):
        response = client.post(pledge_page.url, signing_data(), REMOTE_ADDR=OWNER)
    content = response.content.decode()
    assert "该代码已有有效承诺" in content
    assert f"certificate/{approved.number}/" in content
    assert Pledge.objects.count() == 1 and not mail.outbox


@pytest.fixture
def two_confirmed(db):
    impostor = factories.PledgeFactory(
        credit_code=VALID_CODE,
        state=PledgeState.CONFIRMED,
        merchant_name="冒名商店",
        email="me@attacker.example",
    )
    owner = factories.PledgeFactory(
        credit_code=VALID_CODE, state=PledgeState.CONFIRMED, merchant_name="济南泉城诚信超市有限公司"
    )
    return impostor, owner


def test_the_review_screen_shows_the_other_pledges_of_the_code(client, admin_user, two_confirmed):
    impostor, owner = two_confirmed
    unrelated = factories.PledgeFactory(state=PledgeState.CONFIRMED)
    client.force_login(admin_user)
    content = client.get(review_url(owner)).content.decode()
    assert "该统一社会信用代码的其他承诺" in content
    assert impostor.number in content and "冒名商店" in content and "me@attacker.example" in content
    assert review_url(impostor) in content
    assert unrelated.number not in content


def test_the_review_screen_shows_other_pledges_without_personal_data_to_reviewers(
    client, django_user_model, two_confirmed
):
    impostor, owner = two_confirmed
    reviewer = django_user_model.objects.create_user("reviewer", "reviewer@example.org", "pw")
    group = Group.objects.create(name="pledge reviewers")
    group.permissions.add(
        *Permission.objects.filter(
            content_type__app_label="pledges", codename__in=["view_pledge", "change_pledge"]
        ),
        Permission.objects.get(codename="access_admin"),
    )
    reviewer.groups.add(group)
    client.force_login(reviewer)
    content = client.get(review_url(owner)).content.decode()
    assert impostor.number in content
    assert "me@attacker.example" not in content


def test_approving_one_refuses_the_other_and_the_review_screen_says_why(client, admin_user, two_confirmed):
    impostor, owner = two_confirmed
    client.force_login(admin_user)
    client.post(f"/admin/pledges/{owner.pk}/approve/")
    assert Pledge.objects.get(pk=owner.pk).state == PledgeState.APPROVED

    response = client.post(f"/admin/pledges/{impostor.pk}/approve/")
    assert Pledge.objects.get(pk=impostor.pk).state == PledgeState.CONFIRMED
    message = " ".join(str(message) for message in get_messages(response.wsgi_request))
    assert owner.number in message
    content = client.get(review_url(impostor)).content.decode()
    assert "该统一社会信用代码已有另一份审核通过且有效的承诺" in content
    assert f'action="/admin/pledges/{impostor.pk}/approve/"' not in content


def test_bulk_approval_approves_one_pledge_per_code(client, admin_user, two_confirmed):
    client.force_login(admin_user)
    url = "/admin/bulk/pledges/pledge/approve/?" + "&".join(f"id={pledge.pk}" for pledge in two_confirmed)
    response = client.post(url)
    assert response.status_code == 302
    states = sorted(Pledge.objects.filter(credit_code=VALID_CODE).values_list("state", flat=True))
    assert states == [PledgeState.APPROVED, PledgeState.CONFIRMED]
    message = " ".join(str(message) for message in get_messages(response.wsgi_request))
    assert "1 份仍为已确认状态" in message
