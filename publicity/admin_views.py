"""Admin screens: upload a feed file (imported in the background), follow its progress, browse the
history of import runs and download their rejected-rows reports."""

import uuid
from pathlib import Path

from django import forms
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views.generic import TemplateView
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from integrity_site.core.pagination import paginate
from publicity.importer import report_directory
from publicity.models import ImportRun
from publicity.tasks import import_uploaded_feed

IMPORT_PERMISSION = "publicity.import_publicity_feed"
ALLOWED_EXTENSIONS = (".csv", ".txt", ".xlsx", ".json", ".jsonl", ".ndjson")


class FeedUploadForm(forms.Form):
    file = forms.FileField(label=_("Feed file"), help_text=_("CSV (UTF-8 or GBK), XLSX or JSON."))
    kind = forms.ChoiceField(
        label=_("Kind"),
        choices=[("auto", _("Detect from the header")), ("licence", _("Licence")), ("penalty", _("Penalty")),
                 ("dishonest", _("Dishonest judgment debtor"))],
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


def store_upload(upload):
    folder = report_directory() / "uploads"
    folder.mkdir(parents=True, exist_ok=True)
    token = uuid.uuid4().hex
    safe_name = Path(upload.name).name.replace("/", "_")
    path = folder / f"{token}-{safe_name}"
    with open(path, "wb") as file:
        for chunk in upload.chunks():
            file.write(chunk)
    return path, report_directory() / f"{token}-{Path(safe_name).stem}-rejected.csv"


class ImportIndexView(ImportPermissionMixin, WagtailAdminTemplateMixin, TemplateView):
    page_title = _("Publicity data imports")
    header_icon = "table"
    template_name = "publicity/admin/import_index.html"
    breadcrumbs_items = WagtailAdminTemplateMixin.breadcrumbs_items + [{"url": "", "label": _("Publicity data imports")}]

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
        stored_path, report_path = store_upload(upload)
        run = ImportRun.objects.create(
            file_name=Path(upload.name).name[:255], stored_path=str(stored_path), report_path=str(report_path),
            requested_kind=form.cleaned_data["kind"], bytes_total=upload.size, created_by=request.user,
        )
        import_uploaded_feed.enqueue(run.pk)
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
        self.run = get_object_or_404(ImportRun, pk=pk)
        return super().get(request, pk=pk)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["run"] = self.run
        context["in_progress"] = self.run.status in (ImportRun.Status.QUEUED, ImportRun.Status.RUNNING)
        return context


def download_report(request, pk):
    if not request.user.has_perm(IMPORT_PERMISSION):
        raise PermissionDenied
    run = get_object_or_404(ImportRun, pk=pk)
    path = Path(run.report_path)
    if not run.report_path or not path.is_file():
        raise Http404
    return FileResponse(open(path, "rb"), as_attachment=True, filename=f"{Path(run.file_name).stem}-rejected.csv",
                        content_type="text/csv; charset=utf-8")
