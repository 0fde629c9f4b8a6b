"""Feed files uploaded in the admin, and their rejected-rows reports, kept through Django's
storage API: ``STORAGES["publicity_uploads"]``. By default that is a private folder on this machine
(``PUBLICITY_REPORT_DIR``, var/publicity-reports); with several machines, a private bucket of an
object store, so that the worker that imports a file need not be the server that received it.

An import run records the storage name of its files (``uploads/…``, a relative name). Command-line
imports record absolute paths of the operator's own files, which stay where they are.
"""

import contextlib
import os
import shutil
import tempfile
import uuid
from pathlib import Path

from django.core.files import File
from django.core.files.storage import FileSystemStorage, storages

from publicity.importer import report_directory

STORAGE_ALIAS = "publicity_uploads"


class ReportFolderStorage(FileSystemStorage):
    """The private report folder (``report_directory()``, looked up on each use), never served."""

    @property
    def base_location(self):
        return self._location or str(report_directory())

    @property
    def location(self):
        return os.path.abspath(self.base_location)


def storage():
    return storages[STORAGE_ALIAS]


def is_stored(value):
    """Whether an import run's ``stored_path``/``report_path`` is a name in the storage."""
    return bool(value) and not os.path.isabs(value)


def report_name(file_name, token=None):
    """The storage name of a new rejected-rows report for a feed file called ``file_name``."""
    safe_name = Path(file_name).name.replace("/", "_")
    return f"{token or uuid.uuid4().hex}-{Path(safe_name).stem}-rejected.csv"


def store_upload(upload):
    """Save an uploaded feed file; (its storage name, the storage name its report will have)."""
    token = uuid.uuid4().hex
    safe_name = Path(upload.name).name.replace("/", "_")
    name = storage().save(f"uploads/{token}-{safe_name}", upload)
    return name, report_name(safe_name, token)


def file_exists(value):
    """Whether a run's file (a storage name or an operator's absolute path) is still there."""
    if not value:
        return False
    return storage().exists(value) if is_stored(value) else Path(value).is_file()


def local_path(name):
    """The file's path on this machine when the storage is a folder here, else None (object
    stores; in-memory storage, whose path() names a file that is not there)."""
    if not isinstance(storage(), FileSystemStorage):
        return None
    return storage().path(name)


class LocalFiles(contextlib.ExitStack):
    """An import run's feed file and report as files on this machine, for the importer: the stored
    file itself when the storage is a folder, else copies in a temporary folder, removed afterwards.

    with LocalFiles(run) as files:
        summary = import_feed(files.feed, report_path=files.report, …)
        report = files.keep_report(summary.report)  # what to record as the run's report_path
    """

    def __init__(self, run):
        super().__init__()
        self.run = run
        self.feed = run.stored_path
        self.report = run.report_path or None

    def __enter__(self):
        super().__enter__()
        if is_stored(self.run.stored_path):
            self.feed = local_path(self.run.stored_path) or self.download(self.run.stored_path)
        if is_stored(self.run.report_path):
            self.report = local_path(self.run.report_path) or str(
                Path(self.temporary_folder()) / "report.csv"
            )
        return self

    def temporary_folder(self):
        if not hasattr(self, "_folder"):
            self._folder = self.enter_context(tempfile.TemporaryDirectory(prefix="publicity-import-"))
        return self._folder

    def download(self, name):
        target = Path(self.temporary_folder()) / Path(name).name
        with storage().open(name, "rb") as source, open(target, "wb") as copy:
            shutil.copyfileobj(source, copy, 1024 * 1024)
        return str(target)

    def keep_report(self, written):
        """Put the report the importer wrote where the run records it; returns that record."""
        if not is_stored(self.run.report_path):
            return written
        if local_path(self.run.report_path):
            return self.run.report_path
        with open(written, "rb") as file:
            return storage().save(self.run.report_path, File(file))


def open_report(run):
    """The run's rejected-rows report opened for reading, or None when there is none."""
    if not run.report_path or run.files_removed_at:
        return None
    if is_stored(run.report_path):
        return storage().open(run.report_path, "rb") if storage().exists(run.report_path) else None
    path = Path(run.report_path)
    return open(path, "rb") if path.is_file() else None


def delete_stored(name, dry_run=False):
    """Delete a stored file; whether there was one."""
    if not storage().exists(name):
        return False
    if not dry_run:
        storage().delete(name)
    return True
