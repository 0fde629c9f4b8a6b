"""Admin screens: upload a feed file (imported in the background), follow its progress, browse the
history of import runs and download their rejected-rows reports; list the cross-check hits and
acknowledge them."""

import dataclasses
import datetime
from pathlib import Path

from django import forms
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db import DatabaseError, transaction
from django.db.models import F, Q
from django.http import FileResponse, Http404
from django.middleware.csrf import get_token
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST
from django.views.generic import TemplateView
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from integrity_site.core.busy import is_database_busy
from integrity_site.core.pagination import paginate
from publicity import cross_check, tasks, uploads
from publicity.importer import report_directory
from publicity.records import FEED_KIND_LABELS, REPAIR_OUTCOMES, CrossCheckHit, ImportRun, RecordKind

IMPORT_PERMISSION = "publicity.import_publicity_feed"
VIEW_HITS_PERMISSION = "publicity.view_crosscheckhit"
ACKNOWLEDGE_PERMISSION = "publicity.change_crosscheckhit"
HITS_PER_PAGE = 50
ALLOWED_EXTENSIONS = (".csv", ".txt", ".xlsx", ".json", ".jsonl", ".ndjson")


class FeedUploadForm(forms.Form):
    file = forms.FileField(label=_("Feed file"), help_text=_("CSV (UTF-8 or GBK), XLSX or JSON."))
    kind = forms.ChoiceField(
        label=_("Kind"),
        choices=[
            ("auto", _("Detect from the header")),
            *RecordKind.choices,
            (REPAIR_OUTCOMES, FEED_KIND_LABELS[REPAIR_OUTCOMES]),
        ],
        initial="auto",
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if not upload.name.lower().endswith(ALLOWED_EXTENSIONS):
            raise forms.ValidationError(_("Upload a CSV, XLSX or JSON file."))
        return upload


class ImportPermissionMixin:
    def dispatch(self, request, *args, **kwargs):
        if not request.user.has_perm(IMPORT_PERMISSION):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)


def upload_directory():
    return report_directory() / "uploads"


# --- retention of uploaded files ---------------------------------------------------------


def upload_retention_days():
    return settings.PUBLICITY_UPLOAD_RETENTION_DAYS


@dataclasses.dataclass
class UploadPurge:
    """What `purge_publicity_uploads` did (or, in a dry run, would do)."""

    runs: int = 0
    uploads_deleted: int = 0
    reports_deleted: int = 0
    kept_outside: int = 0


def runs_past_retention(days, now=None):
    """Finished or failed import runs that ended more than ``days`` ago and still have their files."""
    cutoff = (now or timezone.now()) - datetime.timedelta(days=days)
    return ImportRun.objects.filter(
        Q(finished_at__lt=cutoff) | Q(finished_at__isnull=True, created_at__lt=cutoff),
        status__in=[ImportRun.Status.FINISHED, ImportRun.Status.FAILED],
        files_removed_at__isnull=True,
    )


def site_file(path, folder):
    """``path`` as a file the site itself wrote into ``folder``, or None.

    Command-line imports record the operator's own feed file (and any ``--report`` they chose),
    which are never the site's to delete; links and ".." are resolved before comparing.
    """
    if not path:
        return None
    try:
        resolved = Path(path).resolve()
        inside = resolved.is_relative_to(Path(folder).resolve())
    except (OSError, RuntimeError):
        return None
    return resolved if inside else None


def purge_old_uploads(days, dry_run=False, now=None):
    """Delete the uploaded feed files and rejected-rows reports of runs past the retention period,
    and mark the runs, so that their history no longer offers the files. Returns an UploadPurge."""
    now = now or timezone.now()
    result = UploadPurge()
    folders = {"stored_path": upload_directory(), "report_path": report_directory()}
    past = runs_past_retention(days, now)
    # A retry imports the same stored file as the run it retries: the file stays while any run
    # that is not past the retention period uses it.
    still_used = set(
        ImportRun.objects.exclude(pk__in=past.values("pk"))
        .filter(files_removed_at__isnull=True, stored_path__in=past.values("stored_path"))
        .values_list("stored_path", flat=True)
    )
    for run in past.only("pk", *folders).order_by("pk").iterator():
        result.runs += 1
        for field, folder in folders.items():
            path = getattr(run, field)
            if field == "stored_path" and path in still_used:
                continue
            if uploads.is_stored(path):  # a name in the uploads storage (admin uploads)
                if uploads.delete_stored(path, dry_run=dry_run):
                    result.uploads_deleted += field == "stored_path"
                    result.reports_deleted += field == "report_path"
                continue
            file = site_file(path, folder)
            if file is None:
                result.kept_outside += bool(path)
                continue
            if file.is_file():
                if not dry_run:
                    file.unlink(missing_ok=True)
                if field == "stored_path":
                    result.uploads_deleted += 1
                else:
                    result.reports_deleted += 1
        if not dry_run:
            ImportRun.objects.filter(pk=run.pk).update(files_removed_at=now)
    return result


# --- uploads and history ----------------------------------------------------------------


def fail_stale_runs():
    """Fail the runs whose worker has gone (see tasks.fail_stale_runs) before showing any; a
    database too busy for it now leaves that to the next look."""
    try:
        tasks.fail_stale_runs()
    except DatabaseError as error:
        if not is_database_busy(error):
            raise


class ImportIndexView(ImportPermissionMixin, WagtailAdminTemplateMixin, TemplateView):
    page_title = _("Publicity data imports")
    header_icon = "table"
    template_name = "publicity/admin/import_index.html"
    breadcrumbs_items = WagtailAdminTemplateMixin.breadcrumbs_items + [
        {"url": "", "label": _("Publicity data imports")}
    ]

    @classmethod
    def as_view(cls, **initkwargs):
        # The upload is copied to its folder before any transaction begins, so that the database
        # is not held while a large file is written; the run and its task are then one transaction.
        return transaction.non_atomic_requests(super().as_view(**initkwargs))

    def get(self, request, *args, **kwargs):
        fail_stale_runs()
        return super().get(request, *args, **kwargs)

    def get_context_data(self, form=None, **kwargs):
        context = super().get_context_data(**kwargs)
        context["form"] = form or FeedUploadForm()
        context["runs"] = paginate(self.request, ImportRun.objects.select_related("created_by"), 20)
        return context

    def post(self, request):
        form = FeedUploadForm(request.POST, request.FILES)
        if not form.is_valid():
            return self.render_to_response(self.get_context_data(form=form))
        upload = form.cleaned_data["file"]
        stored_path, report_path = uploads.store_upload(upload)
        with transaction.atomic():
            run = ImportRun.objects.create(
                file_name=Path(upload.name).name[:255],
                stored_path=str(stored_path),
                report_path=str(report_path),
                requested_kind=form.cleaned_data["kind"],
                bytes_total=upload.size,
                created_by=request.user,
            )
            tasks.queue_import(run)
        return redirect("publicity_import_run", run.pk)


class ImportRunView(ImportPermissionMixin, WagtailAdminTemplateMixin, TemplateView):
    header_icon = "table"
    template_name = "publicity/admin/import_run.html"

    def get_page_title(self):
        return self.run.file_name

    def get_breadcrumbs_items(self):
        return self.breadcrumbs_items + [
            {"url": reverse("publicity_imports"), "label": _("Publicity data imports")},
            {"url": "", "label": self.run.file_name},
        ]

    def get(self, request, pk):
        fail_stale_runs()
        self.run = get_object_or_404(ImportRun.objects.select_related("retry_of"), pk=pk)
        return super().get(request, pk=pk)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        run = self.run
        context["run"] = run
        # The page refreshes itself only while the run can still move on by itself.
        context["in_progress"] = run.in_progress
        context["waiting_long"] = (
            run.status == ImportRun.Status.QUEUED and run.created_at < timezone.now() - tasks.stale_after()
        )
        context["can_retry"] = tasks.can_retry(run)
        context["retries"] = list(run.retries.order_by("pk"))
        return context


@require_POST
def retry_run(request, pk):
    """Import a failed run's file again, as a new run (the import is idempotent: what the failed
    run wrote counts as unchanged)."""
    if not request.user.has_perm(IMPORT_PERMISSION):
        raise PermissionDenied
    run = get_object_or_404(ImportRun, pk=pk)
    retry = tasks.retry_import(run, user=request.user)
    if retry is None:
        messages.error(request, gettext("This import cannot be retried."))
        return redirect("publicity_import_run", run.pk)
    messages.success(request, gettext("The import of %(file)s is queued again.") % {"file": run.file_name})
    return redirect("publicity_import_run", retry.pk)


def download_report(request, pk):
    if not request.user.has_perm(IMPORT_PERMISSION):
        raise PermissionDenied
    run = get_object_or_404(ImportRun, pk=pk)
    report = uploads.open_report(run)
    if report is None:
        raise Http404
    return FileResponse(
        report,
        as_attachment=True,
        filename=f"{Path(run.file_name).stem}-rejected.csv",
        content_type="text/csv; charset=utf-8",
    )


# --- cross-check hits -------------------------------------------------------------------


class AcknowledgeHitForm(forms.Form):
    note = forms.CharField(
        label=_("Note"),
        required=False,
        max_length=cross_check.ACKNOWLEDGEMENT_NOTE_MAX_LENGTH,
        widget=forms.TextInput(attrs={"placeholder": _("Note (optional)")}),
    )


def can_view_hits(user):
    return user.has_perm(VIEW_HITS_PERMISSION) or user.has_perm(ACKNOWLEDGE_PERMISSION)


def acknowledge_controls(request):
    """What a listing of hits needs to offer the acknowledge button, to the editors who may use it."""
    if not request.user.has_perm(ACKNOWLEDGE_PERMISSION):
        return {"can_acknowledge": False}
    return {
        "can_acknowledge": True,
        "csrf_token": get_token(request),
        "next_url": request.get_full_path(),
        "acknowledge_form": AcknowledgeHitForm(),
    }


class CrossCheckHitIndexView(WagtailAdminTemplateMixin, TemplateView):
    """Every current hit, open ones first; acknowledged ones with who, when and the note."""

    page_title = _("Cross-check hits")
    header_icon = "warning"
    template_name = "publicity/admin/cross_check_hits.html"
    breadcrumbs_items = WagtailAdminTemplateMixin.breadcrumbs_items + [
        {"url": "", "label": _("Cross-check hits")}
    ]

    def dispatch(self, request, *args, **kwargs):
        if not can_view_hits(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        hits = CrossCheckHit.objects.select_related("record", "acknowledged_by").order_by(
            F("acknowledged_at").desc(nulls_first=True), "-found_at", "pk"
        )
        context["hits"] = paginate(self.request, hits, HITS_PER_PAGE)
        context["open_count"] = cross_check.open_hits().count()
        context.update(acknowledge_controls(self.request))
        return context


@require_POST
def acknowledge_hit(request, pk):
    if not request.user.has_perm(ACKNOWLEDGE_PERMISSION):
        raise PermissionDenied
    hit = get_object_or_404(CrossCheckHit, pk=pk)
    form = AcknowledgeHitForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(form.errors["note"]))
    elif cross_check.acknowledge_hit(hit, request.user, form.cleaned_data["note"]):
        messages.success(request, gettext("Hit acknowledged: %(subject)s") % {"subject": hit.subject_label})
    else:
        messages.info(request, gettext("This hit had already been acknowledged."))
    next_url = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(
        next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        next_url = reverse("wagtailadmin_home")
    return redirect(next_url)
