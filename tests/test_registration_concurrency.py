"""Capacity under load, on the real PostgreSQL: many residents press "register"
at the same moment, each request in its own thread with its own connection."""

import threading

import pytest
from django.db import connections
from django.test import Client

from integrity_site.events.records import Registration, RegistrationStatus, SeatPool
from integrity_site.events.services import register
from tests import factories

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def run_together(count, work):
    """Run ``work(i)`` in ``count`` threads released at once; return their results."""
    barrier = threading.Barrier(count)
    results = [None] * count
    errors = []

    def target(i):
        try:
            barrier.wait()
            results[i] = work(i)
        except Exception as error:  # noqa: BLE001 - reported below
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=target, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors, errors
    return results


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
