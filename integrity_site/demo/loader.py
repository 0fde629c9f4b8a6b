"""Builds the demo site through the same calls the admin makes: add the page as a
draft, publish a revision, and translate it with wagtail-localize. Idempotent:
pages are found by their slug under their parent and never built twice."""

import datetime
import os
import secrets
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone
from django.utils.html import escape
from wagtail.fields import RichTextField
from wagtail.models import Locale, Site
from wagtail.rich_text import RichText

from integrity_site.core.models import SiteSettings
from integrity_site.core.translation import translate_object

from .content import (
    DEMO_CONTACT,
    DEMO_PLEDGES,
    DEMO_REPAIR_HELP,
    DEMO_SIGNERS,
    DEMO_TALLIES,
    HOME,
    PLEDGE_TEXT,
    SITE_SETTINGS,
    SPEAKERS,
    VENUES,
    Text,
    build_tree,
)
from .feed import DEFAULT_SCALE, load_demo_feed
from .honours import FEED_PARTIES, honour_list_specs
from .images import demo_image

IMAGE_FIELDS = ("cover_image", "hero_image")
# Spec fields that are not plain model fields: handled by ``build``.
RELATION_FIELDS = ("tags", "entries", "speakers", "venue", "roles")


class DemoLoader:
    def __init__(self, today=None, log=print):
        self.today = today or timezone.localdate()
        self.log = log
        self.changes = 0
        self.english = {}  # Chinese source string -> English, gathered while building
        self.built = []  # every demo page, new or found, parents before children
        self.to_submit = []  # new drafts to submit for moderation at the end

    def run(self, admin_username="admin", feed_scale=DEFAULT_SCALE):
        admin = self.ensure_admin(admin_username)
        tree = build_tree(self.today)
        next(spec for spec in tree if spec.slug == "honours").children.extend(honour_list_specs())
        with transaction.atomic():
            home = Site.objects.get(is_default_site=True).root_page.specific
            self.fill_home(home, admin)
            self.fill_site_settings(Site.objects.get(is_default_site=True))
            for spec in tree:
                self.build(home, spec, admin)
            self.translate_all(Locale.objects.get(language_code="en"), admin)
            self.fill_pledges(admin)
            self.fill_signatures(admin)
        # The importer runs its own transactions, one batch at a time.
        self.fill_publicity_feed(feed_scale)
        self.fill_repair_help(admin)
        self.submit_drafts(admin)
        return self.changes

    def fill_publicity_feed(self, scale):
        from publicity.cross_check import recheck_all

        # The demo's pledged merchants hold licences, as shops do: the site search finds them.
        licensed = [("licence", pledge["merchant_name"], pledge["credit_code"]) for pledge in DEMO_PLEDGES]
        if load_demo_feed(FEED_PARTIES + licensed, self.today, scale=scale, log=self.log):
            self.changed("demo publicity feed")
            recheck_all()

    def fill_repair_help(self, admin):
        """Credit-repair help requests from merchants of the demo feed, through the form's call,
        in three states: new and waiting (two weeks old), contacted, repaired."""
        from publicity import queries, repair_help
        from publicity.repair_help_records import RepairHelpRequest

        if RepairHelpRequest.objects.exists():
            return
        penalties = (
            queries.public_records()
            .filter(kind="penalty", subject_category="organisation")
            .exclude(credit_code="")
            .order_by("-decision_date", "pk")[:3]
        )
        now = timezone.now()
        for index, (record, (contact, days_ago, steps)) in enumerate(
            zip(penalties, DEMO_REPAIR_HELP, strict=False)
        ):
            request = repair_help.submit(
                merchant_name=record.subject_name,
                credit_code=record.credit_code,
                record=record,
                contact_name=contact,
                mobile=f"13700{index:06d}",
                preferred_time="morning",
                note="罚款已缴纳。" if steps else "",
                language="zh-hans",
                now=now - datetime.timedelta(days=days_ago),
            ).request
            for status, note in steps:
                repair_help.change_status(request, status, admin, note)
            self.changed(f"credit-repair help request of {record.subject_name}")

    def submit_drafts(self, admin):
        """Drafts the demo puts in moderation, as an editor's "submit" does."""
        for page in self.to_submit:
            page.refresh_from_db()
            if page.live or page.workflow_in_progress or page.get_workflow() is None:
                continue
            page.get_workflow().start(page, admin)
            self.changed(f"submitted for moderation: {page.title}")

    # --- pages -----------------------------------------------------------------

    def value(self, raw, rich=False):
        """The Chinese value of a spec field, remembering its English translation."""
        if isinstance(raw, Text):
            self.english[raw.zh] = raw.en
            return f"<p>{escape(raw.zh)}</p>" if rich else raw.zh
        if isinstance(raw, list) and raw and isinstance(raw[0], tuple):
            return [(block, RichText(self.value(text, rich=True))) for block, text in raw]
        if isinstance(raw, datetime.datetime):
            return timezone.make_aware(raw)
        return raw

    def fill_home(self, home, admin):
        self.built.append(home)
        if home.hero_text:
            return
        for name, raw in HOME.items():
            setattr(home, name, self.value(raw))
        home.draft_title = home.title
        home.hero_image, _created = demo_image("诚信历下", "home")
        home.save_revision(user=admin).publish(user=admin)
        self.changed(f"home page {home.title}")

    def fill_pledges(self, admin):
        """The pledge text, and demo merchants through submit, confirm and approve."""
        from pledges import services
        from pledges.records import PledgeText
        from pledges.texts import current_text_revision

        if not PledgeText.objects.exists():
            text = PledgeText(live=False, **PLEDGE_TEXT)
            text.save()
            text.save_revision(user=admin).publish(user=admin)
            self.changed(f"pledge text {text.title}")
        revision = current_text_revision()
        for merchant in DEMO_PLEDGES:
            if services.active_pledge_for_code(merchant["credit_code"]):
                continue
            pledge = services.submit_pledge({**merchant, **DEMO_CONTACT}, revision)
            services.approve_pledge(services.confirm_pledge(pledge), admin)
            self.changed(f"integrity pledge of {merchant['merchant_name']}")

    def fill_signatures(self, admin):
        """Residents' signatures on the demo campaigns open for signing, through the same call the
        form makes, and a paper tally on the first."""
        from campaigns import signing
        from campaigns.models import CampaignPage
        from campaigns.signatures import OfflineTally, Signature

        campaigns = CampaignPage.objects.filter(
            locale=Locale.get_default(), signing_enabled=True, pk__in=[page.pk for page in self.built]
        ).order_by("path")
        for number, campaign in enumerate(campaigns):
            if Signature.objects.filter(campaign=campaign).exists():
                continue
            for index, (name, subdistrict, community, message) in enumerate(DEMO_SIGNERS):
                signature = signing.sign(
                    campaign,
                    name=name,
                    subdistrict=subdistrict,
                    community=community,
                    mobile=f"139{number:02d}{index:06d}",
                    message=message,
                    language="zh-hans",
                ).signature
                if signature and message:
                    signing.moderate_message(signature, "approved", admin)
            if number == 0:
                for count, subdistrict, community, days_ago, event in DEMO_TALLIES:
                    OfflineTally.objects.create(
                        campaign=campaign,
                        count=count,
                        subdistrict=subdistrict,
                        community=community,
                        collected_on=self.today - datetime.timedelta(days=days_ago),
                        event=event,
                        entered_by=admin,
                    )
            self.changed(f"signatures on {campaign.title}")

    def fill_site_settings(self, site):
        site_settings = SiteSettings.for_site(site)
        if site_settings.office_name:
            if not site_settings.site_name_en:  # settings filled before the site had an English name
                site_settings.site_name_en = SITE_SETTINGS["site_name_en"]
                site_settings.save()
                self.changed("site settings")
            return
        for name, raw in SITE_SETTINGS.items():
            if isinstance(raw, Text):
                setattr(site_settings, name, raw.zh)
                setattr(site_settings, f"{name}_en", raw.en)
            else:
                setattr(site_settings, name, raw)
        site_settings.save()
        self.changed("site settings")

    def build(self, parent, spec, admin):
        model = apps.get_model(spec.model)
        page = model.objects.child_of(parent).filter(slug=spec.slug).first()
        title = self.value(spec.title)
        fields = {name: raw for name, raw in spec.fields.items() if name not in RELATION_FIELDS}
        values = {
            name: self.value(raw, rich=isinstance(model._meta.get_field(name), RichTextField))
            for name, raw in fields.items()
        }
        entries = [
            {name: self.value(raw) for name, raw in entry.items()} for entry in spec.fields.get("entries", [])
        ]
        if page is None:
            page = model(
                title=title,
                slug=spec.slug,
                show_in_menus=spec.show_in_menus,
                live=False,
                owner=admin,
                **values,
            )
            if spec.image:
                image, _created = demo_image(self.value(spec.image), spec.slug)
                page.cover_image = image
                self.english[spec.image.zh] = spec.image.en
            if entries:
                page.entries = [page.entries.model(**entry) for entry in entries]
            self.add_event_relations(page, spec.fields)
            parent.add_child(instance=page)
            for tag in spec.fields.get("tags", []):
                page.tags.add(tag)
            revision = page.save_revision(user=admin)
            if spec.publish:
                revision.publish(user=admin)
            self.changed(f"{model._meta.verbose_name} {title}")
            if spec.submit:
                self.to_submit.append(page)
        self.built.append(page)
        for child in spec.children:
            self.build(page, child, admin)

    # --- events: venues, speakers and volunteer roles --------------------------------

    def add_event_relations(self, page, fields):
        if "venue" in fields:
            page.venue = self.snippet("events.Venue", VENUES[fields["venue"]])
        if "speakers" in fields:
            speaker_model = apps.get_model("lectures.Speaker")
            page.speakers = [
                page.speakers.model(speaker=self.snippet(speaker_model, SPEAKERS[key]))
                for key in fields["speakers"]
            ]
        if "roles" in fields:
            page.roles = [
                page.roles.model(**{name: self.value(raw) for name, raw in role.items()})
                for role in fields["roles"]
            ]

    def snippet(self, model, spec):
        """A translatable snippet in the default language, found by its name or made."""
        if isinstance(model, str):
            model = apps.get_model(model)
        values = {name: self.value(raw) for name, raw in spec.items()}
        locale = Locale.get_default()
        found = model.objects.filter(locale=locale, name=values["name"]).first()
        if found:
            return found
        snippet = model.objects.create(locale=locale, **values)
        self.changed(f"{model._meta.verbose_name} {snippet}")
        return snippet

    def translate_all(self, locale, admin):
        for page in self.built:
            if page.get_translations().filter(locale=locale).exists():
                continue
            translate_object(page, locale, self.english, user=admin)
            self.changed(f"English translation of {page.title}")

    # --- admin account -----------------------------------------------------------

    def ensure_admin(self, username):
        """A superuser for the demo; its password is shown once and kept in a local,
        git-ignored file. Set DEMO_ADMIN_PASSWORD to choose it (then no file is written: whoever
        chose it knows it, and another database's password file is left alone)."""
        user_model = get_user_model()
        user = user_model.objects.filter(username=username).first()
        if user:
            return user
        chosen = os.environ.get("DEMO_ADMIN_PASSWORD")
        password = chosen or secrets.token_urlsafe(12)
        user = user_model.objects.create_superuser(username=username, email="", password=password)
        if chosen:
            self.log(f"Created the admin account {username!r} with the password DEMO_ADMIN_PASSWORD gives.")
            self.changes += 1
            return user
        password_file = admin_password_file()
        password_file.parent.mkdir(parents=True, exist_ok=True)
        password_file.write_text(f"{username}\n{password}\n", encoding="utf-8")
        password_file.chmod(0o600)
        self.log(
            f"Created the admin account {username!r} with password {password!r} "
            f"(also saved in {password_file})."
        )
        self.changes += 1
        return user

    def changed(self, what):
        self.changes += 1
        self.log(f"  + {what}")


def admin_password_file():
    return Path(settings.BASE_DIR) / "var" / "admin-password.txt"
