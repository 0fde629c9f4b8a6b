"""Names are text: every name a resident, merchant or editor types refuses control and invisible
format characters with a clear message, and one bad value already stored never breaks a feed or
an export for everybody."""

import csv
import datetime
import io
import json
import xml.etree.ElementTree as ET

import pytest
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from openpyxl import load_workbook

from integrity_site.core.feeds import PrintableRss201rev2Feed
from integrity_site.core.text import printable, validate_name_text
from integrity_site.events.records import Registration
from integrity_site.events.services import register
from pledges.records import Pledge, PledgeState
from tests import factories
from tests.test_pledge_signing import signing_data

pytestmark = pytest.mark.django_db

CONTROL_NAME = "张\x07\x1b伟"  # the reported name: BEL and ESC inside
ZERO_WIDTH_ONLY = "\u200b\u200c\u200d\ufeff"
RTL_OVERRIDE = "\u202e伟张"  # a lone right-to-left override

REFUSED = [
    CONTROL_NAME,
    ZERO_WIDTH_ONLY,
    RTL_OVERRIDE,
    "张伟\u202c",  # a lone pop of a directional formatting
    "张\u2067伟",  # a lone right-to-left isolate
    "张\u200b伟",  # a zero-width space inside
    "\u3164",  # the Hangul filler: a letter that shows nothing
    "\u2800\u2800",  # braille blanks
    "张\n伟",
    "张\t伟",
    "张\u2028伟",
    "\u3000 \u00a0",  # white space only
]
ACCEPTED = [
    "张伟",
    "欧阳 娜娜",
    "张　伟",
    "Zhang Wei",
    "李秀英",
    "O'Brien-Smith",
    "王\ue000",
    "济南泉城（历下）超市",
]


@pytest.mark.parametrize("value", REFUSED)
def test_the_name_rule_refuses_control_format_and_invisible_characters(value):
    with pytest.raises(ValidationError) as refused:
        validate_name_text(value)
    assert refused.value.code in ("invisible_characters", "no_visible_characters")


@pytest.mark.parametrize("value", ACCEPTED)
def test_the_name_rule_keeps_ordinary_names_and_spaces(value):
    validate_name_text(value)


def test_printable_drops_only_what_xml_and_xlsx_cannot_hold():
    assert printable(CONTROL_NAME) == "张伟"
    assert printable("a\tb\nc\rd\x00\x08\x0b\x0c\x0e\x1f\ufffe\uffff") == "a\tb\nc\rd"
    assert printable("\u202e伟张") == "\u202e伟张"  # legal in XML: the name rule refuses it on input
    assert printable(None) is None and printable(3) == 3
    assert printable(datetime.date(2026, 1, 1)) == datetime.date(2026, 1, 1)


def test_the_printable_feed_writes_what_django_would_refuse():
    feed = PrintableRss201rev2Feed(title=CONTROL_NAME, link="/", description="\x1b", categories=["\x07x"])
    feed.add_item(title=CONTROL_NAME, link="/a/", description="说明\x00", categories=("\x07y",))
    root = ET.fromstring(feed.writeString("utf-8"))
    assert root.find("channel/title").text == "张伟"
    assert root.find("channel/item/title").text == "张伟"


# --- forms in the language of the page --------------------------------------------------


@pytest.mark.parametrize("field", ["merchant_name", "contact_person", "signatory_name", "address"])
@pytest.mark.parametrize("value", [CONTROL_NAME, ZERO_WIDTH_ONLY, RTL_OVERRIDE])
def test_the_pledge_form_refuses_such_names_in_chinese(client, pledge_page, field, value):
    response = client.post(pledge_page.url, signing_data(**{field: value}))
    assert response.status_code == 200
    assert field in response.context["form"].errors
    content = response.content.decode()
    assert "请删除控制字符和不可见的格式字符" in content or "请填写可见的文字" in content
    assert not Pledge.objects.exists()


def test_the_pledge_form_says_it_in_english_on_english_pages(client, pledge_page, en_locale):
    from integrity_site.core.translation import translate_object

    english = translate_object(pledge_page, en_locale, {})
    response = client.post(english.url, signing_data(merchant_name=CONTROL_NAME))
    assert "Please remove control characters" in response.content.decode()


@pytest.fixture
def lecture(home_page):
    lectures = factories.LectureIndexPageFactory(parent=home_page)
    return factories.LecturePageFactory(
        parent=lectures, title="诚信与生活", slug="talk", registration_enabled=True, capacity=5
    )


@pytest.mark.parametrize("value", [CONTROL_NAME, ZERO_WIDTH_ONLY, RTL_OVERRIDE])
def test_the_registration_form_refuses_such_names(client, lecture, value):
    data = {"name": value, "mobile": "13800138000", "consent": "on", "submission_token": "t-1"}
    response = client.post(lecture.url, data)
    assert response.status_code == 200
    assert "name" in response.context["registration"]["form"].errors
    assert not Registration.objects.exists()


def test_the_admin_refuses_them_too_through_the_model_fields(client, admin_user):
    pledge = factories.PledgeFactory(state=PledgeState.CONFIRMED)
    client.force_login(admin_user)
    response = client.post(
        f"/admin/snippets/pledges/pledge/edit/{pledge.pk}/",
        {
            "merchant_name": CONTROL_NAME,
            "entity_kind": pledge.entity_kind,
            "industry": pledge.industry,
            "subdistrict": pledge.subdistrict,
            "address": pledge.address,
        },
    )
    assert response.status_code == 200  # the form again, with the error
    pledge.refresh_from_db()
    assert pledge.merchant_name != CONTROL_NAME
    for field in ("merchant_name", "address", "contact_person", "signatory_name"):
        with pytest.raises(ValidationError):
            Pledge._meta.get_field(field).run_validators(RTL_OVERRIDE)


def test_honour_entry_names_follow_the_same_rule(home_page):
    from honours.models import HonourEntry

    for field in ("name", "organisation"):
        with pytest.raises(ValidationError):
            HonourEntry._meta.get_field(field).run_validators(CONTROL_NAME)
        HonourEntry._meta.get_field(field).run_validators("历下区诚信示范单位")


# --- one bad stored row breaks nothing --------------------------------------------------------


@pytest.fixture
def bad_pledge(pledge_page):
    """Stored directly, as before the rule (or by a script): the rule never saw it."""
    return factories.PledgeFactory(
        state=PledgeState.APPROVED,
        merchant_name=CONTROL_NAME,
        address="泉城路\x0b1号",
        contact_person="\x1b赵",
    )


def test_the_pledge_rss_answers_and_parses(client, pledge_page, bad_pledge):
    response = client.get(pledge_page.url + "feed/")
    assert response.status_code == 200
    titles = [item.findtext("title") for item in ET.fromstring(response.content).iter("item")]
    assert titles == ["张伟"]


def test_the_pledge_register_json_answers_and_parses(client, pledge_page, bad_pledge):
    response = client.get(pledge_page.url + "register/json/")
    assert response.status_code == 200
    record = json.loads(response.content)["results"][0]
    assert record["承诺人名称"] == "张伟"
    assert client.get(pledge_page.url + "register/").status_code == 200


@pytest.mark.parametrize("file_format", ["xlsx", "csv"])
def test_the_pledge_exports_answer_and_open(client, admin_user, bad_pledge, file_format):
    client.force_login(admin_user)  # with personal data: the contact person is exported too
    response = client.get("/admin/snippets/pledges/pledge/", {"export": file_format})
    assert response.status_code == 200
    body = b"".join(response.streaming_content) if response.streaming else response.content
    if file_format == "xlsx":
        rows = [[cell.value for cell in row] for row in load_workbook(io.BytesIO(body)).active.iter_rows()]
    else:
        rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))
    flat = [str(value) for row in rows for value in row if value is not None]
    assert "张伟" in flat and "赵" in flat


@pytest.fixture
def bad_event(home_page):
    lectures = factories.LectureIndexPageFactory(parent=home_page)
    venue = factories.VenueFactory(name="宽厚里\x07活动室", address="宽厚里\x1b3号")
    talk = factories.LecturePageFactory(
        parent=lectures,
        title="诚信\x07讲座",
        slug="talk",
        venue=venue,
        summary="第一行\x1b",
        registration_enabled=True,
        capacity=5,
        start_at=datetime.datetime(2031, 5, 20, 6, 30, tzinfo=datetime.UTC),
        end_at=datetime.datetime(2031, 5, 20, 8, 0, tzinfo=datetime.UTC),
    )
    return lectures, talk


def test_the_events_rss_answers_and_parses(client, bad_event):
    lectures, _talk = bad_event
    response = client.get(lectures.url + "rss/")
    assert response.status_code == 200
    item = ET.fromstring(response.content).find("channel/item")
    assert item.findtext("title") == "诚信讲座"
    assert "宽厚里活动室" in item.findtext("description")


def test_the_events_icalendar_answers(client, bad_event):
    lectures, talk = bad_event
    assert client.get(lectures.url + "ical/").status_code == 200
    assert client.get(talk.url + "ics/").status_code == 200


def test_the_events_icalendar_holds_no_control_characters(client, bad_event):
    lectures, talk = bad_event
    for url in (lectures.url + "ical/", talk.url + "ics/"):
        text = client.get(url).content.decode()
        assert "\x07" not in text and "\x1b" not in text


def test_the_registrations_xlsx_export_answers_and_opens(client, django_user_model, bad_event):
    _lectures, talk = bad_event
    register(talk, name="张伟", mobile="13800138000")
    Registration.objects.update(name=CONTROL_NAME)  # stored directly, past the form's rule
    officer = django_user_model.objects.create_user("officer", password="pw")
    officer.groups.add(Group.objects.get(name="活动报名数据管理员"))
    client.force_login(officer)
    response = client.get(f"/admin/registrations/{talk.pk}/export/xlsx/")
    assert response.status_code == 200
    body = b"".join(response.streaming_content) if response.streaming else response.content
    load_workbook(io.BytesIO(body))
