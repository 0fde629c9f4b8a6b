import json

from django.core.management.base import BaseCommand

from publicity.cross_check import recheck_all


class Command(BaseCommand):
    help = (
        "Re-check every active pledge and published honour entry against the latest publicity feed "
        "(current penalties, dishonest judgment debtors) and keep the hits for the admin dashboard. "
        "Meant for a daily cron job."
    )

    def handle(self, *args, **options):
        self.stdout.write(json.dumps(recheck_all()))
