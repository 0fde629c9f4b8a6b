"""Working days in mainland China: Monday to Friday, minus public holidays, plus the weekend days
the State Council makes working days (调休). Records should go online within seven working days of
the decision, so the import counts the late ones.

The tables hold the State Council's notices for the years the feed covers; add a year's notice
when it is published (``HOLIDAYS`` and ``EXTRA_WORKING_DAYS``). Years missing here count
Monday to Friday only.
"""

import datetime
import functools

REPORTING_WORKING_DAYS = 7


def _days(*spans):
    days = set()
    for first, last in spans:
        day = datetime.date.fromisoformat(first)
        while day <= datetime.date.fromisoformat(last):
            days.add(day)
            day += datetime.timedelta(days=1)
    return frozenset(days)


HOLIDAYS = _days(
    # 2020 (国办发明电〔2019〕16号, Spring Festival extended to 2 February)
    ("2020-01-01", "2020-01-01"), ("2020-01-24", "2020-02-02"), ("2020-04-04", "2020-04-06"),
    ("2020-05-01", "2020-05-05"), ("2020-06-25", "2020-06-27"), ("2020-10-01", "2020-10-08"),
    # 2021 (国办发明电〔2020〕27号)
    ("2021-01-01", "2021-01-03"), ("2021-02-11", "2021-02-17"), ("2021-04-03", "2021-04-05"),
    ("2021-05-01", "2021-05-05"), ("2021-06-12", "2021-06-14"), ("2021-09-19", "2021-09-21"),
    ("2021-10-01", "2021-10-07"),
)
EXTRA_WORKING_DAYS = _days(
    ("2020-01-19", "2020-01-19"), ("2020-04-26", "2020-04-26"), ("2020-05-09", "2020-05-09"),
    ("2020-06-28", "2020-06-28"), ("2020-09-27", "2020-09-27"), ("2020-10-10", "2020-10-10"),
    ("2021-02-07", "2021-02-07"), ("2021-02-20", "2021-02-20"), ("2021-04-25", "2021-04-25"),
    ("2021-05-08", "2021-05-08"), ("2021-09-18", "2021-09-18"), ("2021-09-26", "2021-09-26"),
    ("2021-10-09", "2021-10-09"),
)


def is_working_day(day):
    if day in EXTRA_WORKING_DAYS:
        return True
    return day.weekday() < 5 and day not in HOLIDAYS


def working_days_between(start, end):
    """Working days after ``start`` up to and including ``end``."""
    if end <= start:
        return 0
    # Whole weeks in one step keep this fast for old records; the tables are corrected exactly.
    days = (end - start).days
    weeks, rest = divmod(days, 7)
    count = weeks * 5
    day = start + datetime.timedelta(days=weeks * 7)
    for _offset in range(rest):
        day += datetime.timedelta(days=1)
        if day.weekday() < 5:
            count += 1
    for holiday in HOLIDAYS:
        if start < holiday <= end and holiday.weekday() < 5:
            count -= 1
    for extra in EXTRA_WORKING_DAYS:
        if start < extra <= end and extra.weekday() >= 5:
            count += 1
    return count


@functools.lru_cache(maxsize=65536)
def is_late(decision_date, imported_on):
    return working_days_between(decision_date, imported_on) > REPORTING_WORKING_DAYS
