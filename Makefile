# SCS Registry: the two commands a newcomer needs are `make run` and `make test`.
VENV    ?= .venv
PY      := $(VENV)/bin/python
ADDR    ?= 127.0.0.1:8000
PG_URL  ?= postgres://portal:portal@127.0.0.1:5432/portal
REDIS   ?= redis://127.0.0.1:6379
TEST_ENV = DATABASE_URL=$(PG_URL) REDIS_URL=$(REDIS)/2 CELERY_BROKER_URL=$(REDIS)/0 \
           CELERY_RESULT_BACKEND=$(REDIS)/1
APPS    := core accounts bodies notifications scheme assessments certification registry

.PHONY: run test check bench assets install messages compilemessages clean

# --- installation --------------------------------------------------------------------------------
$(VENV)/.installed: pyproject.toml scripts/requirements.py
	python3 -m venv $(VENV)
	$(PY) -m pip install -q --progress-bar off --upgrade pip
	python3 scripts/requirements.py dev | $(PY) -m pip install -q --progress-bar off -r /dev/stdin
	touch $@

node_modules/.installed: package.json package-lock.json
	bash scripts/apt-deps.sh runtime
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

# Front-end build: npm packages (pinned by package-lock.json) → static/dist, served by whitenoise.
static/dist/app.css: node_modules/.installed scripts/build-assets.mjs $(wildcard static/src/*)
	node scripts/build-assets.mjs

assets: static/dist/app.css

install: $(VENV)/.installed assets

# --- 1) the portal on embedded defaults: SQLite, eager Celery, console e-mail ----------------
run: install
	bash scripts/apt-deps.sh runtime
	$(PY) manage.py migrate --noinput
	$(PY) manage.py load_catalogue
	$(PY) manage.py seed_demo
	$(PY) manage.py runserver $(ADDR)

# --- 2) the whole suite against real PostgreSQL and Redis (+ Debian Chromium) ----------------
test: install
	bash scripts/services.sh
	$(TEST_ENV) $(PY) -m pytest --create-db $(PYTEST_ARGS)

# --- static checks -----------------------------------------------------------------------------
check: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(TEST_ENV) $(VENV)/bin/mypy .
	$(PY) manage.py makemigrations --check --dry-run
	DJANGO_SETTINGS_MODULE=config.settings.production DJANGO_ALLOWED_HOSTS=registry.example.jp \
	  DATABASE_URL=$(PG_URL) REDIS_URL=$(REDIS)/2 CELERY_BROKER_URL=$(REDIS)/0 \
	  DJANGO_SECRET_KEY=$$($(PY) -c 'import secrets; print(secrets.token_urlsafe(60))') \
	  LEDGER_SIGNING_KEY=$$($(PY) -c 'import base64, os; print(base64.b64encode(os.urandom(32)).decode())') \
	  DJANGO_FIELD_ENCRYPTION_KEY=$$($(PY) -c 'from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())') \
	  $(PY) manage.py check --deploy --fail-level WARNING
	$(PY) scripts/validate_compose.py docker-compose.yml
	$(PY) scripts/check_messages.py

# --- translations: each app keeps its own catalogue; project-level strings live in config/ ----
messages: $(VENV)/.installed
	for app in $(APPS); do (cd $$app && mkdir -p locale && ../$(PY) ../manage.py makemessages -l ja --no-obsolete --no-location); done
	$(PY) manage.py makemessages -l ja --no-obsolete --no-location $(foreach a,$(APPS) node_modules .venv tests static staticfiles,--ignore '$(a)/*')

compilemessages: $(VENV)/.installed
	$(PY) manage.py compilemessages --ignore '.venv/*' --ignore 'node_modules/*'

bench: install
	bash scripts/services.sh
	$(TEST_ENV) $(PY) -m pytest benchmarks -p no:randomly -q

clean:
	rm -rf $(VENV) node_modules static/dist/* staticfiles db.sqlite3
