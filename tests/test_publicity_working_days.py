"""Chinese working days from the State Council's holiday notices, and the 7-working-day rule."""

import datetime

import pytest

from publicity.working_days import (
    COVERED_YEARS,
    EXTRA_WORKING_DAYS,
    HOLIDAYS,
    is_late,
    is_working_day,
    working_days_between,
)


def day(iso):
    return datetime.date.fromisoformat(iso)


@pytest.mark.parametrize(
    "holiday",
    [
        "2018-02-20",  # Tuesday, Spring Festival
        "2018-12-31",  # Monday, the 2019 notice's New Year, in December 2018
        "2019-05-02",  # Thursday, Labour Day as widened in March 2019
        "2022-10-05",  # Wednesday, National Day
        "2023-09-29",  # Friday, Mid-Autumn and National Day together
        "2024-02-16",  # Friday, Spring Festival
        "2025-02-04",  # Tuesday, the Spring Festival's eighth day from 2025
        "2025-05-05",  # Monday, Labour Day's fifth day from 2025
        "2025-10-08",  # Wednesday, National Day with Mid-Autumn
        "2026-02-23",  # Monday, the nine-day Spring Festival
        "2026-09-25",  # Friday, Mid-Autumn
    ],
)
def test_a_holiday_on_a_weekday_is_not_a_working_day(holiday):
    assert day(holiday).weekday() < 5
    assert not is_working_day(day(holiday))


@pytest.mark.parametrize(
    "make_up_day",
    [
        "2018-09-29",  # Saturday before National Day
        "2018-12-29",  # Saturday, the 2019 notice's make-up day
        "2019-05-05",  # Sunday after the widened Labour Day
        "2022-04-02",  # Saturday before Qingming
        "2023-06-25",  # Sunday after the Dragon Boat Festival
        "2024-02-18",  # Sunday after the Spring Festival
        "2025-01-26",  # Sunday before the Spring Festival
        "2026-01-04",  # Sunday after New Year
        "2026-02-28",  # Saturday after the Spring Festival
    ],
)
def test_a_make_up_weekend_day_is_a_working_day(make_up_day):
    assert day(make_up_day).weekday() >= 5
    assert is_working_day(day(make_up_day))


def test_saturday_1_february_2020_is_no_make_up_day_once_the_spring_festival_was_extended():
    assert not is_working_day(day("2020-02-01"))
    assert is_working_day(day("2020-02-03"))


def test_an_ordinary_weekday_in_a_covered_year_is_a_working_day():
    assert is_working_day(day("2022-12-30"))  # Friday before the 2023 New Year break
    assert is_working_day(day("2025-09-30"))  # Tuesday before National Day


@pytest.mark.parametrize(
    ("start", "end", "count"),
    [
        # 2019 Spring Festival 4–10 Feb, worked Sat 2 and Sun 3 Feb: 1, 2, 3, 11, 12, 13, 14 Feb
        ("2019-01-31", "2019-02-14", 7),
        # 2019 National Day 1–7 Oct, worked Sun 29 Sep and Sat 12 Oct: 29, 30 Sep, 8–12 Oct
        ("2019-09-27", "2019-10-12", 7),
        # 2023 Spring Festival 21–27 Jan, worked 28–29 Jan: 20, 28, 29, 30, 31 Jan, 1–3 Feb
        ("2023-01-19", "2023-02-03", 8),
        # 2023 Mid-Autumn and National Day 29 Sep–6 Oct, worked 7–8 Oct: 28 Sep, 7–13 Oct
        ("2023-09-27", "2023-10-13", 8),
        # 2024 Spring Festival 10–17 Feb, worked Sun 4 and Sun 18 Feb: 4, 5–9, 18, 19–23 Feb
        ("2024-02-02", "2024-02-23", 12),
        # 2024 National Day 1–7 Oct, worked Sun 29 Sep and Sat 12 Oct: 29, 30 Sep, 8–12, 14 Oct
        ("2024-09-27", "2024-10-14", 8),
        # 2025 Spring Festival 28 Jan–4 Feb, worked Sun 26 Jan and Sat 8 Feb: 26, 27 Jan, 5–8, 10 Feb
        ("2025-01-24", "2025-02-10", 7),
        # 2025 National Day 1–8 Oct, worked Sun 28 Sep and Sat 11 Oct: 28–30 Sep, 9–11, 13, 14 Oct
        ("2025-09-26", "2025-10-14", 8),
        # 2026 Spring Festival 15–23 Feb, worked Sat 14 and Sat 28 Feb: 13, 14, 24–28 Feb, 2 Mar
        ("2026-02-12", "2026-03-02", 8),
        # 2026 Mid-Autumn 25–27 Sep and National Day 1–7 Oct, worked Sun 20 Sep and Sat 10 Oct:
        # 20–24, 28–30 Sep, 8–10, 12 Oct
        ("2026-09-18", "2026-10-12", 12),
    ],
)
def test_working_days_between_counts_across_the_spring_festival_and_national_day(start, end, count):
    assert working_days_between(day(start), day(end)) == count


def test_working_days_between_agrees_with_counting_day_by_day_over_every_covered_year():
    start = day(f"{COVERED_YEARS[0]}-01-01") - datetime.timedelta(days=3)
    last = day(f"{COVERED_YEARS[-1]}-12-31")
    counted = 0
    end = start
    while end < last:
        end += datetime.timedelta(days=1)
        counted += is_working_day(end)
        if end.day in (1, 15):
            assert working_days_between(start, end) == counted, end


@pytest.mark.parametrize(
    ("decision", "on_time", "late"),
    [
        # 2019: Labour Day widened to 1–4 May, Sundays 28 April and 5 May worked.
        ("2019-04-26", "2019-05-08", "2019-05-09"),
        # 2023: Mid-Autumn and National Day 29 Sep–6 Oct, Saturday 7 and Sunday 8 October worked.
        ("2023-09-27", "2023-10-12", "2023-10-13"),
        # 2025: Spring Festival 28 Jan–4 Feb, Sunday 26 January and Saturday 8 February worked.
        ("2025-01-24", "2025-02-10", "2025-02-11"),
        # 2026: National Day 1–7 Oct, Saturday 10 October worked.
        ("2026-09-28", "2026-10-13", "2026-10-14"),
    ],
)
def test_a_record_is_late_from_the_eighth_working_day_after_a_decision_before_a_holiday(
    decision, on_time, late
):
    assert working_days_between(day(decision), day(on_time)) == 7
    assert not is_late(day(decision), day(on_time))
    assert working_days_between(day(decision), day(late)) == 8
    assert is_late(day(decision), day(late))


def test_the_tables_cover_every_year_from_2018_to_2026():
    assert list(COVERED_YEARS) == list(range(2018, 2027))


def test_a_year_outside_the_tables_counts_monday_to_friday_only():
    assert 2027 not in COVERED_YEARS
    assert is_working_day(day("2027-01-01"))  # a Friday, New Year's Day, but no notice here
    assert not is_working_day(day("2027-01-02"))
    assert working_days_between(day("2027-09-30"), day("2027-10-08")) == 6


@pytest.mark.parametrize("year", list(COVERED_YEARS))
def test_every_covered_year_has_its_notice_in_the_tables(year):
    holidays = {d for d in HOLIDAYS if d.year == year}
    assert {day(f"{year}-01-01"), day(f"{year}-05-01"), day(f"{year}-10-01")} <= holidays
    # New Year's Eve falls between 20 January and 19 February; the break is at least a week.
    spring = {d for d in holidays if day(f"{year}-01-20") <= d <= day(f"{year}-02-28")}
    assert len(spring) >= 7
    assert any(d.year == year for d in EXTRA_WORKING_DAYS)


def test_every_holiday_and_make_up_day_lies_in_a_covered_year_or_its_new_year_days():
    for listed in HOLIDAYS | EXTRA_WORKING_DAYS:
        in_year = listed.year in COVERED_YEARS
        new_year_days = listed.month == 12 and listed.day >= 29 and listed.year + 1 in COVERED_YEARS
        assert in_year or new_year_days, listed
        if listed.month == 12:
            # Only a new-year break reaches into December.
            assert listed.day >= 29, listed


def test_make_up_days_are_weekend_days():
    assert all(d.weekday() >= 5 for d in EXTRA_WORKING_DAYS), sorted(
        d for d in EXTRA_WORKING_DAYS if d.weekday() < 5
    )


def test_no_day_is_both_a_holiday_and_a_make_up_day():
    assert not HOLIDAYS & EXTRA_WORKING_DAYS
