"""Deployment pieces: the nginx site configuration passes `nginx -t`, the shared cache and the
search engine come from URLs, and /healthz names the part that does not answer."""

import os
import shutil
import subprocess
from pathlib import Path

import pytest
from django.conf import settings

from integrity_site.cache_settings import cache_setting
from search.backend_settings import search_backends_setting
from tests.services.debian import apt_install

SITE_CONFIGURATION = Path(settings.BASE_DIR) / "deploy" / "nginx" / "integrity-site.conf"
SNAKEOIL = Path("/etc/ssl/certs/ssl-cert-snakeoil.pem")


def nginx_binary():
    """Debian's nginx (and the ssl-cert placeholder certificate the site file names), installed
    with apt-get when missing and running as root."""
    found = shutil.which("nginx") or ("/usr/sbin/nginx" if os.path.exists("/usr/sbin/nginx") else None)
    if found and SNAKEOIL.exists():
        return found
    was_running = Path("/run/nginx.pid").exists()
    try:
        apt_install("nginx", "ssl-cert")
    except RuntimeError as exc:
        pytest.fail(
            f"nginx -t needs Debian's nginx and ssl-cert packages, which are missing, and {exc}",
            pytrace=False,
        )
    found = shutil.which("nginx") or "/usr/sbin/nginx"
    if not was_running and Path("/run/nginx.pid").exists():
        # The package's install script started the default server: this test needs none.
        subprocess.run([found, "-s", "quit"], capture_output=True)
    return found


def test_the_nginx_site_configuration_passes_nginx_t(tmp_path):
    nginx = nginx_binary()
    configuration = tmp_path / "nginx.conf"
    temporary = {name: tmp_path / name for name in ("body", "proxy", "fastcgi", "uwsgi", "scgi")}
    configuration.write_text(
        f"""
pid {tmp_path}/nginx.pid;
error_log {tmp_path}/error.log;
events {{ }}
http {{
    include /etc/nginx/mime.types;
    access_log off;
    client_body_temp_path {temporary["body"]};
    proxy_temp_path {temporary["proxy"]};
    fastcgi_temp_path {temporary["fastcgi"]};
    uwsgi_temp_path {temporary["uwsgi"]};
    scgi_temp_path {temporary["scgi"]};
    include {SITE_CONFIGURATION};
}}
"""
    )
    result = subprocess.run(
        [nginx, "-t", "-p", str(tmp_path), "-c", str(configuration), "-e", str(tmp_path / "error.log")],
        capture_output=True,
        text=True,
    )

    assert result.returncode == 0, result.stderr
    assert "test is successful" in result.stderr


@pytest.mark.parametrize(
    ("url", "backend", "location"),
    [
        ("redis://cache.internal:6379/0", "redis.RedisCache", "redis://cache.internal:6379/0"),
        (
            "rediss://a:6379/0,rediss://b:6379/0",
            "redis.RedisCache",
            ["rediss://a:6379/0", "rediss://b:6379/0"],
        ),
        ("db://site_cache", "db.DatabaseCache", "site_cache"),
        ("file:///var/cache/integrity-site", "filebased.FileBasedCache", "/var/cache/integrity-site"),
        ("locmem://", "locmem.LocMemCache", None),
    ],
)
def test_the_cache_comes_from_one_url(url, backend, location):
    conf = cache_setting(url, key_prefix="lixia")
    assert conf["BACKEND"] == f"django.core.cache.backends.{backend}"
    assert conf.get("LOCATION") == location
    assert conf["KEY_PREFIX"] == "lixia"


def test_redis_calls_time_out_and_an_unknown_cache_url_is_refused():
    assert cache_setting("redis://127.0.0.1:6379/0")["OPTIONS"]["socket_connect_timeout"] <= 5
    with pytest.raises(ValueError, match="CACHE_URL must start with"):
        cache_setting("memcached://127.0.0.1:11211")


def test_without_a_url_production_shares_a_file_cache_and_development_keeps_memory(tmp_path):
    assert cache_setting("", default_dir=tmp_path)["BACKEND"].endswith("FileBasedCache")
    assert cache_setting("")["BACKEND"].endswith("LocMemCache")


def test_the_search_url_may_name_several_nodes_of_a_cluster():
    conf = search_backends_setting("http://search-1:9200, http://search-2:9200,http://search-3:9200")
    assert conf["default"]["URLS"] == ["http://search-1:9200", "http://search-2:9200", "http://search-3:9200"]


@pytest.mark.django_db
def test_health_answers_200_when_every_part_answers(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json()["status"] == "ok"
    assert response.headers["Cache-Control"].startswith("max-age=0")


@pytest.mark.django_db
def test_health_answers_503_naming_the_search_engine_when_it_does_not_answer(client, settings):
    closed = "http://127.0.0.1:9"  # the discard port: nobody listens on loopback
    settings.ELASTICSEARCH_URL = closed
    settings.WAGTAILSEARCH_BACKENDS = search_backends_setting(closed)

    response = client.get("/healthz")

    assert response.status_code == 503
    assert response.json()["failing"] == ["search"]
    assert response.json()["checks"]["database"]["ok"]
