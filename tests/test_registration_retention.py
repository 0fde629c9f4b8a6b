"""Personal data of registrations is anonymised (or deleted) a set number of days
after the event, by a command that cron runs."""

import datetime
import io

import pytest
from django.core.management import call_command
from django.utils import timezone

from integrity_site.core.models import SiteSettings
from integrity_site.events.records import Registration, RegistrationStatus
from integrity_site.events.services import register
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def events(home_page, site):
    lectures = factories.LectureIndexPageFactory(parent=home_page)
    upcoming = factories.LecturePageFactory(parent=lectures, slug="upcoming", registration_enabled=True)
    long_ago = factories.LecturePageFactory(parent=lectures, slug="long-ago", registration_enabled=True)
    recent = factories.LecturePageFactory(parent=lectures, slug="recent", registration_enabled=True)
    for page in (upcoming, long_ago, recent):
        register(page, name="张三华", mobile="13800138000")
    now = timezone.now()
    for page, days_ago in ((long_ago, 40), (recent, 5)):
        page.start_at = now - datetime.timedelta(days=days_ago, hours=2)
        page.end_at = now - datetime.timedelta(days=days_ago)
        page.save()
    settings = SiteSettings.for_site(site)
    settings.personal_data_retention_days = 30
    settings.save()
    return upcoming, long_ago, recent


def purge(*args):
    output = io.StringIO()
    call_command("purge_registrations", *args, stdout=output)
    return output.getvalue()


def test_registrations_of_events_past_the_retention_period_are_anonymised(events):
    upcoming, long_ago, recent = events
    assert "1 registrations anonymised" in purge()
    old = Registration.objects.get(event=long_ago)
    assert old.name == "" and old.mobile == "" and old.anonymised_at is not None
    assert old.status == RegistrationStatus.CONFIRMED  # counts stay for statistics
    assert Registration.objects.get(event=recent).mobile == "13800138000"
    assert Registration.objects.get(event=upcoming).mobile == "13800138000"
    assert "0 registrations anonymised" in purge()


def test_the_period_can_be_given_and_rows_deleted(events):
    upcoming, long_ago, recent = events
    assert "would be deleted" in purge("--days", "1", "--delete", "--dry-run")
    assert Registration.objects.count() == 3
    purge("--days", "1", "--delete")
    assert list(Registration.objects.values_list("event_id", flat=True)) == [upcoming.pk]


def test_each_event_purged_gets_one_audit_log_entry_with_the_count(events):
    from wagtail.models import PageLogEntry

    upcoming, long_ago, recent = events
    Registration.objects.create(
        event=long_ago,
        code="ABCDEFGH",
        access_token="x",
        name="李四",
        mobile="13700137000",
        status=RegistrationStatus.CONFIRMED,
    )
    purge()
    (entry,) = PageLogEntry.objects.filter(action="events.anonymise")
    assert entry.page_id == long_ago.pk and entry.user_id is None
    assert entry.data == {"count": 2, "retention_days": 30}
    assert entry.message == "保存期限届满，2条报名记录的个人信息已匿名化"
    purge()  # nothing left to anonymise: nothing logged
    assert PageLogEntry.objects.filter(action="events.anonymise").count() == 1

    purge("--days", "1", "--dry-run", "--delete")
    assert not PageLogEntry.objects.filter(action="events.delete_registrations").exists()
    purge("--days", "1", "--delete")
    entries = PageLogEntry.objects.filter(action="events.delete_registrations").order_by("page_id")
    assert [(entry.page_id, entry.data["count"]) for entry in entries] == [(long_ago.pk, 2), (recent.pk, 1)]
    for entry in PageLogEntry.objects.filter(action__startswith="events."):
        assert "张三华" not in str(entry.data) and "13800138000" not in str(entry.data)
