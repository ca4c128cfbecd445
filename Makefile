# WorkOS: `make run` serves the demo, `make test` runs the whole suite.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
PORT ?= 8000
export DEBUG ?= 1
PYTEST_ARGS ?= --reuse-db

.PHONY: install run test bench lint worker beat clean

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --upgrade pip
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[dev]'
	@touch $(STAMP)

install: $(STAMP)

run: install
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py collectstatic --noinput -v0
	$(BIN)/python manage.py seed_demo --if-empty
	@echo "WorkOS on http://127.0.0.1:$(PORT)/ — sign in as olivia@example.com / workos-demo"
	$(BIN)/python manage.py runserver 127.0.0.1:$(PORT)

test: install
	$(BIN)/python manage.py makemigrations --check --dry-run
	$(BIN)/python -m pytest $(PYTEST_ARGS)

bench: install
	$(BIN)/python -m bench $(BENCH_ARGS)

lint: install
	$(BIN)/ruff check .
	$(BIN)/lint-imports

# One worker for every queue; in production, split them (see docker-compose.yml).
WORKER_QUEUES ?= events,webhooks,scheduled,default
worker: install
	$(BIN)/celery -A workos worker -Q $(WORKER_QUEUES) -l info

beat: install
	$(BIN)/celery -A workos beat -l info

clean:
	rm -rf $(VENV) staticfiles db.sqlite3
