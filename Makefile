# Set-up is part of every target: a fresh machine needs only `make serve` or `make test`.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
INSTALLED := $(VENV)/.installed
PORT ?= 8000
STAGE ?= dev
# Wheels for the Lambda platform, fetched once: `chalice package` then builds without the network.
WHEELHOUSE := .cache/wheelhouse
WHEELS := $(WHEELHOUSE)/.complete
PACKAGE_DIR := build/package
# checkov pins boto3 and networkx versions of its own: it lives in a virtualenv apart from the app's.
CHECKOV_VENV := .venv-checkov
CHECKOV := $(CHECKOV_VENV)/.installed
# Offline: no platform download (--skip-download), no version check on PyPI.
CHECKOV_RUN := CKV_SKIP_PACKAGE_UPDATE_CHECK=true $(CHECKOV_VENV)/bin/checkov \
	--framework cloudformation --skip-download --compact

.PHONY: serve test bench lint format package browser audit checkov fuzz

$(INSTALLED): requirements.txt requirements-dev.txt pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements-dev.txt -e '.[cli]'
	touch $@

# chalice first asks pip for this machine's wheels, then for Lambda's: off Linux x86_64 both are needed.
$(WHEELS): requirements.txt $(INSTALLED)
	$(PY) -m pip download --quiet --only-binary=:all: --platform manylinux2014_x86_64 \
		--python-version 3.11 --implementation cp -r requirements.txt -d $(WHEELHOUSE)
	if [ "$$(uname -sm)" != "Linux x86_64" ]; then \
		$(PY) -m pip download --quiet --only-binary=:all: -r requirements.txt -d $(WHEELHOUSE); fi
	touch $@

# build/package/: deployment.zip and sam.json (the app, its bucket and table) for CloudFormation.
# A stage naming no citation source is refused first; its ids become the stack's parameters.
package: $(WHEELS)
	$(PY) -m scripts.stack_parameters $(STAGE)
	rm -rf $(PACKAGE_DIR)
	$(PY) -m scripts.compile_templates
	AWS_DEFAULT_REGION="$${AWS_DEFAULT_REGION:-us-east-1}" PIP_NO_INDEX=1 \
		PIP_FIND_LINKS="$(CURDIR)/$(WHEELHOUSE)" $(VENV)/bin/chalice package --stage $(STAGE) \
		--merge-template deploy/resources.json $(PACKAGE_DIR)
	$(PY) -m scripts.precompile_package $(PACKAGE_DIR)/deployment.zip
	$(PY) -m scripts.stack_parameters $(STAGE) $(PACKAGE_DIR)/sam.json

$(CHECKOV): requirements-checkov.txt
	$(PYTHON) -m venv $(CHECKOV_VENV)
	$(CHECKOV_VENV)/bin/python -m pip install --quiet -r requirements-checkov.txt
	touch $@

# The gate tests/test_checkov.py runs on every `make test`, on the package of `make package`.
checkov: package $(CHECKOV)
	$(CHECKOV_RUN) --quiet -f $(PACKAGE_DIR)/sam.json

serve: $(INSTALLED)
	PORT=$(PORT) $(VENV)/bin/acadpage serve --port $(PORT)

lint: $(INSTALLED)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: $(INSTALLED)
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

test: lint $(WHEELS) $(CHECKOV) browser node_modules/.installed
	$(PY) -m pytest

bench: package
	$(PY) -m benchmarks

# Structure-aware mutations of every input kind (scripts/fuzz.py); SEED=n for another campaign.
fuzz: $(INSTALLED)
	$(PY) -m scripts.fuzz --cases $${CASES:-5000} --seed $${SEED:-1}

# They package the example site's profile (never deployed) unless the shell names another.
bench checkov: export ACADPAGE_SCHOLAR_ID ?= DhtAFkwAAAAJ

# The browser tests and the audit drive Debian's Chromium (Playwright's own download does not
# work here), with an emoji font for the section icons in the screenshots; node runs the stack's
# CloudFront Function, npm the IAM simulator, strace watches checkov. As root on Debian or
# Ubuntu this installs what is missing; elsewhere it says what to install and those tests skip
# (`.ci/run` fails on any skipped test: CI skips nothing).
APT_INSTALL := DEBIAN_FRONTEND=noninteractive apt-get install -y -qq
CAN_APT := command -v apt-get >/dev/null 2>&1 && [ "$$(id -u)" = 0 ]
BROWSER_HINT := install Chromium and an emoji font (Debian/Ubuntu, as root: apt-get install \
	chromium fonts-noto-color-emoji; elsewhere install Chromium or Chrome and set ACADPAGE_CHROMIUM)
browser:
	@[ -n "$$ACADPAGE_CHROMIUM" ] || command -v chromium >/dev/null 2>&1 || \
		if $(CAN_APT); then apt-get update -qq && $(APT_INSTALL) chromium >/dev/null; \
		else echo "no Chromium, the browser tests will skip: $(BROWSER_HINT)"; fi
	@fc-list 2>/dev/null | grep -qi "color emoji" || \
		if $(CAN_APT); then apt-get update -qq && $(APT_INSTALL) fonts-noto-color-emoji >/dev/null; \
		else echo "no colour emoji font, the screenshots show boxes: $(BROWSER_HINT)"; fi
	@command -v node >/dev/null 2>&1 || \
		if $(CAN_APT); then apt-get update -qq && $(APT_INSTALL) nodejs >/dev/null; \
		else echo "no node, the CloudFront Function tests will skip: install nodejs"; fi
	@command -v npm >/dev/null 2>&1 || \
		if $(CAN_APT); then apt-get update -qq && $(APT_INSTALL) npm >/dev/null; \
		else echo "no npm, the IAM simulator tests will skip: install npm"; fi
	@command -v strace >/dev/null 2>&1 || \
		if $(CAN_APT); then apt-get update -qq && $(APT_INSTALL) strace >/dev/null; \
		else echo "no strace, checkov's offline check will skip: install strace"; fi

node_modules/.installed: package.json package-lock.json
	npm ci --silent --no-audit --no-fund
	touch $@

# Lighthouse on the example site served locally: prints the four category scores.
audit: $(INSTALLED) browser node_modules/.installed
	CHROME_PATH="$$(command -v chromium)" $(PY) -m scripts.audit
