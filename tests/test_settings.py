"""Configuration comes from the environment, with production refusing unsafe defaults."""

import os
import subprocess
import sys

import pytest
from django.conf import settings

from search.backend_settings import search_backends_setting

PRODUCTION_ENV = {
    "DJANGO_SETTINGS_MODULE": "integrity_site.settings.production",
    "ALLOWED_HOSTS": "xinyong.example.org",
    "DATABASE_URL": "sqlite:////tmp/integrity-site-deploy-check.sqlite3",
}


def manage(*args, **env):
    clean = {
        key: value
        for key, value in os.environ.items()
        if key not in ("SECRET_KEY", "DJANGO_SETTINGS_MODULE", "DATABASE_URL", "ELASTICSEARCH_URL")
    }
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=settings.BASE_DIR,
        env={**clean, **env},
        capture_output=True,
        text=True,
    )


def test_production_refuses_to_start_without_a_secret_key():
    result = manage("check", **PRODUCTION_ENV)
    assert result.returncode != 0
    assert "SECRET_KEY is not set" in result.stderr


def test_production_passes_the_deployment_checklist():
    result = manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        SECRET_KEY="x" * 20 + "a-long-and-random-production-secret-key",
        **PRODUCTION_ENV,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_without_a_search_url_the_database_backend_serves_search():
    assert search_backends_setting("")["default"]["BACKEND"] == "search.backends.database"


@pytest.mark.parametrize(
    ("engine", "backend"),
    [
        ("opensearch", "search.backends.engines.OpenSearchBackend"),
        ("elasticsearch", "search.backends.engines.ElasticsearchBackend"),
    ],
)
def test_a_search_url_selects_the_engine_backend_with_the_index_prefix(engine, backend):
    conf = search_backends_setting("http://127.0.0.1:9200", engine=engine, index_prefix="lixia_")["default"]
    assert conf["BACKEND"] == backend
    assert conf["URLS"] == ["http://127.0.0.1:9200"]
    assert conf["INDEX_PREFIX"] == "lixia_"


def test_an_unknown_search_engine_is_refused_with_the_choices():
    with pytest.raises(ValueError, match="elasticsearch, opensearch"):
        search_backends_setting("http://127.0.0.1:9200", engine="solr")


def test_the_database_comes_from_database_url():
    result = manage(
        "shell",
        "-v",
        "0",
        "-c",
        "from django.db import connection; print(connection.vendor)",
        DJANGO_SETTINGS_MODULE="integrity_site.settings.dev",
        DATABASE_URL="postgresql://user:pw@127.0.0.1:1/none",
    )
    assert result.stdout.strip() == "postgresql"
