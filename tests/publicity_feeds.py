"""Helpers for the publicity feed tests: write small feed files, run the import command."""

import io
import json

import pytest
from django.core.management import call_command

from integrity_site.demo.feedgen import PENALTY_CURRENT_COLUMNS, write_feed


@pytest.fixture(autouse=True)
def report_dir(settings, tmp_path):
    """Rejected-rows reports go to the test's own folder."""
    settings.PUBLICITY_REPORT_DIR = tmp_path / "reports"
    return settings.PUBLICITY_REPORT_DIR


def import_command(path, *arguments):
    """Run `manage.py import_publicity_feed`; (exit code, summary or None, stderr)."""
    stdout, stderr = io.StringIO(), io.StringIO()
    try:
        call_command("import_publicity_feed", str(path), *arguments, stdout=stdout, stderr=stderr)
        code = 0
    except SystemExit as exit:
        code = exit.code
    lines = stdout.getvalue().splitlines()
    return code, (json.loads(lines[-1]) if lines else None), stderr.getvalue(), lines


def run_import(path, *arguments):
    code, summary, stderr, lines = import_command(path, *arguments)
    assert code == 0, stderr
    assert len(lines) == 1, lines
    return summary


def penalty_row(**overrides):
    row = {
        "CF_XDR_MC": "济南泉城路伟明餐饮管理有限公司",
        "CF_XDR_LB": "法人及非法人组织",
        "CF_XDR_SHXYM": "91350100M000100Y43",
        "CF_FRDB": "王伟",
        "CF_WSH": "济历市监罚字〔2020〕101号",
        "CF_WFXW": "销售超过保质期的食品",
        "CF_SY": "当事人销售超过保质期的食品",
        "CF_YJ": "《中华人民共和国食品安全法》第一百二十四条",
        "CF_CFLB": "警告;罚款",
        "CF_NR": "警告并罚款",
        "CF_NR_FK": "0.5",
        "CF_JDRQ": "2020-11-02",
        "CF_YXQ": "2021-11-02",
        "CF_GSJZQ": "2021-11-02",
        "CF_CFJG": "济南市历下区市场监督管理局",
        "CF_CFJGDM": "11370102MB2854776P",
    }
    row.update(overrides)
    return row


def licence_row(**overrides):
    row = {
        "XK_XDR_MC": "济南解放路华丽商贸有限公司",
        "XK_XDR_LB": "法人及非法人组织",
        "XK_XDR_SHXYM": "914403001922038216",
        "XK_FRDB": "李丽",
        "XK_XKWS": "食品经营许可决定书",
        "XK_WSH": "济历审批许字〔2020〕2001号",
        "XK_XKLB": "普通",
        "XK_XKZS": "食品经营许可证",
        "XK_XKBH": "JY13701020012345",
        "XK_NR": "准予食品经营许可",
        "XK_JDRQ": "2020-11-20",
        "XK_YXQZ": "2020-11-20",
        "XK_YXQZI": "2025-11-19",
        "XK_XKJG": "济南市历下区行政审批服务局",
        "XK_XKJGDM": "11370102MB2855460X",
    }
    row.update(overrides)
    return row


def write_penalties(path, rows, **options):
    return write_feed(path, rows, PENALTY_CURRENT_COLUMNS, **options)


def make_record(**fields):
    """A stored publicity record (as an import would leave it)."""
    import datetime

    from django.utils import timezone

    from publicity.records import PublicityRecord

    defaults = {
        "kind": "penalty",
        "document_number": f"济历市监罚字〔2020〕{PublicityRecord.objects.count() + 1}号",
        "authority": "济南市历下区市场监督管理局",
        "subject_name": "济南泉城路伟明餐饮管理有限公司",
        "subject_category": "organisation",
        "credit_code": "91350100M000100Y43",
        "category": "警告;罚款",
        "decision_date": datetime.date(2020, 11, 2),
        "publicity_until": datetime.date(2099, 11, 2),
        "row_hash": "-",
        "first_imported_on": datetime.date(2020, 11, 3),
        "updated_at": timezone.now(),
    }
    defaults.update(fields)
    return PublicityRecord.objects.create(**defaults)
