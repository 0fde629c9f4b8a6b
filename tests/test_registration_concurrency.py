"""Capacity under load, on SQLite and on PostgreSQL: many residents press "register" or "cancel"
at the same moment, each request in its own thread with its own connection, also while a feed
import is writing. Nobody gets a server error, nobody is lost, no seat is counted twice.

On SQLite every transaction takes the write lock when it begins and waits its turn (the busy
timeout); the import commits one batch at a time, so the requests wait only for that."""

import threading

import pytest
from django.db import connections
from django.test import Client

from integrity_site.demo.feedgen import generate_feed
from integrity_site.events.records import Registration, RegistrationStatus, SeatPool
from integrity_site.events.services import register
from publicity.importer import FeedImport
from publicity.records import PublicityRecord
from tests import factories
from tests.contention import WAIT_SECONDS, run_together

pytestmark = [pytest.mark.django_db(transaction=True, serialized_rollback=True)]


@pytest.fixture
def lecture(home_page):
    lectures = factories.LectureIndexPageFactory(parent=home_page)
    return factories.LecturePageFactory(
        parent=lectures,
        title="诚信与生活",
        slug="talk",
        registration_enabled=True,
        capacity=30,
    )


def fill(lecture, count):
    for n in range(count):
        register(lecture, name=f"早到{n}", mobile=f"139{n:08d}")


def post_registration(lecture, i, join_waiting_list):
    client = Client(REMOTE_ADDR=f"10.0.{i // 250}.{i % 250}")
    data = {"name": f"居民{i}", "mobile": f"138{i:08d}", "consent": "on", "submission_token": f"form-{i}"}
    if join_waiting_list:
        data["join_waiting_list"] = "on"
    return client.post(lecture.url, data).status_code


def test_fifty_people_for_the_last_ten_seats_confirms_exactly_ten(lecture):
    fill(lecture, 20)
    statuses = run_together(50, lambda i: post_registration(lecture, i, join_waiting_list=False))
    assert statuses.count(303) == 10
    assert statuses.count(409) == 40  # told the event is full and offered the waiting list
    assert Registration.objects.filter(event=lecture, status=RegistrationStatus.CONFIRMED).count() == 30
    assert SeatPool.objects.get(event=lecture).seats_taken == 30


def test_with_the_waiting_list_nobody_is_lost(lecture):
    fill(lecture, 20)
    statuses = run_together(50, lambda i: post_registration(lecture, i, join_waiting_list=True))
    assert statuses.count(303) == 50
    newcomers = Registration.objects.filter(event=lecture, mobile__startswith="138")
    assert newcomers.count() == 50
    assert newcomers.filter(status=RegistrationStatus.CONFIRMED).count() == 10
    assert newcomers.filter(status=RegistrationStatus.WAITING).count() == 40
    assert SeatPool.objects.get(event=lecture).seats_taken == 30


def test_simultaneous_cancellations_promote_each_waiting_person_once(lecture):
    fill(lecture, 30)
    waiting = [
        register(lecture, name=f"等候{n}", mobile=f"137{n:08d}", join_waiting_list=True).registration
        for n in range(15)
    ]
    cancelling = list(Registration.objects.filter(event=lecture, status=RegistrationStatus.CONFIRMED)[:10])

    def cancel_by_link(i):
        registration = cancelling[i]
        client = Client(REMOTE_ADDR=f"10.1.0.{i}")
        return client.post(f"/registrations/{registration.code}/{registration.access_token}/").status_code

    assert run_together(10, cancel_by_link) == [303] * 10
    for registration in waiting:
        registration.refresh_from_db()
    assert [r.status for r in waiting] == [RegistrationStatus.CONFIRMED] * 10 + [
        RegistrationStatus.WAITING
    ] * 5
    confirmed = Registration.objects.filter(event=lecture, status=RegistrationStatus.CONFIRMED).count()
    assert confirmed == 30
    assert SeatPool.objects.get(event=lecture).seats_taken == 30


def test_the_same_mobile_number_sent_at_once_registers_once(lecture):
    def same_number(i):
        return register(lecture, name=f"居民{i}", mobile="13800138000").outcome.value

    outcomes = run_together(20, same_number)
    assert outcomes.count("confirmed") == 1
    assert outcomes.count("duplicate") == 19
    assert Registration.objects.filter(event=lecture).count() == 1
    assert SeatPool.objects.get(event=lecture).seats_taken == 1


def test_ten_simultaneous_cancellations_all_succeed_and_free_their_seats(lecture):
    fill(lecture, 30)
    cancelling = list(Registration.objects.filter(event=lecture, status=RegistrationStatus.CONFIRMED)[:10])

    def cancel_by_link(i):
        registration = cancelling[i]
        client = Client(REMOTE_ADDR=f"10.2.0.{i}")
        return client.post(f"/registrations/{registration.code}/{registration.access_token}/").status_code

    assert run_together(10, cancel_by_link) == [303] * 10
    assert Registration.objects.filter(event=lecture, status=RegistrationStatus.CANCELLED).count() == 10
    assert Registration.objects.filter(event=lecture, status=RegistrationStatus.CONFIRMED).count() == 20
    assert SeatPool.objects.get(event=lecture).seats_taken == 20


class ImportThatSaysWhenItWrites(FeedImport):
    """Sets ``writing`` from inside its first transaction, while it holds the write lock (SQLite)."""

    def __init__(self, *args, writing, **kwargs):
        super().__init__(*args, **kwargs)
        self.writing = writing

    def write(self, records):
        self.writing.set()
        super().write(records)


def test_registrations_while_a_feed_import_writes_all_succeed(lecture, tmp_path):
    path = tmp_path / "licences.csv"
    generate_feed(path, "licence", 6000, seed=31)
    writing = threading.Event()
    outcome = {}

    def import_feed():
        try:
            outcome["summary"] = ImportThatSaysWhenItWrites(
                path,
                report_path=tmp_path / "rejected.csv",
                batch_size=500,
                reading_process=False,
                writing=writing,
            ).run()
        except Exception as error:  # noqa: BLE001 - reported below
            outcome["error"] = error
            writing.set()
        finally:
            connections.close_all()

    importer = threading.Thread(target=import_feed)
    importer.start()
    assert writing.wait(WAIT_SECONDS)
    # Released while the import is inside a transaction: the first requests wait for its commit.
    statuses = run_together(30, lambda i: post_registration(lecture, i, join_waiting_list=False))
    importer.join(WAIT_SECONDS)

    assert "error" not in outcome, outcome
    assert statuses == [303] * 30
    assert Registration.objects.filter(event=lecture, status=RegistrationStatus.CONFIRMED).count() == 30
    assert SeatPool.objects.get(event=lecture).seats_taken == 30
    summary = outcome["summary"]
    assert summary.rows == 6000
    assert PublicityRecord.objects.count() == summary.created == 6000 - summary.rejected
