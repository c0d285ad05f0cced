# Developer and CI entry points.  Everything runs from the repo's own .venv; infrastructure
# (Kafka from Maven Central jars, PostgreSQL from Debian packages) is started as local
# processes by deploy/, never by Docker.
VENV := .venv
PY := $(VENV)/bin/python

.PHONY: bootstrap test lint run stop bench k8s backup restore

bootstrap:
	./scripts/bootstrap.sh

# pytest's exit status is passed through untouched, so "no tests collected" (exit 5)
# fails the build like any other failure. Two worker processes (pytest-xdist), one per core. Measured:
# 20-27 min of pytest on two workers against 25-30 min serially on 2 cores (the suite is CPU-bound).
# Each worker starts its own broker, database and provider (tests/conftest.py); a module's tests, and
# the browser and end-to-end packages, stay together on one worker (their platform is set up once).
TEST_WORKERS ?= 2
# The lint runs first (about 20 s): a type error or an unformatted file fails the build as a test would.
test: bootstrap
	$(MAKE) --no-print-directory lint
	$(VENV)/bin/pytest -n $(TEST_WORKERS) --dist loadscope

lint:
	$(VENV)/bin/ruff check . && $(VENV)/bin/ruff format --check shared services tests deploy tools bench && $(VENV)/bin/mypy shared services deploy tools bench && $(VENV)/bin/lint-imports && $(PY) -m deploy.k8s.check

run: bootstrap
	$(PY) -m deploy.run

# Stops whatever `make run` (or an interrupted test run) left behind, by pid file.
stop:
	@if [ -f deploy/run.py ]; then $(PY) -m deploy.run --stop || true; fi
	$(PY) -m deploy.kafka.cluster stop
	$(PY) -m deploy.postgres.local stop
	$(PY) -m deploy.identity.local stop

# Back up make run's stores at one moment, while the platform runs or not (var/backups/<time>/;
# deploy/backup.py). KEEP=14 deletes all but the newest 14.
backup: bootstrap
	$(PY) -m deploy.backup create --keep $(or $(KEEP),0)

# With the platform stopped: put a backup back (BACKUP=<name>, from `python -m deploy.backup list`),
# then `make run`: each service publishes its events again to a new broker.
restore: bootstrap
	@test -n "$(BACKUP)" || { echo "name the backup: make restore BACKUP=<name> (the names: $(PY) -m deploy.backup list)" >&2; exit 2; }
	$(PY) -m deploy.backup restore $(BACKUP)

bench:
	$(PY) -m bench

# The cluster manifests (deploy/k8s): render the production overlay, validate it offline against the
# vendored schemas, check the policy (also part of `make test`: tests/integration/deploy).
k8s: bootstrap
	$(PY) -m deploy.k8s.check
