"""Each pledge text counts its own versions (第1版, 第2版 …): certificates, the verification page and
the pledge page show the version a merchant signed, whatever else was saved or published meanwhile."""

import importlib

import pytest
from django.apps import apps
from django.utils import translation
from django.utils.formats import date_format
from django.utils.timezone import localtime

from pledges import services
from pledges.records import PledgeText, PledgeTextVersion
from pledges.texts import current_text_revision, signed_text
from tests import factories

pytestmark = pytest.mark.django_db


def test_each_publication_of_a_text_is_its_next_version(db):
    first = factories.publish_pledge_text()
    text = PledgeText.objects.get()
    text.save_revision()  # a draft in between counts for nothing
    second = factories.publish_pledge_text(title="新版承诺书", text=text)

    assert signed_text(first).version == 1
    assert signed_text(second).version == 2
    assert list(text.versions.order_by("number").values_list("revision_id", flat=True)) == [
        first.pk,
        second.pk,
    ]


def test_another_text_counts_from_one(db):
    factories.publish_pledge_text()
    factories.publish_pledge_text(text=PledgeText.objects.get())
    other = factories.publish_pledge_text(title="个体工商户诚信经营承诺书")

    assert signed_text(other).version == 1


def test_the_certificate_and_the_verification_page_show_the_version_signed(client, pledge_page, admin_user):
    pledge = factories.PledgeFactory(state="confirmed")
    services.approve_pledge(pledge, user=admin_user)
    factories.publish_pledge_text(title="新版承诺书", text=PledgeText.objects.get())
    published = localtime(pledge.text_revision.created_at)
    date = f"{published.year}年{published.month}月{published.day}日"

    certificate = client.get(pledge_page.url + f"certificate/{pledge.number}/").text
    assert f"第1版（{date}）" in certificate and "第2版" not in certificate
    verification = client.get(f"/v/{pledge.number}/").text
    assert f"第1版（{date}）" in verification
    # The pledge page offers the new text to sign.
    assert "承诺书版本：第2版" in client.get(pledge_page.url).text


def test_the_english_certificate_says_version_and_an_english_date(client, pledge_page, en_locale):
    from integrity_site.core.translation import translate_object

    pledge = factories.PledgeFactory(state="approved")
    english = translate_object(pledge_page, en_locale, {})
    content = client.get(english.url + f"certificate/{pledge.number}/").text
    with translation.override("en"):
        published = date_format(localtime(pledge.text_revision.created_at), "DATE_FORMAT")
    assert f"Version 1 ({published})" in content


def test_the_migration_numbers_the_texts_already_signed_in_order(db):
    first = factories.publish_pledge_text()
    text = PledgeText.objects.get()
    second = factories.publish_pledge_text(title="第二版", text=text)
    pledge = factories.PledgeFactory(state="approved", text_revision=first)
    PledgeTextVersion.objects.all().delete()  # as before the migration

    migration = importlib.import_module("pledges.migrations.0006_pledge_text_versions")
    migration.number_published_revisions(apps, None)

    pledge.refresh_from_db()
    assert signed_text(pledge.text_revision).version == 1
    assert signed_text(current_text_revision()).version == 2
    assert PledgeTextVersion.objects.get(revision=second).number == 2
