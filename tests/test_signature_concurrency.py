"""Signing under load, on SQLite and on PostgreSQL: many residents press "sign" at the same
moment, each request in its own thread with its own connection. Nobody gets a server error,
each signature counts once, the count equals the signatures, and no two signers are told the
same place. (The test harness runs this module in its SQLite pass and in its PostgreSQL pass.)"""

import pytest
from django.test import Client

from campaigns import signing
from campaigns.signatures import Signature
from tests import factories
from tests.contention import run_together

pytestmark = [pytest.mark.django_db(transaction=True, serialized_rollback=True)]


@pytest.fixture
def campaign(home_page):
    index = factories.CampaignIndexPageFactory(parent=home_page)
    return factories.signing_campaign(index, signature_goal=None)


def post_signature(campaign, i, mobile):
    client = Client(REMOTE_ADDR=f"10.0.{i // 250}.{i % 250}")
    data = {
        "name": f"居民{i}",
        "subdistrict": ["解放路街道", "千佛山街道"][i % 2],
        "community": "宽厚里社区",
        "mobile": mobile,
        "consent": "on",
        "submission_token": f"form-{i}",
    }
    return client.post(campaign.url, data).status_code


def test_fifty_simultaneous_signers_give_fifty_signatures_and_a_count_of_fifty(campaign):
    statuses = run_together(50, lambda i: post_signature(campaign, i, f"138{i:08d}"))
    assert statuses == [303] * 50
    assert Signature.objects.filter(campaign=campaign).count() == 50
    assert signing.total_count(campaign) == 50
    assert sorted(area.total for area in signing.breakdown(campaign)) == [25, 25]
    # Each signer was told a place of their own: 1 to 50, none twice.
    assert sorted(Signature.objects.values_list("place", flat=True)) == list(range(1, 51))


def test_simultaneous_signers_after_earlier_ones_get_the_places_that_follow(campaign):
    for n in range(3):
        signing.sign(campaign, name=f"居民{n}", subdistrict="解放路街道", mobile=f"139{n:08d}")
    statuses = run_together(20, lambda i: post_signature(campaign, i, f"138{i:08d}"))
    assert statuses == [303] * 20
    places = Signature.objects.filter(mobile__startswith="138").values_list("place", flat=True)
    assert sorted(places) == list(range(4, 24))


def test_ten_simultaneous_signings_with_one_mobile_give_one_signature(campaign):
    statuses = run_together(10, lambda i: post_signature(campaign, i, "13800138000"))
    assert statuses.count(303) == 1
    assert statuses.count(409) == 9  # told the number has signed
    assert Signature.objects.filter(campaign=campaign).count() == 1
    assert signing.total_count(campaign) == 1


def test_simultaneous_withdrawals_of_one_signature_take_it_off_once(campaign):
    signatures = [
        signing.sign(campaign, name=f"居民{n}", subdistrict="解放路街道", mobile=f"139{n:08d}").signature
        for n in range(3)
    ]
    target = signatures[0]
    url = campaign.url + campaign.reverse_subpage("signature", args=[target.pk, target.access_token])

    def withdraw(i):
        return Client(REMOTE_ADDR=f"10.2.0.{i}").post(url, {"confirm": "on"}).status_code

    assert run_together(8, withdraw) == [303] * 8
    assert signing.total_count(campaign) == 2
