# The two commands a newcomer needs: `make run` and `make test`.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run serve test install install-dev messages migrate demo check-gettext check-chromium check-npm clean

run: install messages migrate demo
	@echo "Serving http://$(HOST):$(PORT)/ ; admin at http://$(HOST):$(PORT)/admin/ (login: var/admin-password.txt)"
	@# The background worker (feed imports) and the scheduler run beside the web server and stop with it.
	$(BIN)/python -m integrity_site.serve --dev --host $(HOST) --port $(PORT)

# The production stack on this machine: gunicorn, whitenoise, the worker and the scheduler, with the
# production settings (docs/deployment.md). `make serve DEMO=1` loads the demo content first.
serve: install messages
	$(BIN)/python -m integrity_site.serve --host $(HOST) --port $(PORT) $(if $(DEMO),--demo)

test: install-dev messages check-chromium check-npm
	$(BIN)/python -m tests.harness $(ARGS)

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: requirements.txt | $(BIN)/python
	$(BIN)/python -m pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.installed-dev: requirements.txt requirements-dev.txt | $(BIN)/python
	$(BIN)/python -m pip install --quiet -r requirements-dev.txt
	touch $@ $(VENV)/.installed

install: $(VENV)/.installed
install-dev: $(VENV)/.installed-dev

# Compiled catalogues are build output: made from locale/*/LC_MESSAGES/django.po.
messages: check-gettext install
	$(BIN)/python manage.py compilemessages --ignore "$(VENV)/*" -v 0

# Django's compilemessages runs GNU gettext's msgfmt: Debian's `gettext` package.
check-gettext:
	@command -v msgfmt >/dev/null || { \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -q && apt-get install -y -q --no-install-recommends gettext; \
	  else echo "msgfmt is missing: install GNU gettext (sudo apt-get install gettext)"; exit 1; fi; }

# Browser tests drive Debian's Chromium through Playwright (a browser download is not used).
check-chromium:
	@command -v chromium >/dev/null || { \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -q && apt-get install -y -q --no-install-recommends chromium; \
	  else echo "chromium is missing: install Debian's chromium package (sudo apt-get install chromium)"; exit 1; fi; }

# The accessibility and HTML checks install axe-core and vnu-jar with npm (tests/node/package.json).
check-npm:
	@command -v npm >/dev/null || { \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -q && apt-get install -y -q --no-install-recommends npm; \
	  else echo "npm is missing: install Node.js and npm (sudo apt-get install npm)"; exit 1; fi; }

migrate: install
	$(BIN)/python manage.py migrate --no-input -v 1

demo: install
	$(BIN)/python manage.py load_demo_content

clean:
	rm -rf $(VENV) .cache db.sqlite3 media static var
