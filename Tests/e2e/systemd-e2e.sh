#!/bin/bash
# End to end under a real systemd: install the built binary, unit and config into a
# throw-away sandbox, with the Ollama-API simulator as ollama.service beside it, and
# check what a user relies on — the Trinity's calls in the journal, a stopped Ollama
# giving degraded cycles and not a failed service, start reaches `active` only
# after READY, the journal carries the first cycle's summary with its CYCLE field,
# `systemctl status` shows the STATUS text, reload works, SIGSTOP leads to a watchdog
# restart after which the stored counts equal those of an uninterrupted run, and stop
# ends it cleanly within the stop timeout.
#
#   Tests/e2e/systemd-e2e.sh BINARY
#
# Prints "N passed, M failed"; exits non-zero on any failure. Without root and
# CAP_SYS_ADMIN it cannot run: it says why and fails (exit 1), unless E2E=skip says a
# skip is wanted -- so CI can never pass without it by accident.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
BIN=$(realpath "${1:-$root/.build/debug/consciousness}")
SIM="$(dirname "$BIN")/ollama-sim"
SB="$here/sandbox.sh"

cannot_run() {
  if [ "${E2E:-}" = skip ]; then echo "systemd e2e: SKIPPED (E2E=skip) -- $1"; exit 0; fi
  echo "systemd e2e: CANNOT RUN -- $1 (E2E=skip to skip it on purpose)"
  echo "0 passed, 1 failed"
  exit 1
}
if [ "${E2E:-}" = skip ]; then cannot_run "asked for"; fi
if [ "$(id -u)" -ne 0 ] || ! unshare --mount --pid --fork true 2>/dev/null; then
  cannot_run "needs root with CAP_SYS_ADMIN to boot a sandboxed systemd (uid $(id -u))"
fi
[ -x /lib/systemd/systemd ] || cannot_run "no /lib/systemd/systemd on this machine (apt-get install systemd)"

pass=0; fail=0
check() {  # check NAME COMMAND…
  local name=$1; shift
  if "$@"; then pass=$((pass + 1)); echo "  ok   $name"; else fail=$((fail + 1)); echo "  FAIL $name"; fi
}
PID=$("$SB" start) || { echo "systemd e2e: the sandbox did not boot"; echo "0 passed, 1 failed"; exit 1; }
trap '"$SB" stop "$PID"' EXIT
sbx() { "$SB" run "$PID" "$@"; }
wait_for() {  # wait_for SECONDS COMMAND…
  local until=$((SECONDS + $1)); shift
  while [ $SECONDS -lt $until ]; do "$@" >/dev/null 2>&1 && return 0; sleep 0.3; done
  return 1
}

echo "systemd e2e: sandbox systemd PID $PID ($(sbx systemctl --version | head -1))"

# --- install: `make install DESTDIR=…` of what make built, copied into the sandbox ---
# Files go in through a pipe: the sandbox has its own /tmp, and the checkout may be there.
stage=$(mktemp -d -t cc-e2e-install.XXXXXX)
make -s -C "$root" man completions BIN="$BIN" >/dev/null
make -s -C "$root" install DESTDIR="$stage" BIN="$BIN" >/dev/null
# (--no-overwrite-dir: the stage's own mode, 0700 from mktemp, must not become /'s.)
tar -C "$stage" -cf - . | sbx tar -C / --no-overwrite-dir -xf -
make -s -C "$root" uninstall DESTDIR="$stage" >/dev/null
left=$(cd "$stage" && find . -type f | sort | tr '\n' ' ')
rm -rf "$stage"
check "make uninstall DESTDIR= removes every file install put there but the configuration (left: $left)" \
  test "$left" = "./etc/consciousness/consciousness.env "
sbx mkdir -p /srv/agency/logs/autonomous_healing /etc/systemd/system/consciousness.service.d
check "make install DESTDIR= put the unit, sysusers.d entry, man page and completions in place" \
  sbx test -s /etc/systemd/system/consciousness.service -a -s /usr/local/lib/sysusers.d/consciousness.conf \
  -a -s /usr/local/share/man/man1/consciousness.1 -a -s /usr/local/share/bash-completion/completions/consciousness \
  -a -s /usr/local/share/zsh/site-functions/_consciousness -a -s /usr/local/share/fish/vendor_completions.d/consciousness.fish
sbx systemd-sysusers
check "systemd-sysusers made the system user and group consciousness" sbx getent passwd consciousness
# A person in the group, and one who is not.
sbx useradd -m -G consciousness alice
sbx useradd -m bob
# Ollama's place, taken by the simulator: the Trinity's four models, load times at 0.05 s/GB.
sbx sh -c 'cat > /usr/local/bin/ollama-sim && chmod 0755 /usr/local/bin/ollama-sim' < "$SIM"
sbx sh -c 'printf "[Service]\nExecStart=/usr/local/bin/ollama-sim --port 11434 --load-seconds-per-gb 0.05\n" > /etc/systemd/system/ollama.service'
sbx /usr/local/bin/consciousness sample --output /srv/agency/logs/autonomous_healing/constitutional_violations.jsonl \
   --lines 60000 --days 14 --malformed-every 5000
# The agency's repository, as on a real machine: the daemon looks there for merged fixes.
sbx sh -c 'cd /srv/agency && printf "logs/\n" > .gitignore && git init -q -b main && git add .gitignore \
  && git -c user.name=agency -c user.email=agency@localhost commit -qm init'
sbx chmod -R a+rX /srv/agency
# The morning report two minutes from now (sandbox local time), so the test sees one written.
morning=$(sbx date -d '+2 min' +%H:%M); morning_date=$(sbx date -d '+2 min' +%F)
sed -e 's|^AGENCY_ROOT=.*|AGENCY_ROOT=/srv/agency|' -e "s|^#*MORNING_REPORT_AT=.*|MORNING_REPORT_AT=$morning|" \
  "$root/config/consciousness.env" | sbx sh -c 'cat > /etc/consciousness/consciousness.env'
sbx grep -q "^MORNING_REPORT_AT=$morning" /etc/consciousness/consciousness.env \
  || sbx sh -c "echo MORNING_REPORT_AT=$morning >> /etc/consciousness/consciousness.env"
# A short watchdog so the SIGSTOP test takes seconds, not a minute.
sbx sh -c 'printf "[Service]\nWatchdogSec=4s\n" > /etc/systemd/system/consciousness.service.d/test.conf'
sbx systemctl daemon-reload

# --- start: active only after READY --------------------------------------------------
sbx systemctl start ollama
t0=$SECONDS
sbx systemctl start consciousness
check "systemctl start returns with the unit active (Type=notify, READY=1)" \
  test "$(sbx systemctl is-active consciousness)" = active
check "the service sent READY (StatusText set before start returned)" \
  test -n "$(sbx systemctl show -p StatusText --value consciousness)"

# --- journal: the first cycle's summary, with its CYCLE field ------------------------
summary() { sbx journalctl -u consciousness CYCLE=1 -o cat --no-pager | grep -q "cycle 1 completed"; }
check "journalctl -u consciousness CYCLE=1 shows the first cycle's summary" wait_for 60 summary
check "the summary entry carries its figures as fields (VIOLATIONS, PATTERNS)" \
  sh -c "$SB run $PID journalctl -u consciousness CYCLE=1 -o json --no-pager | grep -q '\"PATTERNS\"'"
check "journalctl -p warning shows the malformed-lines warning" \
  sh -c "$SB run $PID journalctl -u consciousness -p warning -o cat --no-pager | grep -q 'malformed lines skipped'"
check "journalctl -p err is empty for a healthy run" \
  sh -c "! $SB run $PID journalctl -u consciousness -p err -o cat --no-pager | grep -q ."
check "systemctl status shows the STATUS text" \
  sh -c "$SB run $PID systemctl status consciousness --no-pager | grep -q 'Status: \"cycle 1 completed'"

# --- the Trinity at work: each role's calls in the journal, with their cost -------------
for role in controller embedder builder; do
  check "journalctl ROLE=$role shows the $role's calls with MODEL, LOAD_MS, LATENCY_MS, TOKENS_PER_S" \
    sh -c "$SB run $PID journalctl -u consciousness ROLE=$role -o json --no-pager | grep '\"MODEL\"' | grep '\"LOAD_MS\"' | grep '\"LATENCY_MS\"' | grep -q '\"TOKENS_PER_S\"'"
done

check "the metrics file is in the state directory, in Prometheus text format" \
  sh -c "$SB run $PID grep -q '^consciousness_cycle_result{result=\"completed\"} 1' /var/lib/consciousness/consciousness.prom"
# The Python that has prometheus_client (make's setup installed it by pip or by apt).
PROMPY=""
for py in python3 /usr/bin/python3; do "$py" -c 'import prometheus_client' 2>/dev/null && { PROMPY=$py; break; }; done
parsed=$(sbx cat /var/lib/consciousness/consciousness.prom | "${PROMPY:-python3}" "$root/scripts/promcheck.py" 2>&1)
echo "       metrics: $parsed"
parsed_ok() { printf '%s\n' "$parsed" | grep -q '^ok'; }
check "…and a real Prometheus parser (prometheus_client) reads it: counters, build_info, stage series" parsed_ok

# --- as a person: the command line talks to the daemon over its socket -----------------
as_alice() { sbx runuser -u alice -- "$@"; }
st=$(as_alice /usr/local/bin/consciousness status --json)
status_ok() {
  printf '%s' "$st" | python3 -c 'import json,sys; s=json.load(sys.stdin); assert s["running"] is True and s["pid"] > 1 and s["last_cycle"]["cycle"] >= 1, s'
}
check "as alice (group consciousness): status --json shows the running daemon and its cycle" status_ok
echo "       status as alice:"; as_alice /usr/local/bin/consciousness status | sed "s/^/         /"
denied=$(sbx runuser -u bob -- /usr/local/bin/consciousness status 2>&1; echo "exit $?")
denied_ok() { printf '%s\n' "$denied" | grep -q 'join the group consciousness' && printf '%s\n' "$denied" | grep -q 'exit 77'; }
check "as bob (not in the group): refused, told to join the group (exit 77)" denied_ok
as_alice sh -c 'cd ~ && git init -q -b main agency && cd agency && git config user.name "Alice Example" && git config user.email alice@example.org && echo "# agency" > README.md && git add . && git commit -qm init'
approve=$(as_alice /usr/local/bin/consciousness proposals approve 1 --agency-root /home/alice/agency 2>&1; echo "exit $?")
echo "       $(echo "$approve" | head -1)"
approve_ok() { printf '%s\n' "$approve" | grep -q 'exit 0'; }
check "as alice: proposals approve 1 in her own repository succeeds" approve_ok
check "…leaving only files she owns in it" sh -c "[ -z \"\$($SB run $PID find /home/alice/agency ! -user alice)\" ]"
check "…Approved-by is her git identity" \
  sh -c "$SB run $PID runuser -u alice -- git -C /home/alice/agency log -1 --format=%B --branches='consciousness/*' | grep -q 'Approved-by: Alice Example <alice@example.org>'"
check "…and the daemon recorded the decision with her uid (SO_PEERCRED)" \
  sh -c "$SB run $PID runuser -u alice -- /usr/local/bin/consciousness proposals show 1 | grep -q \"\[uid \$($SB run $PID id -u alice) (alice)\""
check "doctor --as-service runs the checks as the service sees them" \
  sh -c "$SB run $PID runuser -u alice -- /usr/local/bin/consciousness doctor --as-service | grep -q 'As the service sees it (pid [0-9]*, consciousness)'"

# --- reload ---------------------------------------------------------------------------
sbx systemctl reload consciousness
reloaded() { sbx journalctl -u consciousness -o cat --no-pager | grep -q "configuration reloaded"; }
check "systemctl reload re-reads the configuration" wait_for 15 reloaded
check "after reload the unit is active again" test "$(sbx systemctl is-active consciousness)" = active
sbx sh -c 'echo "CYCLE_INTERVAL=soon" >> /etc/consciousness/consciousness.env'
sbx systemctl reload consciousness
refused() { sbx systemctl show -p StatusText --value consciousness | grep -q "reload refused"; }
check "a bad configuration on reload is refused, shown in STATUS, the old one kept" wait_for 15 refused
check "…and the service keeps running" test "$(sbx systemctl is-active consciousness)" = active
sbx sed -i '/CYCLE_INTERVAL=soon/d' /etc/consciousness/consciousness.env
sbx systemctl reload consciousness

# --- watchdog: SIGSTOP the main process, expect a restart ---------------------------
main=$(sbx systemctl show -p MainPID --value consciousness)
sbx kill -STOP "$main"
# A stopped process ignores the watchdog's SIGABRT: systemd waits the abort/stop timeout, then
# SIGKILLs, then RestartSec — about 4 + 30 + 5 s, more on a loaded machine.
restarted() { [ "$(sbx systemctl show -p NRestarts --value consciousness)" -ge 1 ] && [ "$(sbx systemctl is-active consciousness)" = active ]; }
check "kill -STOP leads to a watchdog restart (NRestarts ≥ 1, active again)" wait_for 90 restarted
check "the journal says Watchdog timeout" \
  sh -c "$SB run $PID journalctl -u consciousness --no-pager | grep -q 'Watchdog timeout'"
second() { sbx journalctl -u consciousness -o cat --no-pager | grep -q "cycle 2 completed"; }
check "after the restart the daemon resumes with a new cycle" wait_for 60 second
state=/var/lib/consciousness
sbx /usr/local/bin/consciousness cycle --log /srv/agency/logs/autonomous_healing/constitutional_violations.jsonl \
   --state-dir /tmp/clean >/dev/null
figures() { sbx /usr/local/bin/consciousness status --json --state-dir "$1" | python3 -c \
  'import json,sys; s=json.load(sys.stdin)["store"]; print(s["violations"], s["buckets"], s["log_offset"], s["log_lines"])'; }
daemon_figures=$(figures $state); clean_figures=$(figures /tmp/clean)
echo "       stored after restart: $daemon_figures; uninterrupted run: $clean_figures"
check "the stored counts equal those of an uninterrupted run" test "$daemon_figures" = "$clean_figures"

# --- the morning report, with the Architect's narrative --------------------------------
written() { sbx journalctl -u consciousness MORNING_DATE="$morning_date" -o cat --no-pager | grep -q .; }
check "at MORNING_REPORT_AT the journal has the morning report's entry (MORNING_DATE=$morning_date)" wait_for 200 written
check "…exactly one" test "$(sbx journalctl -u consciousness MORNING_DATE="$morning_date" -o cat --no-pager | wc -l)" = 1
check "…its Markdown, JSON and SVG are in the reports directory" \
  sbx test -s "/var/lib/consciousness/reports/morning-$morning_date.md" -a \
  -s "/var/lib/consciousness/reports/morning-$morning_date.json" -a -s "/var/lib/consciousness/reports/morning-$morning_date.svg"
check "…the Architect wrote its narrative (ROLE=architect in the journal, NARRATIVE_AUTHOR its model)" \
  sh -c "$SB run $PID journalctl -u consciousness MORNING_DATE=$morning_date -o json --no-pager | grep -q '\"NARRATIVE_AUTHOR\":\"codestral'"
check "consciousness report --morning prints it again" \
  sh -c "$SB run $PID /usr/local/bin/consciousness report --morning --state-dir /var/lib/consciousness | grep -q 'Narrative (codestral'"

# --- Ollama stopped: the next cycle is degraded, the service carries on ----------------
# The cycle's number is not fixed: a scheduled cycle at the top of the hour may come first
# (a run that crossed 20:00 UTC found cycle 4 degraded, not 3): wait for a cycle numbered
# after the last one before Ollama stopped that reports itself degraded.
cycles() { sbx journalctl -u consciousness -o cat --no-pager | grep -oE '^cycle [0-9]+ (completed|degraded|failed)'; }
last_before=$(cycles | awk '{n = $2} END {print n + 0}')
sbx systemctl stop ollama
sbx kill -USR1 "$(sbx systemctl show -p MainPID --value consciousness)"
degraded() { cycles | awk -v b="$last_before" '$2 > b && $3 == "degraded" {found = 1} END {exit !found}'; }
check "with Ollama stopped, SIGUSR1's cycle completes degraded" wait_for 60 degraded
check "…the journal names the fallback" \
  sh -c "$SB run $PID journalctl -u consciousness -p warning -o cat --no-pager | grep -q 'model stages fall back'"
check "…and the service is still active" test "$(sbx systemctl is-active consciousness)" = active

# --- stop: clean, within the stop timeout ---------------------------------------------
t0=$(date +%s%N)
sbx systemctl stop consciousness
took=$(( ($(date +%s%N) - t0) / 1000000 ))
echo "       systemctl stop took $took ms (TimeoutStopSec=30s)"
check "systemctl stop ends it with Result=success" test "$(sbx systemctl show -p Result --value consciousness)" = success
check "…within the stop timeout" test "$took" -lt 30000
check "…and the exit status was 0" test "$(sbx systemctl show -p ExecMainStatus --value consciousness)" = 0

# --- hybrid: the Architect alone goes remote, through the unit's IP filter -------------
# Two test hosts in a network namespace made here, behind a veth pair: 10.213.0.2 (the
# API, allowed by hybrid.conf) and 10.213.0.3 (the same server, not allowed). The sandbox
# shares this network namespace, so the kernel's cgroup IP filter is all that tells them apart.
NS=cc-api-$$; HV=cch$$; NV=ccn$$
ns_cleanup() { ip netns pids "$NS" 2>/dev/null | xargs -r kill 2>/dev/null; ip link del "$HV" 2>/dev/null; ip netns del "$NS" 2>/dev/null; rm -f "${keyfile:-}"; }
trap '"$SB" stop "$PID"; ns_cleanup' EXIT
test_net() {
  ip netns add "$NS" && ip link add "$HV" type veth peer name "$NV" && ip link set "$NV" netns "$NS" \
    && ip addr add 10.213.0.1/24 dev "$HV" && ip link set "$HV" up \
    && ip netns exec "$NS" ip addr add 10.213.0.2/24 dev "$NV" && ip netns exec "$NS" ip addr add 10.213.0.3/24 dev "$NV" \
    && ip netns exec "$NS" ip link set "$NV" up && ip netns exec "$NS" ip link set lo up
}
check "the test network: a namespace behind a veth pair, with 10.213.0.2 and 10.213.0.3" test_net
key=sk-e2e-$(head -c 12 /dev/urandom | od -An -tx1 | tr -d ' \n')
keyfile=$(mktemp); printf '%s\n' "$key" > "$keyfile"
ip netns exec "$NS" "$SIM" --host 0.0.0.0 --port 8080 --api-key-file "$keyfile" --load-seconds-per-gb 0 >/dev/null 2>&1 &
api_get() {  # api_get HOST PATH: the body, asked from outside the unit (with the key)
  python3 -c 'import sys,urllib.request as u; r=u.Request("http://"+sys.argv[1]+":8080"+sys.argv[2],headers={"Authorization":"Bearer "+sys.argv[3]}); print(u.urlopen(r,timeout=5).read().decode())' "$1" "$2" "$key"
}
api_requests() { api_get 10.213.0.2 /sim/state | python3 -c 'import json,sys; print(json.load(sys.stdin)["requests"].get(sys.argv[1],0))' "$1"; }
api_up() { api_get 10.213.0.3 /v1/models | grep -q codestral && api_get 10.213.0.2 /v1/models | grep -q codestral; }
check "the test network's API answers on both addresses, from outside the unit" wait_for 20 api_up
# The key as ARCHITECT_API_KEY_FILE, readable by the service's group only. (hybrid.conf's
# LoadCredential= is what a real machine uses; this sandbox's systemd 252 leaves every
# unit's $CREDENTIALS_DIRECTORY empty, root units included, so the file is named instead.)
sbx sh -c "umask 077; printf '%s\n' '$key' > /etc/consciousness/architect_api_key; chgrp consciousness /etc/consciousness/architect_api_key; chmod 0640 /etc/consciousness/architect_api_key"
sbx sh -c "sed 's|^#IPAddressAllow=.*|IPAddressAllow=10.213.0.2|' /usr/local/share/doc/consciousness/hybrid.conf > /etc/systemd/system/consciousness.service.d/hybrid.conf"
check "hybrid.conf, installed as documentation, filled in and in place" \
  sbx grep -q '^IPAddressAllow=10.213.0.2$' /etc/systemd/system/consciousness.service.d/hybrid.conf
morning2=$(sbx date -d '+2 min' +%H:%M); morning2_date=$(sbx date -d '+2 min' +%F)
printf '%s\n' AGENCY_MODE=hybrid ENABLE_GPT5_ESCALATION=true USE_OPENAI_FALLBACK=true \
  ARCHITECT_API_BASE=http://10.213.0.2:8080/v1 ARCHITECT_API_MODEL=codestral:22b-v0.1-q4_K_M \
  ARCHITECT_API_KEY_FILE=/etc/consciousness/architect_api_key \
  API_BUDGET_USD_PER_NIGHT=0.50 ARCHITECT_API_INPUT_USD_PER_MTOK=1.25 ARCHITECT_API_OUTPUT_USD_PER_MTOK=10 \
  "MORNING_REPORT_AT=$morning2" | sbx sh -c 'cat >> /etc/consciousness/consciousness.env'
# A fresh state: the first start waits for the next MORNING_REPORT_AT, two minutes away.
sbx rm -rf /var/lib/consciousness
sbx systemctl daemon-reload
sbx systemctl start consciousness
check "hybrid: the unit starts with the drop-in" test "$(sbx systemctl is-active consciousness)" = active
hpid=$(sbx systemctl show -p MainPID --value consciousness)
doctor_remote() {  # the "remote API" check's verdict as the service sees it: run in the daemon, in its cgroup
  as_alice /usr/local/bin/consciousness doctor --as-service --json 2>/dev/null \
    | python3 -c 'import json,sys; d=json.load(sys.stdin); print([c for c in d["checks"] if c["check"]=="remote API"][0]["ok"])'
}
echo "       doctor, as the service sees it:"
as_alice /usr/local/bin/consciousness doctor --as-service 2>&1 | grep -E 'API|cost cap' | sed 's/^/         /'
check "doctor --as-service: the daemon reaches the allowed API (10.213.0.2) through the filter" test "$(doctor_remote)" = True
sbx sed -i 's|^ARCHITECT_API_BASE=.*|ARCHITECT_API_BASE=http://10.213.0.3:8080/v1|' /etc/consciousness/consciousness.env
before=$(api_requests /v1/models)
check "…and not the address not allowed (10.213.0.3)" test "$(doctor_remote)" = False
after=$(api_requests /v1/models)
check "…dropped by the kernel's IP filter: the server saw no request (/v1/models: $before before, $after after)" \
  test "$after" = "$before"
outside() { api_get 10.213.0.3 /v1/models | grep -q codestral; }
check "…while the same address answers a request from outside the unit" outside
sbx sed -i 's|^ARCHITECT_API_BASE=.*|ARCHITECT_API_BASE=http://10.213.0.2:8080/v1|' /etc/consciousness/consciousness.env
# Ollama is stopped: the local Architect cannot serve, so the morning report asks the remote one.
written2() { sbx journalctl -u consciousness _PID="$hpid" MORNING_DATE="$morning2_date" -o json --no-pager | grep -q NARRATIVE_AUTHOR; }
check "hybrid: at MORNING_REPORT_AT the morning report is written" wait_for 200 written2
check "…narrated by the remote Architect (NARRATIVE_AUTHOR names it and 10.213.0.2)" \
  sh -c "$SB run $PID journalctl -u consciousness _PID=$hpid MORNING_DATE=$morning2_date -o json --no-pager | grep -q '\"NARRATIVE_AUTHOR\":\"codestral:22b-v0.1-q4_K_M (remote, 10.213.0.2)\"'"
check "…after one chat completion reached the API" test "$(api_requests /v1/chat/completions)" = 1
sent=$(as_alice /usr/local/bin/consciousness report --morning --sent 2>&1)
sent_ok() { printf '%s\n' "$sent" | grep -q '10.213.0.2, codestral:22b-v0.1-q4_K_M: used' && printf '%s\n' "$sent" | grep -q '"messages"'; }
check "report --morning --sent shows the payload that left and its cost" sent_ok
remote_status() { as_alice /usr/local/bin/consciousness status | grep -q 'night ending .*: 1 call, .* of \$0.50 cap'; }
echo "       status as alice: $(as_alice /usr/local/bin/consciousness status | grep -A1 ' Remote:')"
check "status shows the night's remote calls against the cap" remote_status
journal=$(mktemp); sbx journalctl -u consciousness -o json --no-pager > "$journal"
check "the journal holds the remote call (its cost field)" grep -q '"API_COST_USD"' "$journal"
check "…and not the key, anywhere" sh -c '! grep -qF "$1" "$2"' _ "$key" "$journal"
rm -f "$journal"
sbx systemctl stop consciousness

if [ "$fail" -gt 0 ]; then sbx systemctl show -p Result -p ExecMainStatus -p ExecMainCode consciousness; sbx journalctl -u consciousness -o short-precise --no-pager | tail -25; fi
echo "e2e: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
