from django.core.management.base import BaseCommand

from integrity_site.demo.feed import DEFAULT_SCALE
from integrity_site.demo.loader import DemoLoader


class Command(BaseCommand):
    help = "Build the demo site (Chinese with English translations). Safe to run again."

    def add_arguments(self, parser):
        parser.add_argument("--admin-username", default="admin")
        parser.add_argument(
            "--full-feed",
            action="store_true",
            help="import the publicity feed at the work report's full size (130,063 records) instead of 1/50 of it",
        )

    def handle(self, *args, admin_username, full_feed, **options):
        changes = DemoLoader(log=self.stdout.write).run(
            admin_username=admin_username, feed_scale=1 if full_feed else DEFAULT_SCALE
        )
        if changes:
            self.stdout.write(self.style.SUCCESS(f"Demo content loaded: {changes} changes."))
        else:
            self.stdout.write("Demo content is already loaded; nothing changed.")
