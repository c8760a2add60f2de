# The two commands: `make run` and `make test`. Everything else is a helper for them.
VENV ?= .venv
PY := $(VENV)/bin/python
PYTHON ?= python3
PORT ?= 8000

.PHONY: run test install lint migrations-check deploy-check messages clean bench check-hard screens

$(VENV)/.installed: pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e ".[dev]"
	touch $@

install: $(VENV)/.installed

## Serve the platform with demo data on SQLite (tasks run in-process): nothing to configure.
run: install
	$(PY) manage.py migrate --noinput
	$(PY) manage.py load_demo
	$(PY) manage.py runserver 127.0.0.1:$(PORT)

## The whole suite: SQLite by default, PostgreSQL and Redis when DATABASE_URL and REDIS_URL are set.
test: install
	$(PY) -m pytest

## Reliability and security on the real stack, started on loopback on spare ports: a
## PostgreSQL and a Redis of its own, gunicorn, a Celery worker and beat (see tests/hard).
## Not part of `make test`; needs PostgreSQL's server programs and redis-server installed.
check-hard: install
	rm -f tests/artifacts/check-hard.txt
	$(PY) -m pytest tests/hard tests/security -o addopts="--strict-markers -p no:cacheprovider -p no:locust"
	@cat tests/artifacts/check-hard.txt

## Each role's journey in the browser (tests/browser), saving a full-page screenshot of every
## page at 1366 and 375 px to docs/screens/<role>-<width>-<page>.png. The page checks still
## apply: screenshots are of a passing product, so the target fails if a journey finds a problem
## (the screenshots are saved first, so the failing pages can be looked at).
screens: install
	SCREENS=1 $(PY) -m pytest tests/browser/test_journeys.py -q

## Style (ruff) and the floor plan (import-linter: the contracts in pyproject.toml, drawn in
## docs/architecture.md).
lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/lint-imports

migrations-check: install
	$(PY) manage.py makemigrations --check --dry-run

deploy-check: install
	DJANGO_SETTINGS_MODULE=xuchang_ecom.settings.production DJANGO_SECRET_KEY=$$(openssl rand -hex 32) \
	DJANGO_ALLOWED_HOSTS=example.org DATABASE_URL=sqlite:///:memory: EMAIL_URL=smtp+tls://user:password@smtp.example.org:587 \
	PERSONAL_DATA_KEYS=$$($(PY) -c "from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())") \
	PERSONAL_DATA_HASH_KEY=$$(openssl rand -hex 32) \
	$(PY) manage.py check --deploy --fail-level WARNING

## The speed goals on generated data (PostgreSQL and Redis; province scale takes about
## 15 minutes the first time, most of it generating the data). SCALE=tiny|city|province.
SCALE ?= province
BENCH_DATABASE ?= xuchang_bench_$(SCALE)
BENCH_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/$(BENCH_DATABASE)
BENCH_REDIS_URL ?= redis://127.0.0.1:6379/2
bench: install
	command -v wrk >/dev/null || apt-get install -y -q wrk
	psql "$(BENCH_DATABASE_URL)" -c "SELECT 1" >/dev/null 2>&1 \
		|| createdb -h 127.0.0.1 -U postgres $(BENCH_DATABASE)
	DATABASE_URL=$(BENCH_DATABASE_URL) REDIS_URL=$(BENCH_REDIS_URL) $(PY) manage.py migrate --noinput -v0
	DATABASE_URL=$(BENCH_DATABASE_URL) REDIS_URL=$(BENCH_REDIS_URL) $(PY) manage.py bench --scale $(SCALE) \
		$(if $(filter province,$(SCALE)),,--output -)

## Re-extract and compile the translation catalogues (needs GNU gettext; the compiled
## .mo files are committed so `make run` works without it).
messages: install
	$(PY) manage.py makemessages --locale zh_Hans --ignore '.venv/*' --ignore 'staticfiles/*' --no-obsolete
	$(PY) manage.py compilemessages --locale zh_Hans --ignore '.venv/*'

clean:
	rm -rf $(VENV) staticfiles db.sqlite3
