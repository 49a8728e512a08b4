# The two commands a new user needs:  `make digest`  and  `make test`.
PYTHON ?= python3.11
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: digest test check soak install browser clean

# The first run starts a Prefect server in the background; later runs reuse it (`nttr server stop`).
digest: $(STAMP)  ## install, then summarize seeds/ into outputs/<date>/
	$(BIN)/nttr run seeds

test: $(STAMP) browser  ## install, then run the whole test suite
	$(BIN)/python -m pytest

# The quick loop while working: every module's tests but the slow ones (whole corpora, the month soak).
check: $(STAMP)  ## install, then run the quick tests (pytest -m "not slow", one process per core)
	$(BIN)/python -m pytest -m "not slow" -q -n auto

# The month simulation (tests/soak): 30 days of feeds, faults and mail on loopback, with its checks.
soak: $(STAMP)  ## install, then play a month of daily digests (DAYS=30)
	$(BIN)/python -m tests.soak --days $${DAYS:-30}

install: $(STAMP)

# torch is installed first and pinned: that takes the CPU build; anything else pulls CUDA.
$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet torch==2.13.0
	$(BIN)/pip install --quiet -e '.[dev,eval]'
	$(BIN)/python -m compileall -q summarizer flows >/dev/null  # bytecode now, where PYTHONDONTWRITEBYTECODE is set
	touch $(STAMP)

# Headless Chromium checks the HTML outputs; installed from Debian when missing and we may.
browser:
	@command -v chromium >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	  else echo "chromium not found: browser tests will be skipped (apt-get install chromium)"; fi; }

# A background Prefect server started from this venv would outlive it: stop it first.
clean:
	-@[ -x $(BIN)/nttr ] && $(BIN)/nttr server stop
	rm -rf $(VENV) build *.egg-info
