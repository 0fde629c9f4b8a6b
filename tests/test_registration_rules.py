"""The rules of registration, through the shared service that lectures and
volunteer events both use: seats, the waiting list, duplicates, opening times."""

import datetime

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from integrity_site.core.translation import translate_object
from integrity_site.events.records import Registration, RegistrationStatus, SeatPool
from integrity_site.events.services import (
    CODE_ALPHABET,
    CancelOutcome,
    Outcome,
    cancel,
    normalize_mobile,
    pools_for,
    promote_waiting_list,
    register,
    waiting_position,
)
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def lectures(home_page):
    return factories.LectureIndexPageFactory(parent=home_page)


@pytest.fixture
def lecture(lectures):
    return factories.LecturePageFactory(
        parent=lectures,
        title="诚信与生活",
        slug="talk",
        registration_enabled=True,
        capacity=3,
        max_companions=2,
    )


def mobile(n):
    return f"138{n:08d}"


def sign_up(page, n, **kwargs):
    return register(page, name=f"居民{n}", mobile=mobile(n), **kwargs)


def test_a_resident_gets_a_confirmed_place_and_an_eight_character_code(lecture):
    result = sign_up(lecture, 1)
    assert result.outcome == Outcome.CONFIRMED
    registration = result.registration
    assert registration.status == RegistrationStatus.CONFIRMED
    assert len(registration.code) == 8
    assert set(registration.code) <= set(CODE_ALPHABET)
    assert not set("0O1I") & set(CODE_ALPHABET)
    assert len(registration.access_token) >= 32
    assert SeatPool.objects.get(event=lecture).seats_taken == 1


def test_companions_take_seats_too(lecture):
    assert sign_up(lecture, 1, companions=2).outcome == Outcome.CONFIRMED
    assert sign_up(lecture, 2).outcome == Outcome.FULL
    assert SeatPool.objects.get(event=lecture).seats_taken == 3


def test_companions_are_capped_by_what_the_editor_allows(lecture):
    registration = sign_up(lecture, 1, companions=9).registration
    assert registration.companions == 2


def test_when_the_event_is_full_people_are_offered_the_waiting_list(lecture):
    for n in range(3):
        assert sign_up(lecture, n).outcome == Outcome.CONFIRMED
    assert sign_up(lecture, 10).outcome == Outcome.FULL
    assert not Registration.objects.filter(mobile=mobile(10)).exists()
    waiting = sign_up(lecture, 10, join_waiting_list=True)
    assert waiting.outcome == Outcome.WAITING
    assert waiting_position(waiting.registration) == 1
    assert waiting_position(sign_up(lecture, 11, join_waiting_list=True).registration) == 2


def test_a_cancellation_promotes_the_first_person_waiting(lecture):
    first = [sign_up(lecture, n).registration for n in range(3)]
    waiting_first = sign_up(lecture, 10, join_waiting_list=True).registration
    waiting_second = sign_up(lecture, 11, join_waiting_list=True).registration
    outcome, promoted = cancel(first[0])
    assert outcome == CancelOutcome.CANCELLED
    assert promoted == [waiting_first]
    waiting_first.refresh_from_db()
    waiting_second.refresh_from_db()
    assert waiting_first.status == RegistrationStatus.CONFIRMED
    assert waiting_second.status == RegistrationStatus.WAITING
    assert waiting_position(waiting_second) == 1
    assert SeatPool.objects.get(event=lecture).seats_taken == 3


def test_the_waiting_list_is_a_queue_nobody_jumps(lecture):
    for n in range(3):
        sign_up(lecture, n)
    big_party = sign_up(lecture, 10, companions=2, join_waiting_list=True).registration
    single = sign_up(lecture, 11, join_waiting_list=True).registration
    cancel(Registration.objects.get(mobile=mobile(0)))
    big_party.refresh_from_db()
    single.refresh_from_db()
    assert big_party.status == single.status == RegistrationStatus.WAITING
    cancel(Registration.objects.get(mobile=mobile(1)))
    cancel(Registration.objects.get(mobile=mobile(2)))
    big_party.refresh_from_db()
    assert big_party.status == RegistrationStatus.CONFIRMED


def test_cancelling_a_waiting_registration_frees_no_seat(lecture):
    for n in range(3):
        sign_up(lecture, n)
    waiting = sign_up(lecture, 10, join_waiting_list=True).registration
    assert cancel(waiting)[0] == CancelOutcome.CANCELLED
    assert SeatPool.objects.get(event=lecture).seats_taken == 3


def test_cancelling_twice_is_harmless(lecture):
    registration = sign_up(lecture, 1).registration
    assert cancel(registration)[0] == CancelOutcome.CANCELLED
    assert cancel(registration)[0] == CancelOutcome.ALREADY_CANCELLED
    assert SeatPool.objects.get(event=lecture).seats_taken == 0


def test_after_the_start_a_registration_can_no_longer_be_cancelled(lecture):
    registration = sign_up(lecture, 1).registration
    later = lecture.start_at + datetime.timedelta(minutes=1)
    assert cancel(registration, now=later)[0] == CancelOutcome.EVENT_STARTED


def test_nobody_registers_twice_with_the_same_mobile_number(lecture):
    assert sign_up(lecture, 1).outcome == Outcome.CONFIRMED
    again = register(lecture, name="别人", mobile="+86 138-0000-0001")
    assert again.outcome == Outcome.DUPLICATE
    assert Registration.objects.filter(event=lecture).count() == 1
    assert SeatPool.objects.get(event=lecture).seats_taken == 1


def test_the_database_refuses_a_second_active_registration_for_a_mobile_number(lecture):
    registration = sign_up(lecture, 1).registration
    with pytest.raises(IntegrityError), transaction.atomic():
        Registration.objects.create(
            event=lecture,
            code="ABCDEFGH",
            access_token="x",
            name="x",
            mobile=registration.mobile,
            status=RegistrationStatus.WAITING,
        )


def test_after_cancelling_the_same_number_may_register_again(lecture):
    cancel(sign_up(lecture, 1).registration)
    assert sign_up(lecture, 1).outcome == Outcome.CONFIRMED


def test_the_same_form_sent_twice_gives_back_the_first_registration(lecture):
    first = sign_up(lecture, 1, submission_token="form-1")
    second = sign_up(lecture, 1, submission_token="form-1")
    assert second.outcome == Outcome.ALREADY_SUBMITTED
    assert second.registration == first.registration
    assert Registration.objects.count() == 1


def test_registration_opens_and_closes_when_the_editor_says(lecture):
    now = timezone.now()
    lecture.registration_opens_at = now + datetime.timedelta(hours=1)
    lecture.save()
    assert sign_up(lecture, 1).outcome == Outcome.NOT_OPEN
    lecture.registration_opens_at = now - datetime.timedelta(hours=2)
    lecture.registration_closes_at = now - datetime.timedelta(hours=1)
    lecture.save()
    assert sign_up(lecture, 1).outcome == Outcome.CLOSED
    lecture.registration_closes_at = None
    lecture.save()
    assert sign_up(lecture, 1).outcome == Outcome.CONFIRMED


def test_registration_closes_when_the_event_starts(lecture):
    assert sign_up(lecture, 1, now=lecture.start_at).outcome == Outcome.CLOSED
    lecture.registration_closes_at = lecture.start_at + datetime.timedelta(days=1)
    lecture.save()
    assert sign_up(lecture, 1, now=lecture.start_at + datetime.timedelta(minutes=5)).outcome == Outcome.CLOSED


def test_events_without_online_registration_take_none(lectures):
    lecture = factories.LecturePageFactory(parent=lectures, registration_enabled=False, capacity=10)
    assert sign_up(lecture, 1).outcome == Outcome.CLOSED


def test_an_event_without_a_seat_limit_takes_everyone(lectures):
    lecture = factories.LecturePageFactory(parent=lectures, registration_enabled=True, capacity=None)
    for n in range(5):
        assert sign_up(lecture, n).outcome == Outcome.CONFIRMED
    assert pools_for(lecture)[0].seats_left is None


def test_each_volunteer_role_has_its_own_places(home_page):
    campaigns = factories.CampaignIndexPageFactory(parent=home_page)
    event = factories.VolunteerEventPageFactory(
        parent=campaigns,
        registration_enabled=True,
        roles=[("宣传员", 2), ("引导员", 1)],
    )
    promoter, guide = pools_for(event)
    assert (promoter.label, promoter.capacity, guide.label, guide.capacity) == ("宣传员", 2, "引导员", 1)
    assert sign_up(event, 1, role_key=guide.key).outcome == Outcome.CONFIRMED
    assert sign_up(event, 2, role_key=guide.key).outcome == Outcome.FULL
    assert sign_up(event, 2, role_key=promoter.key).outcome == Outcome.CONFIRMED
    assert sign_up(event, 3, role_key="no-such-role").outcome == Outcome.UNKNOWN_ROLE
    registration = Registration.objects.get(mobile=mobile(1))
    assert registration.role_name == "引导员"
    # One mobile number, one registration per event, whatever the role.
    assert sign_up(event, 1, role_key=promoter.key).outcome == Outcome.DUPLICATE


def test_the_english_page_shares_the_seats_of_the_chinese_one(lecture, en_locale):
    english = translate_object(lecture, en_locale, {"诚信与生活": "Integrity and life"})
    sign_up(lecture, 1)
    result = sign_up(english, 2, language="en")
    assert result.registration.event_id == lecture.pk
    assert pools_for(english)[0].seats_taken == 2
    sign_up(english, 3)
    assert sign_up(lecture, 4).outcome == Outcome.FULL


def test_adding_seats_moves_people_up_from_the_waiting_list(lecture):
    for n in range(3):
        sign_up(lecture, n)
    waiting = [sign_up(lecture, 10 + n, join_waiting_list=True).registration for n in range(3)]
    lecture.capacity = 5
    lecture.save()
    assert promote_waiting_list(lecture) == waiting[:2]
    assert SeatPool.objects.get(event=lecture).seats_taken == 5


@pytest.mark.parametrize(
    ("typed", "normalized"),
    [
        ("13800138000", "13800138000"),
        (" 138 0013 8000 ", "13800138000"),
        ("+86 13800138000", "13800138000"),
        ("008613800138000", "13800138000"),
        ("１３８００１３８０００", "13800138000"),
    ],
)
def test_mobile_numbers_are_normalized(typed, normalized):
    assert normalize_mobile(typed) == normalized


def test_publishing_more_seats_moves_people_up_from_the_waiting_list(lecture):
    for n in range(3):
        sign_up(lecture, n)
    waiting = sign_up(lecture, 10, join_waiting_list=True).registration
    lecture.capacity = 4
    lecture.save_revision().publish()
    waiting.refresh_from_db()
    assert waiting.status == RegistrationStatus.CONFIRMED
