"""Bring the site's catalogue of Wagtail translations (locale/wagtail/) up to date with the
installed Wagtail: see integrity_site.core.wagtail_catalogue."""

from django.core.management.base import BaseCommand, CommandError

from integrity_site.core import wagtail_catalogue


class Command(BaseCommand):
    help = "Update locale/wagtail/ with the messages that Wagtail's own catalogues leave untranslated."

    def add_arguments(self, parser):
        parser.add_argument(
            "--check", action="store_true", help="Change nothing; fail if a gap has no translation."
        )

    def handle(self, *args, check=False, **options):
        missing = 0
        for language in wagtail_catalogue.supplemented_languages():
            for domain in wagtail_catalogue.DOMAINS:
                path = wagtail_catalogue.catalogue_path(language, domain)
                if check:
                    untranslated = wagtail_catalogue.untranslated(language, domain)
                    for msgid in untranslated:
                        self.stdout.write(f"{path}: {msgid}")
                    count = len(untranslated)
                else:
                    entries, count = wagtail_catalogue.update_catalogue(language, domain)
                    self.stdout.write(f"{path}: {entries} entries")
                self.stdout.write(f"{path}: {count} untranslated")
                missing += count
        if check and missing:
            raise CommandError(f"{missing} Wagtail messages have no translation.")
