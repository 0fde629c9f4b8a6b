"""A pledge's life: confirmed by e-mail, approved, and ended by expiry, revocation or
withdrawal; every step is in Wagtail's audit log with who and why."""

import datetime
import re

import pytest
from django.core import mail, signing
from django.core.management import call_command
from django.db import IntegrityError, transaction
from django.test import TestCase
from django.utils import timezone
from wagtail.log_actions import registry as log_registry
from wagtail.models import ModelLogEntry

from pledges import services
from pledges.records import Pledge, PledgeState
from tests import factories

VALID_CODE = "914403001922038216"


def log_entries(pledge):
    return list(ModelLogEntry.objects.for_instance(pledge).order_by("timestamp", "pk"))


def sign(client, page, **overrides):
    data = {
        "merchant_name": "趵突泉老字号餐馆",
        "credit_code": VALID_CODE,
        "entity_kind": "individual_business",
        "industry": "catering",
        "subdistrict": "趵突泉街道",
        "address": "趵突泉南路1号",
        "contact_person": "刘一",
        "mobile": "13912345678",
        "email": "owner@example.org",
        "signatory_name": "刘一",
        "consent_to_publication": "on",
    }
    data.update(overrides)
    with TestCase.captureOnCommitCallbacks(execute=True):  # the e-mail goes out on commit
        client.post(page.url, data)
    return re.search(r"http://testserver(\S+/confirm/\S+/)", mail.outbox[-1].body).group(1)


def test_opening_the_emailed_link_and_confirming_sends_the_pledge_to_the_editors(client, pledge_page):
    confirm_path = sign(client, pledge_page)
    shown = client.get(confirm_path)
    assert shown.status_code == 200
    assert Pledge.objects.get().state == PledgeState.SUBMITTED  # opening alone does not confirm
    response = client.post(confirm_path)
    assert response.status_code == 200
    pledge = Pledge.objects.get()
    assert pledge.state == PledgeState.CONFIRMED and pledge.confirmed_at is not None
    assert [entry.action for entry in log_entries(pledge)] == ["pledges.submit", "pledges.confirm"]


def test_confirming_twice_has_a_friendly_answer(client, pledge_page):
    confirm_path = sign(client, pledge_page)
    client.post(confirm_path)
    again = client.post(confirm_path)
    assert again.status_code == 200
    assert Pledge.objects.get().state == PledgeState.CONFIRMED


def test_an_expired_or_forged_link_has_a_friendly_answer(client, pledge_page, settings):
    confirm_path = sign(client, pledge_page)
    settings.PLEDGE_CONFIRMATION_MAX_AGE = -1
    assert client.get(confirm_path).status_code == 410
    settings.PLEDGE_CONFIRMATION_MAX_AGE = 3600
    forged = confirm_path.replace("/confirm/", "/confirm/AAAA")
    assert client.post(forged).status_code == 404
    assert Pledge.objects.get().state == PledgeState.SUBMITTED


def test_confirmed_pledges_of_one_code_wait_side_by_side_and_only_one_is_approved(
    client, pledge_page, admin_user
):
    first = sign(client, pledge_page, email="first@example.org")
    second = sign(client, pledge_page, email="second@example.org")
    assert Pledge.objects.count() == 2  # unconfirmed submissions do not block a code
    client.post(first)
    client.post(second)  # an e-mail address proves nothing: confirming blocks nobody
    assert Pledge.objects.filter(state=PledgeState.CONFIRMED).count() == 2
    one, other = Pledge.objects.order_by("pk")
    services.approve_pledge(other, admin_user)
    with pytest.raises(services.ActivePledgeExists) as refused:
        services.approve_pledge(one, admin_user)
    assert refused.value.existing.pk == other.pk
    assert Pledge.objects.get(pk=one.pk).state == PledgeState.CONFIRMED


def test_once_a_pledge_of_the_code_is_approved_another_is_refused_at_confirmation(client, pledge_page):
    confirm_path = sign(client, pledge_page, email="late@example.org")
    approved = factories.PledgeFactory(credit_code=VALID_CODE, state=PledgeState.APPROVED)
    response = client.post(confirm_path)
    assert response.status_code == 200
    assert f"certificate/{approved.number}/" in response.content.decode()
    assert Pledge.objects.get(email="late@example.org").state == PledgeState.SUBMITTED


def test_the_database_itself_refuses_two_approved_pledges_for_one_code(db):
    factories.PledgeFactory(credit_code=VALID_CODE, state=PledgeState.APPROVED)
    with pytest.raises(IntegrityError), transaction.atomic():
        factories.PledgeFactory(credit_code=VALID_CODE, state=PledgeState.APPROVED)
    factories.PledgeFactory(credit_code=VALID_CODE, state=PledgeState.CONFIRMED)
    factories.PledgeFactory(credit_code=VALID_CODE, state=PledgeState.CONFIRMED)
    factories.PledgeFactory(credit_code=VALID_CODE, state=PledgeState.REVOKED)
    factories.PledgeFactory(credit_code=VALID_CODE, state=PledgeState.SUBMITTED)


def test_an_approved_pledge_past_its_validity_is_expired_before_another_is_approved(admin_user, db):
    lapsed = factories.PledgeFactory(
        credit_code=VALID_CODE,
        state=PledgeState.APPROVED,
        valid_until=timezone.localdate() - datetime.timedelta(days=1),
    )
    renewal = factories.PledgeFactory(credit_code=VALID_CODE, state=PledgeState.CONFIRMED)
    services.approve_pledge(renewal, admin_user)
    assert Pledge.objects.get(pk=lapsed.pk).state == PledgeState.EXPIRED
    assert Pledge.objects.get(pk=renewal.pk).state == PledgeState.APPROVED


def test_an_editor_approves_a_confirmed_pledge_for_the_validity_period_of_the_site_settings(admin_user, site):
    from integrity_site.core.models import SiteSettings

    site_settings = SiteSettings.for_site(site)
    site_settings.pledge_validity_days = 730
    site_settings.save()
    pledge = factories.PledgeFactory(state=PledgeState.CONFIRMED)
    services.approve_pledge(pledge, user=admin_user)
    assert pledge.state == PledgeState.APPROVED
    assert pledge.valid_until == timezone.localdate() + datetime.timedelta(days=730)
    entry = log_entries(pledge)[-1]
    assert (entry.action, entry.user) == ("pledges.approve", admin_user)


def test_only_a_confirmed_pledge_can_be_approved(admin_user, db):
    pledge = factories.PledgeFactory(state=PledgeState.SUBMITTED)
    with pytest.raises(services.TransitionError):
        services.approve_pledge(pledge, user=admin_user)
    assert Pledge.objects.get().state == PledgeState.SUBMITTED


def test_an_editor_revokes_with_a_reason_that_the_audit_log_keeps(admin_user, db):
    pledge = factories.PledgeFactory(state=PledgeState.APPROVED)
    with pytest.raises(ValueError):
        services.revoke_pledge(pledge, user=admin_user, reason="  ")
    services.revoke_pledge(pledge, user=admin_user, reason="经核查存在虚假宣传行为")
    assert pledge.state == PledgeState.REVOKED and pledge.closing_reason == "经核查存在虚假宣传行为"
    entry = log_entries(pledge)[-1]
    assert entry.action == "pledges.revoke" and entry.user == admin_user
    assert entry.data["reason"] == "经核查存在虚假宣传行为"


def test_the_merchant_withdraws_with_the_private_link(client, pledge_page):
    sign(client, pledge_page)
    withdraw_path = re.search(r"http://testserver(\S+/withdraw/\S+/)", mail.outbox[-1].body).group(1)
    pledge = Pledge.objects.get()
    Pledge.objects.filter(pk=pledge.pk).update(state=PledgeState.APPROVED, approved_at=timezone.now())
    assert client.get(withdraw_path).status_code == 200
    response = client.post(withdraw_path, {"reason": "店铺歇业"})
    assert response.status_code == 200
    pledge.refresh_from_db()
    assert pledge.state == PledgeState.WITHDRAWN
    entry = log_entries(pledge)[-1]
    assert entry.action == "pledges.withdraw" and entry.user is None
    assert entry.data == {"by": "merchant", "reason": "店铺歇业"}
    assert client.post(withdraw_path).status_code == 200  # a second click is answered kindly
    tampered = withdraw_path.replace("/withdraw/", "/withdraw/A")
    assert client.get(tampered).status_code == 404


def test_the_daily_command_expires_pledges_past_their_validity(db):
    past = factories.PledgeFactory(state=PledgeState.APPROVED)
    Pledge.objects.filter(pk=past.pk).update(valid_until=timezone.localdate() - datetime.timedelta(days=1))
    current = factories.PledgeFactory(state=PledgeState.APPROVED)
    call_command("expire_pledges", stdout=open("/dev/null", "w"))
    assert Pledge.objects.get(pk=past.pk).state == PledgeState.EXPIRED
    assert Pledge.objects.get(pk=current.pk).state == PledgeState.APPROVED
    assert log_entries(past)[-1].action == "pledges.expire"


def test_unconfirmed_pledges_are_purged_after_the_link_expires(db):
    old = factories.PledgeFactory(state=PledgeState.SUBMITTED)
    Pledge.objects.filter(pk=old.pk).update(created_at=timezone.now() - datetime.timedelta(hours=49))
    fresh = factories.PledgeFactory(state=PledgeState.SUBMITTED)
    confirmed = factories.PledgeFactory(state=PledgeState.CONFIRMED)
    Pledge.objects.filter(pk=confirmed.pk).update(created_at=timezone.now() - datetime.timedelta(days=9))
    call_command("purge_unconfirmed_pledges", stdout=open("/dev/null", "w"))
    assert set(Pledge.objects.values_list("pk", flat=True)) == {fresh.pk, confirmed.pk}


def test_a_confirmation_token_names_one_pledge_and_cannot_be_used_for_withdrawal(db):
    pledge = factories.PledgeFactory()
    token = services.confirmation_token(pledge)
    assert services.pledge_for_confirmation_token(token) == pledge
    with pytest.raises(signing.BadSignature):
        services.pledge_for_withdrawal_token(token)


def test_every_pledge_action_has_a_label_in_the_admin_history(db):
    for action in ("submit", "confirm", "approve", "revoke", "withdraw", "expire"):
        assert log_registry.action_exists(f"pledges.{action}")


def test_a_merchant_whose_pledge_expired_or_was_withdrawn_can_sign_and_confirm_again(client, pledge_page):
    old = factories.PledgeFactory(credit_code=VALID_CODE, state=PledgeState.EXPIRED)
    confirm_path = sign(client, pledge_page)
    client.post(confirm_path)
    assert Pledge.objects.get(credit_code=VALID_CODE, state=PledgeState.CONFIRMED).pk != old.pk
