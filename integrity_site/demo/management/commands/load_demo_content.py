from django.core.management.base import BaseCommand

from integrity_site.demo.loader import DemoLoader


class Command(BaseCommand):
    help = "Build the demo site (Chinese with English translations). Safe to run again."

    def add_arguments(self, parser):
        parser.add_argument("--admin-username", default="admin")

    def handle(self, *args, admin_username, **options):
        changes = DemoLoader(log=self.stdout.write).run(admin_username=admin_username)
        if changes:
            self.stdout.write(self.style.SUCCESS(f"Demo content loaded: {changes} changes."))
        else:
            self.stdout.write("Demo content is already loaded; nothing changed.")
