# Constitutional Consciousness — build, run, test, benchmark, install.
#
#   make run     set up, build, and run one cycle on a generated sample log
#   make test    set up and run every test (unit, store, command line, end to end)
#   make soak    build, then the exactly-once chaos soak (SOAK_SECONDS, default 600) and
#                the governor soak (SOAK_NIGHTS nights of 24 cycles, default 6)
#   make bench   release build, then the benchmark table (medians of several runs)
#   make         (as yourself) the release binary, its man pages and shell completions
#   sudo make install    copies what `make` built: binary, unit, sysusers.d entry, man
#                        pages, completions, config (never overwritten); compiles nothing
#   sudo make uninstall  removes them (the configuration and the state stay)

SWIFT     ?= swift
PREFIX    ?= /usr/local
DESTDIR   ?=
OUT       ?= out
BIN_DEBUG  = .build/debug/consciousness
BENCH_DEBUG = .build/debug/consciousness-bench
BIN        = .build/release/consciousness
SAMPLE     = $(OUT)/sample/constitutional_violations.jsonl

.PHONY: all setup version build release man completions run test soak bench install uninstall clean

# `make` alone: everything `sudo make install` copies, built as the person.
all: release man completions

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
	@# The end-to-end test reads the metrics file with Prometheus's own Python parser:
	@# pip where python3 takes it, else Debian's package (PEP 668 Pythons refuse pip).
	@python3 -c 'import prometheus_client' 2>/dev/null || python3 -m pip install -q prometheus-client 2>/dev/null \
	  || { if [ "$$(id -u)" -ne 0 ]; then SUDO=sudo; fi; $$SUDO apt-get install -y -qq python3-prometheus-client; }

# The version `git describe` gives, compiled into the binary (`--version`,
# consciousness_build_info); the header is rewritten only when the text changes, so an
# unchanged tree rebuilds nothing.
VERSION_H = Sources/CBuildVersion/generated_version.h
version:
	@v=$$(git describe --tags --always --dirty 2>/dev/null || echo unknown); \
	line="#define CONSCIOUSNESS_VERSION \"$$v\""; \
	if [ "$$(cat $(VERSION_H) 2>/dev/null)" != "$$line" ]; then \
	  echo "$$line" > $(VERSION_H); touch Sources/CBuildVersion/version.c; fi

build: setup version
	$(SWIFT) build

# The release binary links the Swift runtime and Foundation statically: it starts in
# half the time (no dynamic relocation of libFoundation) and runs on a machine with no
# Swift toolchain, which is what `make install` wants for a system service.
#
# And at a fixed address, without exporting its symbols: every command is a process
# start, and a one-shot `cycle` has a 30 ms budget, ~3 ms of which this decides
# (`perf stat -r 30 consciousness --version`, four alternating rounds: 8.4–10.9 →
# 5.8–6.7 ms wall, ~890 → ~460 page faults).
# A position-independent executable has ~135,000 relative relocations for the loader to
# apply, writing (so copying) every page of Swift metadata they touch; a fixed-address
# one has none (as Go links by default on linux/amd64). What it gives up: the
# executable's own image is not randomised; the libraries, heap and stack still are.
# Only with the static runtime: against a shared libswiftCore the loader warns that
# direct references to its protected functions may break pointer equality.
# `--no-export-dynamic` undoes SwiftPM's export of all ~45,000 symbols, which nothing
# loads against and which the runtime's start-up `dladdr` scans. `--disable-local-rpath`
# drops the `$ORIGIN` run path, which nothing static needs and for which the loader
# tried each library in six directories beside the binary first (16 failed opens and a
# readlink at every start, `strace`).
RELEASE_LINK = -Xlinker -no-pie -Xlinker --no-export-dynamic --disable-local-rpath
# Every module, dependencies too, refers to a concrete generic type's metadata through
# its accessor, not by mangled name. By name, the runtime proves the type's generic
# requirements again, and on Linux each first proof of a conformance reads all ~10,700
# conformance records of the binary (~65 µs): 105 such scans in a one-shot `cycle`,
# 55 with this (uprobes on the scan), which is ~9 ms of its wall time (61.1 vs 72.7 and
# 59.9 vs 69.1 ms, medians of 11 alternating runs). The binary grows by 0.4 MB.
RELEASE_SWIFT = -Xswiftc -Xfrontend -Xswiftc -disable-concrete-type-metadata-mangled-name-accessors
release: setup version
	$(SWIFT) build -c release --static-swift-stdlib $(RELEASE_LINK) $(RELEASE_SWIFT)

# Man pages from the command line's own help, by swift-argument-parser's generate-manual
# run on $(BIN): consciousness(1) and one page per subcommand. Not through its package
# plugin, which builds the binary again with its own flags (all of it, a second time).
# BIN=.build/debug/consciousness makes them from a debug build (the end-to-end test's).
MANDIR_OUT = $(OUT)/man
man: setup version
	$(SWIFT) build --product generate-manual
	@rm -rf $(MANDIR_OUT); mkdir -p $(MANDIR_OUT)
	.build/debug/generate-manual $(BIN) --multi-page --output-directory $(MANDIR_OUT) --section 1 \
	  --authors "Constitutional Consciousness" >/dev/null

# Completions from the command line itself (swift-argument-parser), from $(BIN): `make`
# builds it first.
COMPLETIONS = $(OUT)/completions
completions:
	@mkdir -p $(COMPLETIONS)
	$(BIN) --generate-completion-script bash > $(COMPLETIONS)/consciousness.bash
	$(BIN) --generate-completion-script zsh > $(COMPLETIONS)/_consciousness
	$(BIN) --generate-completion-script fish > $(COMPLETIONS)/consciousness.fish

run: build
	@rm -rf $(OUT)/state; mkdir -p $(OUT)/sample
	$(BIN_DEBUG) sample --output $(SAMPLE) --lines 5000 --days 14 --malformed-every 997
	$(BIN_DEBUG) cycle --log $(SAMPLE) --state-dir $(OUT)/state

test: setup version
	$(SWIFT) build --build-tests
	# One test at a time: in parallel on 2 cores (≈ 95 s against ≈ 220 s) the simulator's
	# timing tests — a keep-alive's expiry, a 30 s request deadline — lost their time to
	# the other 300 tests' processes now and then, and a flaky CI proves nothing.
	CONSCIOUSNESS_BIN=$(CURDIR)/$(BIN_DEBUG) $(SWIFT) test --skip-build --no-parallel
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

# Copies only: what `make` built as the person. The unit goes where systemd looks for a
# package's units: $(PREFIX)/lib/systemd/system for PREFIX=/usr, /etc/systemd/system for
# a local install (/usr/local). The system user comes from the sysusers.d entry.
ifeq ($(PREFIX),/usr)
UNITDIR ?= $(PREFIX)/lib/systemd/system
else
UNITDIR ?= /etc/systemd/system
endif
SYSUSERSDIR ?= $(PREFIX)/lib/sysusers.d
MAN1DIR     ?= $(PREFIX)/share/man/man1
DOCDIR      ?= $(PREFIX)/share/doc/consciousness
BASHCOMPDIR ?= $(PREFIX)/share/bash-completion/completions
ZSHCOMPDIR  ?= $(PREFIX)/share/zsh/site-functions
FISHCOMPDIR ?= $(PREFIX)/share/fish/vendor_completions.d
CONFIG_FILE  = $(DESTDIR)/etc/consciousness/consciousness.env

install:
	@for f in $(BIN) $(MANDIR_OUT)/consciousness.1 $(COMPLETIONS)/consciousness.bash; do \
	  [ -e $$f ] || { echo "make install: $$f is missing: run 'make' first, as yourself (install compiles nothing)"; exit 1; }; done
	install -D -m 0755 $(BIN) $(DESTDIR)$(PREFIX)/bin/consciousness
	install -d $(DESTDIR)$(UNITDIR)
	sed 's|/usr/local/bin/consciousness|$(PREFIX)/bin/consciousness|; s|/usr/local/share/doc|$(PREFIX)/share/doc|' \
	  systemd/consciousness.service > $(DESTDIR)$(UNITDIR)/consciousness.service
	chmod 0644 $(DESTDIR)$(UNITDIR)/consciousness.service
	install -D -m 0644 systemd/consciousness.sysusers $(DESTDIR)$(SYSUSERSDIR)/consciousness.conf
	install -d $(DESTDIR)$(MAN1DIR)
	install -m 0644 $(MANDIR_OUT)/consciousness.1 $(MANDIR_OUT)/consciousness.*.1 $(DESTDIR)$(MAN1DIR)/
	install -D -m 0644 $(COMPLETIONS)/consciousness.bash $(DESTDIR)$(BASHCOMPDIR)/consciousness
	install -D -m 0644 $(COMPLETIONS)/_consciousness $(DESTDIR)$(ZSHCOMPDIR)/_consciousness
	install -D -m 0644 $(COMPLETIONS)/consciousness.fish $(DESTDIR)$(FISHCOMPDIR)/consciousness.fish
	install -D -m 0644 README.md $(DESTDIR)$(DOCDIR)/README.md
	sed 's|/usr/local/share/doc|$(PREFIX)/share/doc|' systemd/consciousness.service.d/hybrid.conf > $(DESTDIR)$(DOCDIR)/hybrid.conf
	chmod 0644 $(DESTDIR)$(DOCDIR)/hybrid.conf
	@if [ -e $(CONFIG_FILE) ]; then echo "keeping existing $(CONFIG_FILE)"; \
	else install -D -m 0644 config/consciousness.env $(CONFIG_FILE); fi
	@if [ -z "$(DESTDIR)" ] && command -v systemctl >/dev/null && [ -d /run/systemd/system ]; then \
	  systemd-sysusers $(SYSUSERSDIR)/consciousness.conf && systemctl daemon-reload; \
	  echo "next: sudo systemctl enable --now consciousness; sudo usermod -aG consciousness \$$USER (then log in again)"; fi

uninstall:
	-@if [ -z "$(DESTDIR)" ] && command -v systemctl >/dev/null && [ -d /run/systemd/system ]; then \
	  systemctl disable --now consciousness 2>/dev/null; fi
	rm -f $(DESTDIR)$(PREFIX)/bin/consciousness $(DESTDIR)$(UNITDIR)/consciousness.service \
	  $(DESTDIR)$(SYSUSERSDIR)/consciousness.conf $(DESTDIR)$(MAN1DIR)/consciousness.1 $(DESTDIR)$(MAN1DIR)/consciousness.*.1 \
	  $(DESTDIR)$(BASHCOMPDIR)/consciousness $(DESTDIR)$(ZSHCOMPDIR)/_consciousness $(DESTDIR)$(FISHCOMPDIR)/consciousness.fish
	rm -rf $(DESTDIR)$(DOCDIR)
	-@if [ -z "$(DESTDIR)" ] && command -v systemctl >/dev/null && [ -d /run/systemd/system ]; then systemctl daemon-reload; fi
	@echo "kept: $(CONFIG_FILE), /var/lib/consciousness and the user consciousness (remove them by hand if wanted)"

clean:
	rm -rf .build $(OUT)
