# Two commands for people: `make serve` (start the apps) and `make test` (check everything).
# Both build on `make install`, which creates or updates .venv.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 8866
ZTMO_HOST ?= 127.0.0.1
export PORT ZTMO_HOST

.PHONY: install install-test serve test bench data clean chromium postgresql zbar nginx

$(PY):
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip

# Re-install only when the project's dependencies change.
$(VENV)/.installed: pyproject.toml | $(PY)
	$(PY) -m pip install --quiet -e .
	$(PY) -m ipykernel install --sys-prefix --name python3 --display-name "Python 3 (ztmo)" >/dev/null
	touch $@

$(VENV)/.installed-test: $(VENV)/.installed
	$(PY) -m pip install --quiet -e ".[test]"
	touch $@

install: $(VENV)/.installed

# Debian's chromium for the browser tests (never `playwright install`: it cannot download here).
chromium:
	@if [ ! -x /usr/bin/chromium ]; then \
	  if [ "$$(id -u)" = "0" ]; then \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	  else echo "Let op: /usr/bin/chromium ontbreekt; installeer het Debian-pakket 'chromium'."; fi; \
	fi

# Debian's PostgreSQL for the store tests: they start a throwaway server of their own.
postgresql:
	@if ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then \
	  if [ "$$(id -u)" = "0" ]; then \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null; \
	  else echo "Let op: PostgreSQL ontbreekt; installeer het Debian-pakket 'postgresql' (zonder worden de PostgreSQL-tests overgeslagen; in CI falen ze)."; fi; \
	fi

# Debian's zbar-tools: a real QR decoder, so the tests read the projector's QR code as a phone does.
zbar:
	@if ! command -v zbarimg >/dev/null 2>&1; then \
	  if [ "$$(id -u)" = "0" ]; then \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq zbar-tools >/dev/null; \
	  else echo "Let op: zbarimg ontbreekt; installeer het Debian-pakket 'zbar-tools'."; fi; \
	fi

# Debian's nginx (and openssl for a self-signed certificate): the hosted-server tests put the
# site file from deploy/ in front of the server. The tests start their own nginx on a free
# loopback port; the package's own service is not needed (and not started here).
nginx:
	@if ! command -v nginx >/dev/null 2>&1 && [ ! -x /usr/sbin/nginx ]; then \
	  if [ "$$(id -u)" = "0" ]; then \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nginx openssl >/dev/null; \
	  else echo "Let op: nginx ontbreekt; installeer het Debian-pakket 'nginx'."; fi; \
	fi

install-test: $(VENV)/.installed-test chromium postgresql zbar nginx

serve: install
	$(VENV)/bin/ztmo serve

# Two processes (a module stays in one, the longest first): about 14 instead of 19 minutes
# on 2 cores. One process: `$(PY) -m pytest`.
test: install-test
	$(PY) -m pytest -n 2 --dist loadfile

bench: install-test
	$(PY) benchmarks/run.py
	$(PY) benchmarks/store.py
	$(PY) benchmarks/live.py
	$(PY) benchmarks/editions.py
	$(PY) benchmarks/report.py
	$(PY) benchmarks/burst.py
	$(PY) benchmarks/walk.py
	$(PY) benchmarks/pacing.py
	$(PY) benchmarks/votes.py

data: install
	$(PY) scripts/derive_data.py

clean:
	rm -rf $(VENV) var build
