"""A site installed from the release before the events app (the commit below) upgrades with
nothing lost: its database, with demo content, registrations, pledges, an imported feed and
cross-check hits, is built by that release's own code, then migrated by this one.

The old release is taken from this repository's history (``git archive``), so the test needs a
clone with history; a shallow clone fails it with the reason."""

import json
import os
import shutil
import subprocess
import sys
import tarfile
import uuid
from pathlib import Path

import pytest
from django.conf import settings

PROJECT_DIR = Path(__file__).resolve().parent.parent
# The last commit before venues, registrations and seat pools moved from ``core`` to ``events``
# and the pledge page from ``campaigns`` to ``pledges``.
OLD_RELEASE = "53821fee27b49852648c2354a8cb70020ad0e403"

# Run by the old release: fill its database the way its users did, and count what is there.
FILL_OLD_SITE = r"""
import datetime, json
from django.contrib.auth.models import Group, User
from django.core.management import call_command
from django.utils import timezone
from campaigns.models import PledgePage, VolunteerEventPage
from integrity_site.core.models import Venue
from integrity_site.core.registration.models import Registration, SeatPool
from integrity_site.core.registration.services import register
from lectures.models import LecturePage
from pledges.models import Pledge
from publicity.feedgen import PENALTY_CURRENT_COLUMNS, generate_feed, write_feed
from publicity.models import CrossCheckHit, PublicityRecord
from tests import factories

now = timezone.now()
soon = now + datetime.timedelta(days=20)
for model in (LecturePage, VolunteerEventPage):
    event = model.objects.filter(locale__language_code="zh-hans").first()
    model.objects.filter(pk=event.pk).update(
        registration_enabled=True, capacity=50, max_companions=2, registration_opens_at=None,
        registration_closes_at=None, start_at=soon, end_at=soon + datetime.timedelta(hours=2))
    event = model.objects.get(pk=event.pk)
    role = event.seat_pools()[0][0]
    for number in range(3):
        result = register(event, name=f"张{number}华", mobile=f"1380000000{number}", role_key=role, join_waiting_list=True)
        assert result.registration, result
factories.PledgeFactory(merchant_name="历下诚信餐饮有限公司", credit_code="91350100M000100Y43", state="approved")
factories.PledgeFactory(merchant_name="泉城待审商贸有限公司", credit_code="914403001922038216", state="confirmed")

feed = "penalties.csv"
generate_feed(feed, "penalty", 300, seed=3)
call_command("import_publicity_feed", feed, "--kind", "penalty")
today = timezone.localdate()
write_feed("pledged.csv", [{
    "CF_XDR_MC": "历下诚信餐饮有限公司", "CF_XDR_LB": "法人及非法人组织", "CF_XDR_SHXYM": "91350100M000100Y43",
    "CF_WSH": "济历市监罚字〔2026〕9号", "CF_CFLB": "罚款", "CF_NR": "罚款", "CF_NR_FK": "1",
    "CF_JDRQ": str(today - datetime.timedelta(days=30)), "CF_GSJZQ": str(today + datetime.timedelta(days=300)),
    "CF_CFJG": "济南市历下区市场监督管理局", "CF_CFJGDM": "11370102MB2854776P", "CF_SY": "事实", "CF_YJ": "依据",
}], PENALTY_CURRENT_COLUMNS)
call_command("import_publicity_feed", "pledged.csv", "--kind", "penalty")
call_command("cross_check_publicity")

officer = User.objects.create_user("officer", password="x")
officer.groups.add(Group.objects.get(name="活动报名数据管理员"))
editor = User.objects.create_user("lecture-editor", password="x")
editor.groups.add(Group.objects.get(name="儒信大讲堂编辑"))
print(json.dumps({
    "registrations": Registration.objects.count(), "seat_pools": SeatPool.objects.count(),
    "venues": Venue.objects.count(), "pledges": Pledge.objects.count(),
    "pledge_pages": sorted(PledgePage.objects.values_list("pk", flat=True)),
    "records": PublicityRecord.objects.count(), "hits": CrossCheckHit.objects.count(),
    "private_link": "/registrations/%s/%s/" % Registration.objects.values_list("code", "access_token").first(),
}))
"""

# Run by this release after its migrations: count again and use what was there.
CHECK_NEW_SITE = r"""
import json
from django.contrib.auth.models import User
from django.contrib.contenttypes.models import ContentType
from django.test import Client
from wagtail.models import Page
from wagtail_localize.models import TranslationSource
from integrity_site.events.records import Registration, SeatPool, Venue
from lectures.models import LecturePage
from pledges.models import PledgePage
from pledges.records import Pledge
from publicity.records import CrossCheckHit, PublicityRecord

client = Client(HTTP_HOST="localhost")
pledge_page = PledgePage.objects.filter(locale__language_code="zh-hans").first()
lecture = LecturePage.objects.filter(registration_enabled=True).first()
venue_type = ContentType.objects.get_for_model(Venue)
officer, editor = User.objects.get(username="officer"), User.objects.get(username="lecture-editor")
print(json.dumps({
    "registrations": Registration.objects.count(), "seat_pools": SeatPool.objects.count(),
    "venues": Venue.objects.count(), "pledges": Pledge.objects.count(),
    "pledge_pages": sorted(PledgePage.objects.values_list("pk", flat=True)),
    "records": PublicityRecord.objects.count(), "hits": CrossCheckHit.objects.count(),
    "pages_typed_as_pledge_pages": sorted(
        page.pk for page in Page.objects.filter(pk__in=PledgePage.objects.values("pk")).specific()
        if isinstance(page, PledgePage)),
    "old_content_types": list(ContentType.objects.filter(
        app_label__in=["core", "campaigns"], model__in=["venue", "registration", "seatpool", "pledgepage"]
    ).values_list("app_label", "model")),
    "venue_translation_sources": TranslationSource.objects.filter(specific_content_type=venue_type).count(),
    "officer_exports": officer.has_perm("events.export_personal_data"),
    "editor_views": editor.has_perm("events.view_registration"),
    "editor_exports": editor.has_perm("events.export_personal_data"),
    "pledge_page_status": client.get(pledge_page.url).status_code,
    "lecture_has_form": 'name="mobile"' in client.get(lecture.url).text,
    "private_link_status": client.get(PRIVATE_LINK).status_code,
}))
"""


def run(command, cwd, env):
    finished = subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True, timeout=600)
    assert finished.returncode == 0, (
        f"{' '.join(map(str, command))} failed in {cwd}:\n{finished.stdout[-3000:]}\n{finished.stderr[-5000:]}"
    )
    return finished.stdout


def old_release(destination):
    archive = destination / "old.tar"
    with archive.open("wb") as output:
        made = subprocess.run(
            ["git", "-C", str(PROJECT_DIR), "archive", OLD_RELEASE], stdout=output, stderr=subprocess.PIPE
        )
    assert made.returncode == 0, (
        f"The release {OLD_RELEASE[:10]} is not in this clone's history (a shallow clone?): "
        f"{made.stderr.decode(errors='replace')}"
    )
    tree = destination / "old"
    with tarfile.open(archive) as tar:
        tar.extractall(tree, filter="data")
    return tree


@pytest.fixture
def empty_database_url(tmp_path):
    """An empty database on the server this pass uses: a SQLite file, or a new PostgreSQL database."""
    default = settings.DATABASES["default"]
    if default["ENGINE"] != "django.db.backends.postgresql":
        yield f"sqlite:///{tmp_path / 'upgraded.sqlite3'}"
        return
    import psycopg

    name = f"upgrade_{uuid.uuid4().hex[:12]}"
    server = {
        "host": default["HOST"],
        "port": default["PORT"] or 5432,
        "user": default["USER"],
        "password": default["PASSWORD"],
        "dbname": "postgres",
        "autocommit": True,
    }
    with psycopg.connect(**server) as connection:
        connection.execute(f'CREATE DATABASE "{name}"')
    user = default["USER"]
    password = f":{default['PASSWORD']}" if default["PASSWORD"] else ""
    yield f"postgresql://{user}{password}@{default['HOST']}:{server['port']}/{name}"
    with psycopg.connect(**server) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def test_a_site_of_the_previous_release_upgrades_with_nothing_lost(tmp_path, empty_database_url):
    old = old_release(tmp_path)
    work = tmp_path / "work"
    work.mkdir()
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "integrity_site.settings.dev",
        "DATABASE_URL": empty_database_url,
        "MEDIA_ROOT": str(tmp_path / "media"),
        "DEMO_ADMIN_PASSWORD": "upgrade-check",
        "PYTHONPATH": str(old),
        "PUBLICITY_REPORT_DIR": str(tmp_path / "reports"),
    }
    env.pop("ELASTICSEARCH_URL", None)  # the old release indexes into the database search
    run([sys.executable, str(old / "manage.py"), "migrate", "--no-input", "-v", "0"], work, env)
    run([sys.executable, str(old / "manage.py"), "load_demo_content"], work, env)
    before = json.loads(
        run([sys.executable, str(old / "manage.py"), "shell", "-c", FILL_OLD_SITE], work, env)
        .strip()
        .splitlines()[-1]
    )
    shutil.rmtree(old)

    env["PYTHONPATH"] = str(PROJECT_DIR)
    run([sys.executable, "manage.py", "migrate", "--no-input", "-v", "0"], PROJECT_DIR, env)
    check = CHECK_NEW_SITE.replace("PRIVATE_LINK", repr(before["private_link"]))
    after = json.loads(
        run([sys.executable, "manage.py", "shell", "-c", check], PROJECT_DIR, env).strip().splitlines()[-1]
    )

    assert before["registrations"] == 6 and before["hits"] >= 1 and before["records"] > 300
    for key in ("registrations", "seat_pools", "venues", "pledges", "pledge_pages", "records", "hits"):
        assert after[key] == before[key], key
    assert after["pages_typed_as_pledge_pages"] == before["pledge_pages"]
    assert after["old_content_types"] == []
    assert after["venue_translation_sources"] >= 1
    assert after["officer_exports"] and after["editor_views"] and not after["editor_exports"]
    assert after["pledge_page_status"] == 200
    assert after["lecture_has_form"]
    assert after["private_link_status"] == 200
