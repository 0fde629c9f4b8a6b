from django.core.management.base import BaseCommand

from pledges.services import purge_unconfirmed_pledges


class Command(BaseCommand):
    help = (
        "Delete integrity pledges nobody confirmed by e-mail in time, with their personal data (run hourly)."
    )

    def handle(self, *args, **options):
        count = purge_unconfirmed_pledges()
        self.stdout.write(f"{count} unconfirmed pledge(s) deleted.")
