# Two commands: `make run` (local stack with demo data) and `make test`.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-dev
PYTEST_ARGS ?=

.PHONY: run test lint typecheck messages routes compile check-messages package reconcile audit-verify bench browser clean \
	deploy secrets admin vipps-webhook

$(STAMP): requirements.txt requirements-dev.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --disable-pip-version-check 'pip<26.3'
	$(PY) -m pip install -q --disable-pip-version-check -r requirements-dev.txt
	touch $(STAMP)

compile: $(STAMP)
	$(PY) -m devtools.messages compile

run: compile
	$(PY) -m devtools.run_local

browser:
	@command -v chromium >/dev/null || { \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -q && apt-get install -y -q chromium; \
	  else echo "Browser tests need Debian's chromium: sudo apt-get install chromium"; exit 1; fi; }

lint: $(STAMP)
	$(PY) -m ruff check app.py chalicelib devtools tests bench

typecheck: $(STAMP)
	$(PY) -m mypy chalicelib

messages: $(STAMP)
	$(PY) -m devtools.messages extract

routes: $(STAMP)
	$(PY) -m devtools.routes

check-messages: $(STAMP)
	$(PY) -m devtools.messages check

test: compile browser lint typecheck check-messages
	$(PY) -m pytest $(PYTEST_ARGS)

package: compile
	$(PY) -m devtools.package

# Against a deployed stack: make reconcile STAGE=prod STACK=<stack>
reconcile: compile
	$(PY) -m devtools.reconcile

# The audit log against its nightly seals: make audit-verify [STAGE=prod STACK=<stack>]
audit-verify: compile
	$(PY) -m devtools.audit_verify

# make deploy STAGE=prod STACK=... DEPLOY_BUCKET=... MAIL_FROM=... OPERATOR_EMAIL=...
# (every setting: docs/operations.md); checks them all before uploading anything.
deploy: compile
	$(PY) -m devtools.deploy

# make secrets STACK=... [SKATTEETATEN_KEY_FILE=key.pem]: asks for the secrets and
# stores them in Parameter Store (the Maskinporten key from that PEM file).
secrets: $(STAMP)
	$(PY) -m devtools.secrets

# make vipps-webhook STACK=...: registers the stack's Vipps webhook once, keeps its secret.
vipps-webhook: $(STAMP)
	$(PY) -m devtools.vipps_webhook

# make admin EMAIL=... STACK=...: the first administrator (Cognito user + admin group).
admin: $(STAMP)
	$(PY) -m devtools.admin

bench: compile
	for b in bench/[!_]*.py; do echo "== $$b"; $(PY) $$b || exit 1; done

clean:
	rm -rf build .pytest_cache .mypy_cache .ruff_cache
	find chalicelib -name '*.mo' -delete
