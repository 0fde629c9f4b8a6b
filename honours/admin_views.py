"""The admin's spreadsheet import of an honour list: upload, a preview of every row (what would be
added, changed or left alone, and every rejected row with its reason), then the import into the
list's draft. The rows travel from the preview to the import in a signed form field, so that
nothing is kept on the server between the two steps and any server can take the second."""

import contextlib
import os
import tempfile

from django import forms
from django.contrib import messages
from django.core import signing
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.generic import TemplateView
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.models import Locale

from honours import imports
from honours.models import HonourCategory, HonourIndexPage, HonourListPage

ALLOWED_EXTENSIONS = (".csv", ".txt", ".xlsx")
MAX_UPLOAD_BYTES = 10 * 1024 * 1024
SIGNING_SALT = "honours.import"
PREVIEW_MAX_AGE = 60 * 60  # seconds an editor has between the preview and the import


def editable_lists(user):
    lists = HonourListPage.objects.filter(locale=Locale.get_default()).order_by("-year", "title")
    return [page for page in lists if page.permissions_for_user(user).can_edit()]


def indexes_to_add_to(user):
    indexes = HonourIndexPage.objects.filter(locale=Locale.get_default())
    return [index for index in indexes if index.permissions_for_user(user).can_add_subpage()]


def may_import(user):
    return bool(editable_lists(user) or indexes_to_add_to(user))


class HonourImportForm(forms.Form):
    file = forms.FileField(
        label=_("Spreadsheet"),
        help_text=_(
            "XLSX or CSV (UTF-8 or GBK). Columns: 名称/姓名 (required), 统一社会信用代码, 单位, 街道, 事迹/称号, "
            "照片 (the file name of an image already in the library)."
        ),
    )
    honour_list = forms.ChoiceField(label=_("Import into"), required=False)
    title = forms.CharField(label=_("New list's title"), max_length=255, required=False)
    year = forms.IntegerField(label=_("New list's year"), min_value=1949, max_value=2100, required=False)
    category = forms.ChoiceField(
        label=_("New list's category"), choices=[("", "—"), *HonourCategory.choices], required=False
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.lists = {str(page.pk): page for page in editable_lists(user)}
        self.indexes = indexes_to_add_to(user)
        choices = [(key, f"{page.title}（{page.year}）") for key, page in self.lists.items()]
        if self.indexes:
            choices.insert(0, ("new", _("A new list (unpublished)")))
        self.fields["honour_list"].choices = choices

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if not upload.name.lower().endswith(ALLOWED_EXTENSIONS):
            raise forms.ValidationError(_("Upload an XLSX or CSV file."))
        if upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError(_("The file is larger than 10 MB; an honour list is much smaller."))
        return upload

    def clean(self):
        cleaned = super().clean()
        target = cleaned.get("honour_list")
        if not target:
            self.add_error("honour_list", _("Choose the list to import into."))
        elif target == "new":
            for field in ("title", "year", "category"):
                if not cleaned.get(field):
                    self.add_error(field, _("A new list needs this."))
        return cleaned


def read_upload(upload):
    """The uploaded file read as an honour list (a temporary copy, removed at once)."""
    suffix = os.path.splitext(upload.name)[1].lower()
    with tempfile.NamedTemporaryFile(suffix=suffix, delete=False) as copy:
        for chunk in upload.chunks():
            copy.write(chunk)
    try:
        return imports.read_honour_file(copy.name)
    finally:
        with contextlib.suppress(OSError):
            os.unlink(copy.name)


class HonourImportView(WagtailAdminTemplateMixin, TemplateView):
    page_title = _("Import an honour list")
    header_icon = "upload"
    template_name = "honours/admin/import.html"

    def dispatch(self, request, *args, **kwargs):
        if not may_import(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_breadcrumbs_items(self):
        return [*super().get_breadcrumbs_items(), {"url": "", "label": self.page_title}]

    def get(self, request, *args, **kwargs):
        initial = {"honour_list": request.GET.get("list", "")}
        return self.render_to_response(
            self.get_context_data(form=HonourImportForm(user=request.user, initial=initial))
        )

    def post(self, request):
        if "rows" in request.POST:
            return self.import_previewed(request)
        form = HonourImportForm(request.POST, request.FILES, user=request.user)
        if not form.is_valid():
            return self.render_to_response(self.get_context_data(form=form))
        try:
            honour_file = read_upload(form.cleaned_data["file"])
        except imports.HonourFileUnreadable as error:
            form.add_error("file", str(error))
            return self.render_to_response(self.get_context_data(form=form))
        target = form.cleaned_data["honour_list"]
        page = form.lists.get(target)
        changes = (
            imports.planned_changes(page, honour_file.rows) if page else ["create"] * len(honour_file.rows)
        )
        payload = {
            "list": page.pk if page else None,
            "new": None
            if page
            else {
                "parent": form.indexes[0].pk,
                "title": form.cleaned_data["title"],
                "year": form.cleaned_data["year"],
                "category": form.cleaned_data["category"],
            },
            "file": os.path.basename(form.cleaned_data["file"].name),
            "rows": [
                {"line": row.line, "fields": list(row.fields), **row.values()} for row in honour_file.rows
            ],
        }
        context = self.get_context_data(
            preview=True,
            page=page,
            new_list=payload["new"],
            file_name=payload["file"],
            rows=list(zip(honour_file.rows, changes, strict=True)),
            problems=honour_file.problems,
            counts={change: changes.count(change) for change in ("create", "update", "unchanged")},
            token=signing.dumps(payload, salt=SIGNING_SALT, compress=True),
        )
        return self.render_to_response(context)

    def import_previewed(self, request):
        try:
            payload = signing.loads(request.POST["rows"], salt=SIGNING_SALT, max_age=PREVIEW_MAX_AGE)
        except signing.BadSignature:
            messages.error(
                request, gettext("The preview has expired or was changed; please upload the file again.")
            )
            return redirect("honours_import")
        if payload["list"]:
            page = HonourListPage.objects.filter(pk=payload["list"]).first()
            if page is None or not page.permissions_for_user(request.user).can_edit():
                raise PermissionDenied
        else:
            new = payload["new"]
            parent = HonourIndexPage.objects.filter(pk=new["parent"]).first()
            if parent is None or not parent.permissions_for_user(request.user).can_add_subpage():
                raise PermissionDenied
            page = imports.create_draft_list(
                parent, title=new["title"], year=new["year"], category=new["category"], user=request.user
            )
        rows = [
            imports.HonourRow(
                line=row["line"], fields=tuple(row["fields"]), **{key: row[key] for key in row["fields"]}
            )
            for row in payload["rows"]
        ]
        summary = imports.import_rows(page, rows, user=request.user, file_name=payload["file"])
        messages.success(
            request,
            gettext(
                "Imported into the draft of “%(title)s”: %(created)d added, %(updated)d changed, %(unchanged)d "
                "unchanged. Review the draft and submit it for moderation."
            )
            % {
                "title": page.title,
                "created": summary.created,
                "updated": summary.updated,
                "unchanged": summary.unchanged,
            },
        )
        return redirect(reverse("wagtailadmin_pages:edit", args=[page.pk]))
