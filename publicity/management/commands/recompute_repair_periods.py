import json

from django.core.management.base import BaseCommand

from integrity_site.core import page_cache
from publicity.repair_periods import recompute


class Command(BaseCommand):
    help = (
        "Recompute every penalty's class, credit-repair date and end of publicity from the stored "
        'credit-repair rules; prints {"read": N, "changed": N}.'
    )

    def handle(self, *args, **options):
        read, changed = recompute()
        page_cache.purge_topic("publicity")
        self.stdout.write(json.dumps({"read": read, "changed": changed}))
