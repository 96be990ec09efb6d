# Two commands for a newcomer: `make demo` and `make test`. See README.md.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
# uv comes from PyPI like everything else; a machine without it gets a private copy.
UV := $(shell command -v uv 2>/dev/null || echo .tools/bin/uv)
export UV_PYTHON_DOWNLOADS := never
export UV_PYTHON := $(PYTHON)

.PHONY: demo test lint check fmt messages lock clean

.tools/bin/uv:
	$(PYTHON) -m venv .tools
	.tools/bin/pip install --quiet uv

$(BIN)/.synced: requirements/dev.lock | $(UV)
	test -d $(VENV) || $(UV) venv --quiet $(VENV)
	$(UV) pip sync --quiet --python $(BIN)/python requirements/dev.lock
	touch $@

venv: $(BIN)/.synced

# Without DATABASE_URL, commands run against an embedded PostgreSQL (data in .pgdata/).
WITH_DB := $(BIN)/python scripts/embedded_pg.py --

demo: export DEBUG ?= true
demo: $(BIN)/.synced
	$(WITH_DB) sh -c '$(BIN)/python manage.py migrate --noinput \
	  && $(BIN)/python manage.py load_catalogues && $(BIN)/python manage.py seed_demo \
	  && exec $(BIN)/python manage.py runserver 127.0.0.1:8000'

test: lint node_modules/axe-core/axe.min.js
	$(WITH_DB) $(BIN)/pytest -n 2 --dist loadfile -p no:cacheprovider

# axe-core (npm) for the browser tests' accessibility checks; without npm they are skipped and
# say why (CI has npm and runs them).
node_modules/axe-core/axe.min.js: package-lock.json
	@if command -v npm >/dev/null 2>&1; then npm ci --no-audit --no-fund --silent; \
	  else echo "npm not found: the accessibility checks will be skipped"; fi

lint: $(BIN)/.synced
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports --no-cache
	$(WITH_DB) sh -c '$(BIN)/python manage.py check \
	  && $(BIN)/python manage.py makemigrations --check --dry-run && $(BIN)/mypy'

fmt: $(BIN)/.synced
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

messages: $(BIN)/.synced
	$(WITH_DB) $(BIN)/python manage.py makemessages -l en --ignore=.venv --ignore=.tools
	$(WITH_DB) $(BIN)/python manage.py compilemessages --ignore=.venv --ignore=.tools

lock: | $(UV)
	$(UV) pip compile pyproject.toml --extra dev --generate-hashes --python-version 3.11 -q -o requirements/dev.lock
	$(UV) pip compile pyproject.toml --generate-hashes --python-version 3.11 -q -o requirements/prod.lock

clean:
	rm -rf $(VENV) .tools .pgdata media node_modules
