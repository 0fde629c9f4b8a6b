import json
import sys

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand
from django.db import DatabaseError
from django.utils import translation

from honours import imports
from honours.models import HonourCategory, HonourIndexPage, HonourListPage

# Exit status 2: nothing could be imported (unreadable file, no such list), with the reason on
# standard error. Rejected rows are not a failure: they are in the summary.
CANNOT_IMPORT = 2


class Command(BaseCommand):
    help = (
        "Import an honour list's entries from a spreadsheet (XLSX or CSV, UTF-8 or GBK) into the "
        "list's draft, or into a new unpublished list. Columns: 名称/姓名, 统一社会信用代码, 单位, 街道, "
        "事迹/称号, 照片 (an image file name in the library). Prints one line of JSON: what was "
        "created, updated and left unchanged, and every rejected row with its line, column and reason."
    )

    def add_arguments(self, parser):
        parser.add_argument("path")
        target = parser.add_mutually_exclusive_group(required=True)
        target.add_argument("--list", type=int, dest="list_id", help="the id of an existing honour list page")
        target.add_argument(
            "--parent", type=int, help="the id of the honour index to create a new list under"
        )
        parser.add_argument("--title", help="the new list's title (with --parent)")
        parser.add_argument("--year", type=int, help="the new list's year (with --parent)")
        parser.add_argument("--category", choices=HonourCategory.values, help="the new list's category")
        parser.add_argument("--user", help="the user name the revision is saved as (for the audit log)")
        parser.add_argument(
            "--dry-run", action="store_true", help="check the file and report; change nothing"
        )

    def handle(self, *args, path, list_id, parent, title, year, category, user, dry_run, **options):
        # Reasons come in the site's default language, as editors read them.
        translation.activate(settings.LANGUAGE_CODE)
        account = None
        if user:
            account = get_user_model().objects.filter(username=user).first()
            if account is None:
                self.fail(f"There is no user called {user}.")
        if parent is not None and not (title and year and category):
            self.fail("A new list needs --title, --year and --category.")
        try:
            honour_file = imports.read_honour_file(path)
        except imports.HonourFileUnreadable as error:
            self.fail(f"{path}: {error}")
        page = None
        if list_id is not None:
            page = HonourListPage.objects.filter(pk=list_id).first()
            if page is None:
                self.fail(f"There is no honour list with the id {list_id}.")
        elif not HonourIndexPage.objects.filter(pk=parent).exists():
            self.fail(f"There is no honour index with the id {parent}.")
        result = {"file": path, "rows": len(honour_file.rows) + len(honour_file.rejected_lines)}
        try:
            if dry_run:
                changes = (
                    imports.planned_changes(page, honour_file.rows)
                    if page
                    else ["create"] * len(honour_file.rows)
                )
                counts = {change: changes.count(change) for change in ("create", "update", "unchanged")}
                result.update(
                    list=page.pk if page else None,
                    created=counts["create"],
                    updated=counts["update"],
                    unchanged=counts["unchanged"],
                    dry_run=True,
                )
            else:
                if page is None:
                    index = HonourIndexPage.objects.get(pk=parent)
                    page = imports.create_draft_list(
                        index, title=title, year=year, category=category, user=account
                    )
                summary = imports.import_rows(page, honour_file.rows, user=account, file_name=path)
                result.update(
                    list=page.pk,
                    created=summary.created,
                    updated=summary.updated,
                    unchanged=summary.unchanged,
                )
        except DatabaseError as error:
            self.fail(f"{path}: the database refused the import: {error}")
        result.update(
            rejected=len(honour_file.rejected_lines),
            problems=[problem.as_dict() for problem in honour_file.problems],
        )
        self.stdout.write(json.dumps(result, ensure_ascii=False))

    def fail(self, message):
        self.stderr.write(message)
        sys.exit(CANNOT_IMPORT)
