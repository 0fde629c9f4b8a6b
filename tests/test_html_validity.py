"""Every page type, in both languages and in the states residents meet, is valid HTML by the Nu
HTML checker (vnu.jar, the W3C's validator, pinned in tests/node/package.json): no errors.
Its warnings are reported as test warnings but do not fail."""

import json
import subprocess
import warnings

import pytest

from tests import page_types
from tests.services import node_tools

pytestmark = pytest.mark.django_db

CHECK_TIMEOUT = 300  # seconds: one Java start and a few dozen documents


def nu_messages(paths):
    """The checker's messages about the documents at ``paths``, in one run of it."""
    try:
        command = node_tools.vnu_command()
    except RuntimeError as error:
        pytest.fail(str(error), pytrace=False)
    result = subprocess.run(
        [*command, "--format", "json", "--exit-zero-always", *map(str, paths)],
        capture_output=True,
        text=True,
        timeout=CHECK_TIMEOUT,
    )
    try:
        return json.loads(result.stderr)["messages"]
    except (json.JSONDecodeError, KeyError):
        pytest.fail(
            f"The Nu HTML checker did not report (exit {result.returncode}):\n{result.stderr[-3000:]}"
        )


def describe(message, visit):
    where = f"line {message.get('lastLine', '?')}"
    extract = " ".join(message.get("extract", "").split())
    return f"{visit}, {where}: {message['message']}" + (f"\n      {extract}" if extract else "")


def test_every_page_type_is_valid_html_in_both_languages(
    client, site, tmp_path, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):  # search indexing runs on commit
        visits = page_types.build()
    documents = {}
    for number, visit in enumerate(visits):
        response = client.post(visit.path, {}) if visit.submit else client.get(visit.path)
        assert response.status_code == visit.status, visit
        assert not visit.submit or b'class="field-error"' in response.content, visit
        path = tmp_path / f"page-{number:02d}.html"
        path.write_bytes(response.content)
        documents[path] = visit

    messages = nu_messages(documents)
    visit_of = {f"file:{path}": visit for path, visit in documents.items()}
    errors = [m for m in messages if m["type"] in ("error", "non-document-error")]
    for message in messages:
        if message["type"] == "info" and message.get("subType") == "warning":
            warnings.warn(
                f"Nu HTML checker: {describe(message, visit_of.get(message.get('url')))}", stacklevel=1
            )
    assert not errors, f"{len(errors)} errors in {len({m.get('url') for m in errors})} pages:\n" + "\n".join(
        "  - " + describe(message, visit_of.get(message.get("url"))) for message in errors
    )
