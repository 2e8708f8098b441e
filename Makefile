# Constitutional Consciousness — build, run, test, benchmark, install.
#
#   make run     set up, build, and run one cycle on a generated sample log
#   make test    set up and run every test (unit, store, command line, end to end)
#   make soak    build, then the exactly-once chaos soak (SOAK_SECONDS, default 600) and
#                the governor soak (SOAK_NIGHTS nights of 24 cycles, default 6)
#   make bench   release build, then the benchmark table (medians of several runs)
#   make install binary, unit and config under $(DESTDIR)$(PREFIX) (config never overwritten)

SWIFT     ?= swift
PREFIX    ?= /usr/local
DESTDIR   ?=
OUT       ?= out
BIN_DEBUG  = .build/debug/consciousness
BENCH_DEBUG = .build/debug/consciousness-bench
BIN        = .build/release/consciousness
SAMPLE     = $(OUT)/sample/constitutional_violations.jsonl

.PHONY: setup build release run test soak bench install clean

# System packages the build links against; installed only when missing.
APT_PACKAGES = libsqlite3-dev libsystemd-dev pkg-config
setup:
	@missing=""; for p in $(APT_PACKAGES); do \
	  dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  echo "installing:$$missing"; \
	  if [ "$$(id -u)" -ne 0 ]; then SUDO=sudo; fi; \
	  $$SUDO apt-get update -qq && $$SUDO apt-get install -y -qq $$missing; \
	fi

build: setup
	$(SWIFT) build

# The release binary links the Swift runtime and Foundation statically: it starts in
# half the time (no dynamic relocation of libFoundation) and runs on a machine with no
# Swift toolchain, which is what `make install` wants for a system service.
release: setup
	$(SWIFT) build -c release --static-swift-stdlib

run: build
	@rm -rf $(OUT)/state; mkdir -p $(OUT)/sample
	$(BIN_DEBUG) sample --output $(SAMPLE) --lines 5000 --days 14 --malformed-every 997
	$(BIN_DEBUG) cycle --log $(SAMPLE) --state-dir $(OUT)/state

test: setup
	$(SWIFT) build --build-tests
	# In parallel: the command-line tests wait for their child processes on threads of
	# their own (Binary.capture), never on Swift's cooperative pool.
	CONSCIOUSNESS_BIN=$(CURDIR)/$(BIN_DEBUG) $(SWIFT) test --skip-build
	python3 scripts/soak.py --binary $(BIN_DEBUG) --seconds 45
	$(BENCH_DEBUG) governor-soak --nights 1
	Tests/e2e/systemd-e2e.sh $(BIN_DEBUG)

# The chaos soak: a log appended to and rotated at random while a daemon (SIGKILLed and
# restarted) and hand-run cycles (some SIGKILLed) read it; exactly-once or exit 1.
# SOAK_SECONDS=3600 make soak for a longer one; the seed is printed, --seed repeats it.
# The governor soak: nights of cycles and morning reports against an ollama-sim whose
# models expire in seconds, capped at 3, beside a memory hog that rises and falls; a
# load into the reserve or over the budget is a violation, and exits 1.
soak: build
	python3 scripts/soak.py --binary $(BIN_DEBUG) --seconds $${SOAK_SECONDS:-600}
	$(BENCH_DEBUG) governor-soak --nights $${SOAK_NIGHTS:-6}

bench: release
	python3 scripts/bench.py $(BIN)

# Binary, unit (ExecStart pointed at $(PREFIX)/bin), config (kept if present), README.
UNITDIR ?= /etc/systemd/system
install: release
	install -D -m 0755 $(BIN) $(DESTDIR)$(PREFIX)/bin/consciousness
	install -d $(DESTDIR)$(UNITDIR)
	sed 's|/usr/local/bin/consciousness|$(PREFIX)/bin/consciousness|; s|/usr/local/share/doc|$(PREFIX)/share/doc|' \
	  systemd/consciousness.service > $(DESTDIR)$(UNITDIR)/consciousness.service
	chmod 0644 $(DESTDIR)$(UNITDIR)/consciousness.service
	install -D -m 0644 README.md $(DESTDIR)$(PREFIX)/share/doc/consciousness/README.md
	@if [ -e $(DESTDIR)/etc/consciousness/consciousness.env ]; then \
	  echo "keeping existing $(DESTDIR)/etc/consciousness/consciousness.env"; \
	else install -D -m 0644 config/consciousness.env $(DESTDIR)/etc/consciousness/consciousness.env; fi
	@if [ -z "$(DESTDIR)" ] && command -v systemctl >/dev/null && [ -d /run/systemd/system ]; then systemctl daemon-reload; fi

clean:
	rm -rf .build $(OUT)
