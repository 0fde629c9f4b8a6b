"""Credit-repair help under contention, on SQLite and on PostgreSQL (the test harness runs this
module in both passes): a double tap, or ten, makes one request; two editors moving one request
on at the same moment move it once."""

import pytest
from django.test import Client

from publicity import repair_help
from publicity.repair_help_records import RepairHelpRequest, RepairHelpStatus
from tests import factories
from tests.contention import run_together
from tests.publicity_feeds import make_record

pytestmark = [pytest.mark.django_db(transaction=True, serialized_rollback=True)]

CODE = "91350100M000100Y43"


@pytest.fixture
def publicity(home_page):
    page = factories.PublicityPageFactory(parent=home_page)
    make_record(document_number="济历市监罚字〔2020〕101号", credit_code=CODE)
    return page


def post_request(publicity, i):
    client = Client(REMOTE_ADDR=f"10.3.0.{i}")
    data = {
        "merchant_name": "济南泉城路伟明餐饮管理有限公司",
        "credit_code": CODE,
        "document_number": "济历市监罚字〔2020〕101号",
        "contact_name": "王伟",
        "mobile": "13800138000",
        "preferred_time": "any",
        "consent": "on",
        "submission_token": "one-form",
    }
    response = client.post(publicity.url + "repair-help/", data)
    return response.status_code, response.get("Location")


def test_ten_simultaneous_taps_on_send_make_one_request(publicity):
    results = run_together(10, lambda i: post_request(publicity, i))
    assert RepairHelpRequest.objects.count() == 1
    request = RepairHelpRequest.objects.get()
    # Every tap lands on the one request's confirmation.
    assert {status for status, _location in results} == {303}
    assert {location.split("/")[-3] for _status, location in results} == {request.reference}


def test_two_editors_moving_one_request_on_at_once_move_it_once(publicity, admin_user, django_user_model):
    other = django_user_model.objects.create_superuser("second-editor", "second@example.org", "pw")
    request = repair_help.submit(
        merchant_name="济南泉城路伟明餐饮管理有限公司",
        credit_code=CODE,
        contact_name="王伟",
        mobile="13800138000",
        preferred_time="any",
    ).request
    editors = [admin_user, other] * 3

    def move(i):
        stale = RepairHelpRequest.objects.get(pk=request.pk)
        try:
            repair_help.change_status(stale, "contacted", editors[i], f"第{i}次")
        except repair_help.TransitionError:
            return False
        return True

    assert sorted(run_together(6, move)) == [False] * 5 + [True]
    request.refresh_from_db()
    assert request.status == RepairHelpStatus.CONTACTED
    assert repair_help.history(request).filter(action=repair_help.STATUS_ACTION).count() == 1
