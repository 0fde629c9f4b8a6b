"""Working days in mainland China: Monday to Friday, minus public holidays, plus the weekend days
the State Council makes working days (调休). Records should go online within seven working days of
the decision, so the import counts the late ones.

The tables hold the State Council General Office's annual notices (国务院办公厅关于XXXX年部分节假日
安排的通知) for 2018 to 2026, ``COVERED_YEARS``: the feed's decisions start in 2018. Each notice
comes out late in the year before its year; add it to ``HOLIDAYS`` and ``EXTRA_WORKING_DAYS`` and
extend ``COVERED_YEARS``. A year outside ``COVERED_YEARS`` counts Monday to Friday only, so its
holidays count as working days (lateness is over-counted there); check
``day.year in COVERED_YEARS`` to tell.
"""

import datetime
import functools

REPORTING_WORKING_DAYS = 7
COVERED_YEARS = range(2018, 2027)


def _days(*spans):
    days = set()
    for first, last in spans:
        day = datetime.date.fromisoformat(first)
        while day <= datetime.date.fromisoformat(last):
            days.add(day)
            day += datetime.timedelta(days=1)
    return frozenset(days)


# Spans as each notice words them: "X月X日放假，与周末连休" is that one day, the weekend around it
# being off anyway. A notice's days in the December before its year are listed under its year.
HOLIDAYS = _days(
    # 2018 (国办发明电〔2017〕12号)
    ("2018-01-01", "2018-01-01"),
    ("2018-02-15", "2018-02-21"),
    ("2018-04-05", "2018-04-07"),
    ("2018-04-29", "2018-05-01"),
    ("2018-06-18", "2018-06-18"),
    ("2018-09-24", "2018-09-24"),
    ("2018-10-01", "2018-10-07"),
    # 2019 (国办发明电〔2018〕15号; Labour Day widened from 1 May to 1–4 May by 国办发明电〔2019〕3号)
    ("2018-12-30", "2019-01-01"),
    ("2019-02-04", "2019-02-10"),
    ("2019-04-05", "2019-04-05"),
    ("2019-05-01", "2019-05-04"),
    ("2019-06-07", "2019-06-07"),
    ("2019-09-13", "2019-09-13"),
    ("2019-10-01", "2019-10-07"),
    # 2020 (国办发明电〔2019〕16号, Spring Festival extended to 2 February by 国办发明电〔2020〕1号)
    ("2020-01-01", "2020-01-01"),
    ("2020-01-24", "2020-02-02"),
    ("2020-04-04", "2020-04-06"),
    ("2020-05-01", "2020-05-05"),
    ("2020-06-25", "2020-06-27"),
    ("2020-10-01", "2020-10-08"),
    # 2021 (国办发明电〔2020〕27号)
    ("2021-01-01", "2021-01-03"),
    ("2021-02-11", "2021-02-17"),
    ("2021-04-03", "2021-04-05"),
    ("2021-05-01", "2021-05-05"),
    ("2021-06-12", "2021-06-14"),
    ("2021-09-19", "2021-09-21"),
    ("2021-10-01", "2021-10-07"),
    # 2022 (国办发明电〔2021〕11号)
    ("2022-01-01", "2022-01-03"),
    ("2022-01-31", "2022-02-06"),
    ("2022-04-03", "2022-04-05"),
    ("2022-04-30", "2022-05-04"),
    ("2022-06-03", "2022-06-05"),
    ("2022-09-10", "2022-09-12"),
    ("2022-10-01", "2022-10-07"),
    # 2023 (国办发明电〔2022〕16号; Mid-Autumn and National Day run together)
    ("2022-12-31", "2023-01-02"),
    ("2023-01-21", "2023-01-27"),
    ("2023-04-05", "2023-04-05"),
    ("2023-04-29", "2023-05-03"),
    ("2023-06-22", "2023-06-24"),
    ("2023-09-29", "2023-10-06"),
    # 2024 (国办发明电〔2023〕7号)
    ("2024-01-01", "2024-01-01"),
    ("2024-02-10", "2024-02-17"),
    ("2024-04-04", "2024-04-06"),
    ("2024-05-01", "2024-05-05"),
    ("2024-06-10", "2024-06-10"),
    ("2024-09-15", "2024-09-17"),
    ("2024-10-01", "2024-10-07"),
    # 2025 (国办发明电〔2024〕12号), the first year under the amended 全国年节及纪念日放假办法
    # (国务院令第795号): the Spring Festival (from New Year's Eve) and Labour Day gain a day each.
    ("2025-01-01", "2025-01-01"),
    ("2025-01-28", "2025-02-04"),
    ("2025-04-04", "2025-04-06"),
    ("2025-05-01", "2025-05-05"),
    ("2025-05-31", "2025-06-02"),
    ("2025-10-01", "2025-10-08"),
    # 2026 (国办发明电〔2025〕7号)
    ("2026-01-01", "2026-01-03"),
    ("2026-02-15", "2026-02-23"),
    ("2026-04-04", "2026-04-06"),
    ("2026-05-01", "2026-05-05"),
    ("2026-06-19", "2026-06-21"),
    ("2026-09-25", "2026-09-27"),
    ("2026-10-01", "2026-10-07"),
)
# The weekend days each notice above makes working days.
EXTRA_WORKING_DAYS = _days(
    ("2018-02-11", "2018-02-11"),
    ("2018-02-24", "2018-02-24"),
    ("2018-04-08", "2018-04-08"),
    ("2018-04-28", "2018-04-28"),
    ("2018-09-29", "2018-09-30"),
    ("2018-12-29", "2018-12-29"),
    ("2019-02-02", "2019-02-03"),
    ("2019-04-28", "2019-04-28"),
    ("2019-05-05", "2019-05-05"),
    ("2019-09-29", "2019-09-29"),
    ("2019-10-12", "2019-10-12"),
    # Not Saturday 1 February 2020: the extension made it a holiday.
    ("2020-01-19", "2020-01-19"),
    ("2020-04-26", "2020-04-26"),
    ("2020-05-09", "2020-05-09"),
    ("2020-06-28", "2020-06-28"),
    ("2020-09-27", "2020-09-27"),
    ("2020-10-10", "2020-10-10"),
    ("2021-02-07", "2021-02-07"),
    ("2021-02-20", "2021-02-20"),
    ("2021-04-25", "2021-04-25"),
    ("2021-05-08", "2021-05-08"),
    ("2021-09-18", "2021-09-18"),
    ("2021-09-26", "2021-09-26"),
    ("2021-10-09", "2021-10-09"),
    ("2022-01-29", "2022-01-30"),
    ("2022-04-02", "2022-04-02"),
    ("2022-04-24", "2022-04-24"),
    ("2022-05-07", "2022-05-07"),
    ("2022-10-08", "2022-10-09"),
    ("2023-01-28", "2023-01-29"),
    ("2023-04-23", "2023-04-23"),
    ("2023-05-06", "2023-05-06"),
    ("2023-06-25", "2023-06-25"),
    ("2023-10-07", "2023-10-08"),
    ("2024-02-04", "2024-02-04"),
    ("2024-02-18", "2024-02-18"),
    ("2024-04-07", "2024-04-07"),
    ("2024-04-28", "2024-04-28"),
    ("2024-05-11", "2024-05-11"),
    ("2024-09-14", "2024-09-14"),
    ("2024-09-29", "2024-09-29"),
    ("2024-10-12", "2024-10-12"),
    ("2025-01-26", "2025-01-26"),
    ("2025-02-08", "2025-02-08"),
    ("2025-04-27", "2025-04-27"),
    ("2025-09-28", "2025-09-28"),
    ("2025-10-11", "2025-10-11"),
    ("2026-01-04", "2026-01-04"),
    ("2026-02-14", "2026-02-14"),
    ("2026-02-28", "2026-02-28"),
    ("2026-05-09", "2026-05-09"),
    ("2026-09-20", "2026-09-20"),
    ("2026-10-10", "2026-10-10"),
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
