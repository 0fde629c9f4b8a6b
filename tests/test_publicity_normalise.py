"""How each feed row is normalised and validated before it is stored."""

import datetime
from decimal import Decimal

import pytest

from publicity.layouts import (
    DISHONEST_LIST,
    LICENCE_CURRENT,
    PENALTY_2016,
    PENALTY_CURRENT,
    UnknownLayout,
    detect_layout,
    normalise_header,
)
from publicity.normalise import RowError, build_record, parse_amount, parse_date
from publicity.records import SubjectCategory
from tests.publicity_feeds import licence_row, penalty_row

TODAY = datetime.date(2020, 11, 30)


def problems(layout, row):
    fields, errors = build_record(layout, row, TODAY)
    assert fields is None
    return {column: str(reason) for column, _value, reason in errors}


def stored(layout, row):
    fields, errors = build_record(layout, row, TODAY)
    assert errors == []
    return fields


@pytest.mark.parametrize(
    "value",
    [
        "2020-11-02",
        "2020/11/02",
        "20201102",
        "2020年11月2日",
        "2020年11月02日",
        "2020-11-2",
        "44137",
        "44137.0",
        44137,
        44137.0,
        datetime.date(2020, 11, 2),
        datetime.datetime(2020, 11, 2, 9, 30),
        "2020-11-02 00:00:00",
        "２０２０－１１－０２",
        " 2020/11/02 ",
    ],
)
def test_dates_come_in_every_form_the_feeds_use(value):
    assert parse_date(value, "decision_date") == datetime.date(2020, 11, 2)


@pytest.mark.parametrize(
    "value", ["2020-02-30", "2021-02-29", "20201301", "2020年13月1日", "去年", "2020.11.02"]
)
def test_dates_that_do_not_exist_or_cannot_be_read_are_refused(value):
    with pytest.raises(RowError):
        parse_date(value, "decision_date")


@pytest.mark.parametrize(
    ("value", "amount"),
    [
        ("0.5", "0.500000"),
        ("1.5万元", "1.500000"),
        ("１.５", "1.500000"),
        ("1,200.25", "1200.250000"),
        (2, "2.000000"),
        (0.05, "0.050000"),
        ("", None),
    ],
)
def test_amounts_are_decimals_in_ten_thousand_yuan(value, amount):
    assert parse_amount(value, "fine_amount") == (Decimal(amount) if amount else None)


@pytest.mark.parametrize("value", ["五千元", "-1", "1.2.3", "abc"])
def test_amounts_that_are_not_numbers_are_refused(value):
    with pytest.raises(RowError):
        parse_amount(value, "fine_amount")


def test_full_width_text_is_folded_to_half_width_and_trimmed():
    fields = stored(
        PENALTY_CURRENT,
        penalty_row(
            CF_XDR_MC="  济南ＡＢＣ餐饮有限公司　",
            CF_XDR_SHXYM="９１３５０１００ｍ０００１００ｙ４３",
            CF_WSH="济历市监罚字（2020）１０１号",
        ),
    )

    assert fields["subject_name"] == "济南ABC餐饮有限公司"
    assert fields["credit_code"] == "91350100M000100Y43"
    assert fields["document_number"] == "济历市监罚字(2020)101号"


def test_required_columns_must_have_a_value():
    missing = problems(
        PENALTY_CURRENT, penalty_row(CF_XDR_MC=" ", CF_WSH="", CF_CFJG="", CF_GSJZQ="", CF_CFLB="")
    )

    # Without CF_GSJZQ the credit-repair rules give the end of publicity.
    assert set(missing) == {"CF_XDR_MC", "CF_WSH", "CF_CFJG", "CF_CFLB"}


def test_a_credit_code_with_a_wrong_check_character_is_refused():
    assert "CF_XDR_SHXYM" in problems(PENALTY_CURRENT, penalty_row(CF_XDR_SHXYM="91350100M000100Y44"))
    assert "CF_XDR_SHXYM" in problems(PENALTY_CURRENT, penalty_row(CF_XDR_SHXYM="91350100M000100Y4"))


def test_an_organisation_needs_a_credit_code():
    assert "CF_XDR_SHXYM" in problems(PENALTY_CURRENT, penalty_row(CF_XDR_SHXYM=""))


def test_an_individual_business_may_carry_the_placeholder_code():
    fields = stored(PENALTY_CURRENT, penalty_row(CF_XDR_LB="个体工商户", CF_XDR_SHXYM="00000000000000000x"))

    assert fields["subject_category"] == SubjectCategory.INDIVIDUAL_BUSINESS
    # Kept out of the code column: it would match every other placeholder business.
    assert fields["credit_code"] == ""


def test_the_placeholder_is_not_a_code_for_an_organisation():
    assert "CF_XDR_SHXYM" in problems(PENALTY_CURRENT, penalty_row(CF_XDR_SHXYM="00000000000000000X"))


def test_an_unknown_category_of_party_is_refused():
    assert "CF_XDR_LB" in problems(PENALTY_CURRENT, penalty_row(CF_XDR_LB="外星组织"))


def test_a_decision_in_the_future_is_refused():
    assert "CF_JDRQ" in problems(PENALTY_CURRENT, penalty_row(CF_JDRQ="2020-12-01"))
    assert stored(PENALTY_CURRENT, penalty_row(CF_JDRQ="2020-11-30"))["decision_date"] == TODAY


def test_publicity_cannot_end_before_the_decision():
    assert "CF_GSJZQ" in problems(PENALTY_CURRENT, penalty_row(CF_JDRQ="2020-11-02", CF_GSJZQ="2020-10-01"))


def test_a_licence_valid_for_the_long_term_has_no_end_date():
    assert stored(LICENCE_CURRENT, licence_row(XK_YXQZI="长期"))["valid_until"] is None


def test_a_2016_penalty_leaves_its_end_of_publicity_to_the_rules_and_its_two_categories_are_joined():
    fields = stored(
        PENALTY_2016,
        {
            "CF_WSH": "济历市监罚字〔2016〕9号",
            "CF_CFMC": "销售过期食品案",
            "CF_CFLB1": "警告",
            "CF_CFLB2": "罚款",
            "CF_XDR_MC": "济南燕山丽华商贸有限公司",
            "CF_XDR_SHXYM": "91350100M000100Y43",
            "CF_JDRQ": "2016-02-29",
            "CF_XZJG": "济南市历下区市场监督管理局",
        },
    )

    assert fields["category"] == "警告;罚款"
    # The layout has no 公示截止期: the credit-repair rules give it (test_publicity_repair_periods).
    assert fields["authority_until"] is None


def test_identity_numbers_are_never_kept():
    fields = stored(
        PENALTY_CURRENT,
        penalty_row(
            CF_XDR_MC="王芳",
            CF_XDR_LB="自然人",
            CF_XDR_SHXYM="",
            CF_XDR_ZJLX="身份证",
            CF_XDR_ZJHM="370102198001010022",
        ),
    )

    assert fields["subject_category"] == SubjectCategory.NATURAL_PERSON
    assert "370102198001010022" not in repr(fields)


def test_the_court_list_keeps_organisations_codes_and_drops_persons_numbers():
    row = {
        "INAME": "济南和平路明强建筑工程有限公司",
        "TYPE": "法人或其他组织",
        "CASECODE": "(2020)鲁0102执1号",
        "CARDNUM": "91230500MA1B3N1N2M",
        "COURTNAME": "济南市历下区人民法院",
        "PUBLISHDATE": "2020-06-01",
    }
    person = {
        "INAME": "李强",
        "TYPE": "自然人",
        "CASECODE": "(2020)鲁0102执2号",
        "CARDNUM": "3701021980****0011",
        "COURTNAME": "济南市历下区人民法院",
        "PUBLISHDATE": "2020-06-01",
    }

    assert stored(DISHONEST_LIST, row)["credit_code"] == "91230500MA1B3N1N2M"
    assert "3701021980****0011" not in repr(stored(DISHONEST_LIST, person))


def test_text_longer_than_its_column_is_refused():
    assert "CF_WSH" in problems(PENALTY_CURRENT, penalty_row(CF_WSH="号" * 200))


@pytest.mark.parametrize(
    "header", ["XK_WSH", " xk_wsh ", "ＸＫ＿ＷＳＨ", "XK_WSH 决定文书号", "\ufeffXK_WSH"]
)
def test_header_names_are_normalised(header):
    assert normalise_header(header) == "XK_WSH"


def test_a_header_of_no_known_layout_is_refused():
    with pytest.raises(UnknownLayout):
        detect_layout(["名称", "日期"])
