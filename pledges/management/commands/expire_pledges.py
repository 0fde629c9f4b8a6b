from django.core.management.base import BaseCommand

from pledges.services import expire_pledges


class Command(BaseCommand):
    help = "Mark approved integrity pledges whose validity has ended as expired (run daily, e.g. from cron)."

    def handle(self, *args, **options):
        count = expire_pledges()
        self.stdout.write(f"{count} pledge(s) expired.")
