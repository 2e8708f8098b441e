#!/usr/bin/env python3
"""The benchmark behind `make bench`: wall time and peak RSS of real runs of the
release binary, medians of several runs. Prints a Markdown table.

  (a) cold `cycle --days 7` over a 1,000,000-line log from an empty state directory
      ((a), (b) and (e) with MODEL_STAGES=off: the pipeline's own cost; (h) adds the models),
      side by side, run for run, with `wc -l` on the same file and the original Python
      tool (ORIGINAL_TOOL: a checkout of subtract0/AgencyOS; else it is cloned, if it can be)
  (s) the scan alone on one core (`consciousness-bench scan`), split by step
  (b) `cycle` after appending 10,000 lines, to a 100,000- and a 1,000,000-line log, and on
      the 1,000,000-line one with MODEL_STAGES=auto and Ollama down; the store's write
      transactions in each; then the same hourly cycle run by the daemon (SIGUSR1), off
      and auto with Ollama down: a one-shot `cycle` pays the process's start-up and
      first-use costs each time, the daemon once
  (c) the state database's size after (a)
  (e) the daemon's footprint: RSS after its first cycle on the 1,000,000-line log,
      RSS and CPU while idle between cycles with the watchdog on (3 × 20 s)
  (f) the governor: a memory sample and a lease decision, which re-reads /api/ps from the
      simulator on loopback (medians of 5 batches)
  (d) forecast accuracy: `backtest` over generated logs with known rates (rising,
      steady, falling, burst, rare), 5 seeds × 3 volumes, beside the original rule,
      and with `--recall` (model-error priors lent by similar patterns)
  (g) the vector memory: top-5 search over 100,000 entries of 384 dimensions
  (h) 24 hourly cycles with the Trinity (the Ollama-API simulator on loopback):
      memory and database growth, and each role's calls
"""
import json
import urllib.request
import signal
import socket
import os
import re
import shutil
import statistics
import subprocess
import sys
import time

BIN = os.path.abspath(sys.argv[1] if len(sys.argv) > 1 else ".build/release/consciousness")
# The micro-benchmarks, (f) and (g), are their own binary, built beside the release one.
BENCH_BIN = os.path.join(os.path.dirname(BIN), "consciousness-bench")
RUNS = int(os.environ.get("BENCH_RUNS", "5"))
# BENCH_ONLY=pipeline stops after (e): the cycle, the scan and the daemon's footprint.
WORK = os.path.abspath(os.environ.get("BENCH_DIR", "out/bench"))
END = "2026-11-01T00:00:00Z"        # the generated logs end here; cycles run "now" = END
LATER = ["2026-11-01T%02d:00:00Z" % h for h in range(1, 24)]


# A loopback port nothing listens on: Ollama down.
DEAD_OLLAMA = {"MODEL_STAGES": "auto", "OLLAMA_HOST": "127.0.0.1:9"}
# Pairs of cycles (off, Ollama down) behind the ≤ 5 ms figure.
DEAD_PAIRS = int(os.environ.get("BENCH_DEAD_PAIRS", "11"))


LAST_WRITES = [None]  # what the last `run` with --store-stats said


def warm(*paths):
    """Reads each file (and each file in each directory) through, so that the timed run
    after it finds them in the page cache, as the targets assume. Between two runs they
    may not be: this machine kind's kernel runs a DAMON `pageout` scheme (in
    /sys/kernel/mm/damon/admin: pages unaccessed for 12 aggregation intervals of 5 s
    paged out, up to 128 MB a second), which took 85 of the 1M-line log's 217 MB out of
    the cache within two minutes of its last read (`fincore`), and from the binary
    whatever a start did not touch lately. The first tool to run after a pause paid
    for the rest: a cold cycle read 142 ms in one bench and 325 ms in the next (`wc -l`
    beside it, run second, 38 and 40 ms); after `drop_caches`, 289 ms, and
    `consciousness --version` 52 ms against 5 ms. Every timed run of every tool is
    warmed alike; the reading is not timed."""
    for path in paths:
        files = [os.path.join(path, f) for f in os.listdir(path)] if os.path.isdir(path) else [path]
        for f in files:
            if os.path.isfile(f):
                with open(f, "rb", buffering=0) as src:
                    while src.read(1 << 20):
                        pass


def run(args, check=True, env=None, warmed=()):
    """Runs the binary, after warming it and `warmed` (see `warm`); returns (seconds,
    peak RSS in MiB)."""
    if warmed:
        warm(BIN, *warmed)
    start = time.perf_counter()
    # The pipeline's own figures: no model stages (no Ollama runs here; (h) measures them),
    # unless `env` says otherwise.
    environment = dict(os.environ, MODEL_STAGES="off")
    environment.update(env or {})
    p = subprocess.Popen([BIN] + args, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=environment)
    _, status, usage = os.wait4(p.pid, 0)
    wall = time.perf_counter() - start
    err = p.stderr.read().decode()
    p.stderr.close()
    m = re.search(r"^store: (\d+) write transactions$", err, re.M)
    LAST_WRITES[0] = int(m.group(1)) if m else None
    if check and os.waitstatus_to_exitcode(status) != 0:
        sys.exit(f"bench: {' '.join(args)} failed: {err}")
    return wall, usage.ru_maxrss / 1024


def sample(path, lines, days, end, seed):
    if not os.path.exists(path):
        run(["sample", "--output", path, "--lines", str(lines), "--days", str(days), "--end", end,
             "--seed", str(seed)])
    return path


def append(dst, src):
    with open(src, "rb") as s, open(dst, "ab") as d:
        shutil.copyfileobj(s, d)


def cold(log, original):
    """Cold cycles, each beside a `wc -l` of the same file and, when there is one, a run
    of the original tool: the three alternate, so the machine's load is the same for all,
    and each reads its input warmed first (`warm`): from the page cache, all three."""
    walls, rss, wcs, originals = [], [], [], []
    for _ in range(RUNS):
        state = os.path.join(WORK, "state-cold")
        shutil.rmtree(state, ignore_errors=True)
        w, r = run(["cycle", "--log", log, "--state-dir", state, "--now", END, "--days", "7"], warmed=[log])
        walls.append(w)
        rss.append(r)
        warm(shutil.which("wc"), log)
        start = time.perf_counter()
        subprocess.run(["wc", "-l", log], check=True, stdout=subprocess.DEVNULL)
        wcs.append(time.perf_counter() - start)
        if original:
            originals.append(original())
    size = sum(os.path.getsize(os.path.join(state, f)) for f in os.listdir(state)
               if f.startswith("consciousness.sqlite"))
    return (statistics.median(walls), statistics.median(rss), size, statistics.median(wcs),
            statistics.median(originals) if originals else None)


def original_tool(log):
    """A function that runs the original tool once over `log` and returns its wall time,
    or (None, why) when there is no checkout of it. Its code is not in this repository:
    ORIGINAL_TOOL names a checkout, else a shallow clone is tried."""
    checkout = os.environ.get("ORIGINAL_TOOL")
    if not checkout:
        checkout = os.path.join(WORK, "AgencyOS")
        if not os.path.isdir(checkout):
            r = subprocess.run(["git", "clone", "-q", "--depth", "1", "https://github.com/subtract0/AgencyOS", checkout],
                               capture_output=True, text=True, timeout=300)
            if r.returncode != 0:
                return None, "no checkout (set ORIGINAL_TOOL to one of subtract0/AgencyOS; the clone failed: " \
                             f"{r.stderr.strip().splitlines()[-1] if r.stderr.strip() else r.returncode})"
    if not os.path.exists(os.path.join(checkout, "tools/constitutional_consciousness/feedback_loop.py")):
        return None, f"{checkout} holds no tools/constitutional_consciousness/feedback_loop.py"
    # The original compares naive and aware datetimes and dies on the first naive
    # timestamp (TypeError); the generated log has one in twenty. It reads a copy where
    # those say +00:00 (the same instant: both tools read naive as UTC).
    aware = log + ".aware"
    if not os.path.exists(aware):
        with open(log) as src, open(aware, "w") as dst:
            for line in src:
                dst.write(NAIVE.sub(r'\1+00:00"', line, count=1))
    runner = os.path.join(os.path.dirname(os.path.abspath(__file__)), "original_tool.py")

    def once():
        warm(sys.executable, os.path.join(checkout, "tools/constitutional_consciousness"), aware)
        start = time.perf_counter()
        r = subprocess.run([sys.executable, runner, checkout, aware, END, "7"], capture_output=True, text=True)
        if r.returncode != 0:
            sys.exit(f"bench: the original tool failed: {r.stderr[-500:]}")
        return time.perf_counter() - start
    return once, checkout


NAIVE = re.compile(r'^(\{"timestamp": "\d{4}-\d\d-\d\dT[0-9:.]+)"')


def incremental(lines, chunks, env=None, tag=""):
    """A log of `lines` lines already ingested, then RUNS cycles each after a new 10k.
    Returns the median wall, RSS and store write transactions."""
    base = sample(os.path.join(WORK, f"base-{lines}.jsonl"), lines, 30, END, 1)
    log = os.path.join(WORK, f"grow-{lines}{tag}.jsonl")
    state = os.path.join(WORK, f"state-grow-{lines}{tag}")
    shutil.rmtree(state, ignore_errors=True)
    shutil.copyfile(base, log)
    run(["cycle", "--log", log, "--state-dir", state, "--now", END])
    walls, rss, writes = [], [], []
    for i, chunk in enumerate(chunks):
        append(log, chunk)
        w, r = run(["cycle", "--log", log, "--state-dir", state, "--now", LATER[i], "--store-stats"], env=env,
                   warmed=[state])
        walls.append(w)
        rss.append(r)
        writes.append(LAST_WRITES[0])
    os.remove(log)
    return statistics.median(walls), statistics.median(rss), statistics.median(writes)


def dead_ollama(lines, chunks):
    """Two copies of a `lines`-line log, ingested; then, per 10k chunk, a cycle with
    MODEL_STAGES=off on one and one with auto and Ollama down on the other, back to back.
    Returns the median walls, the median RSS of the second, the median difference and
    the number of pairs."""
    base = sample(os.path.join(WORK, f"base-{lines}.jsonl"), lines, 30, END, 1)
    pairs = []
    for tag in ("off", "dead"):
        log, state = os.path.join(WORK, f"pair-{tag}.jsonl"), os.path.join(WORK, f"state-pair-{tag}")
        shutil.rmtree(state, ignore_errors=True)
        shutil.copyfile(base, log)
        run(["cycle", "--log", log, "--state-dir", state, "--now", END])
        pairs.append((log, state))
    off, dead, rss = [], [], []
    for i, chunk in enumerate(chunks):
        both = [(pairs[0], off, None), (pairs[1], dead, DEAD_OLLAMA)]
        # Which of the two runs first alternates: the second of a pair must not be the
        # one that always finds the page cache warm (or the machine busier).
        for (log, state), walls, env in (both if i % 2 == 0 else both[::-1]):
            append(log, chunk)
            w, r = run(["cycle", "--log", log, "--state-dir", state, "--now", LATER[i]], env=env, warmed=[state])
            walls.append(w)
            if env:
                rss.append(r)
    for log, _ in pairs:
        os.remove(log)
    diffs = [d - o for o, d in zip(off, dead)]
    return statistics.median(off), statistics.median(dead), statistics.median(rss), statistics.median(diffs), len(diffs)


def daemon_hourly(tag, env_extra=None):
    """The hourly cycle as production runs it: by the daemon, started already, after
    10,000 new lines. The daemon's clock is the real one, so its log is a 1,000,000-line
    log ending this hour; after its first cycle, RUNS times: a 10,000-line chunk
    appended, SIGUSR1, and the cycle's own wall time from the daemon's log line
    (`duration_ms`, from the cycle's request to its last commit)."""
    hour = time.strftime("%Y-%m-%dT%H:00:00Z", time.gmtime())
    for f in os.listdir(WORK):
        if f.startswith("daemon-") and hour[:13] not in f:
            os.remove(os.path.join(WORK, f))
    base = sample(os.path.join(WORK, f"daemon-{hour[:13]}-base.jsonl"), 1_000_000, 30, hour, 1)
    chunks = [sample(os.path.join(WORK, f"daemon-{hour[:13]}-chunk-{i}.jsonl"), 10_000, 1, hour, 200 + i)
              for i in range(RUNS)]
    log, state = os.path.join(WORK, f"hourly-{tag}.jsonl"), os.path.join(WORK, f"state-hourly-{tag}")
    err_path = os.path.join(WORK, f"hourly-{tag}.stderr")
    shutil.rmtree(state, ignore_errors=True)
    shutil.copyfile(base, log)
    env = dict(os.environ, VIOLATIONS_LOG=log, CYCLE_INTERVAL="1h", MODEL_STAGES="off")
    env.update(env_extra or {})
    for k in ("NOTIFY_SOCKET", "WATCHDOG_USEC", "JOURNAL_STREAM"):
        env.pop(k, None)
    with open(err_path, "w") as err:
        d = subprocess.Popen([BIN, "daemon", "--state-dir", state], env=env, stdout=subprocess.DEVNULL, stderr=err)

    def took(cycle):
        deadline = time.time() + 120
        while time.time() < deadline:
            with open(err_path) as f:
                m = re.search(rf"cycle={cycle} [^\n]*?duration_ms=(\d+)", f.read())
            if m:
                return int(m.group(1)) / 1000
            if d.poll() is not None:
                sys.exit(f"bench: the daemon exited ({d.returncode}): {open(err_path).read()[-500:]}")
            time.sleep(0.05)
        sys.exit(f"bench: the daemon's cycle {cycle} did not end within 120 s")

    try:
        took(1)
        walls = []
        for i, chunk in enumerate(chunks):
            append(log, chunk)
            d.send_signal(signal.SIGUSR1)
            walls.append(took(i + 2))
        rss = proc_rss_mb(d.pid, "VmHWM")
    finally:
        d.send_signal(signal.SIGTERM)
        d.wait(timeout=30)
        os.remove(log)
    return statistics.median(walls), rss


def cpu_model():
    """The CPU's name as /proc/cpuinfo gives it: figures mean nothing without it."""
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return "unknown CPU"


def mem_total_gib():
    with open("/proc/meminfo") as f:
        for line in f:
            if line.startswith("MemTotal:"):
                return int(line.split()[1]) / 1024 / 1024
    return 0.0


def main():
    os.makedirs(WORK, exist_ok=True)
    big = sample(os.path.join(WORK, "base-1000000.jsonl"), 1_000_000, 30, END, 1)
    mb = os.path.getsize(big) / 1e6
    # 10,000-line chunks, each covering the hour after the previous one.
    chunks = [sample(os.path.join(WORK, f"chunk-{i}.jsonl"), 10_000, 1, LATER[i], 100 + i)
              for i in range(RUNS)]
    original, where = original_tool(big)
    cw, cr, size, wc, ow = cold(big, original)
    print(f"\nbenchmark: {BIN}, median of {RUNS} runs")
    print(f"machine: {cpu_model()}, {os.cpu_count()} cores, {mem_total_gib():.1f} GiB, "
          f"{time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}\n")
    print("| measurement | wall | peak RSS | target |")
    print("|---|---:|---:|---|")
    row(f"(a) cold `cycle --days 7`, 1,000,000 lines ({mb:.0f} MB), empty state", cw, cr, "≤ 8× `wc -l`; ≥ 20× the original")
    row("(a) `wc -l` on the same file, run for run", wc, None,
        f"ours {cw / wc:.1f}× it: {'met' if cw <= 8 * wc else 'missed'} (≤ 8×)")
    if ow:
        row(f"(a) the original Python tool on the same log, `--days 7`, run for run ({where})", ow, None,
            f"ours {ow / cw:.1f}× faster: {'met' if ow >= 20 * cw else 'missed'} (≥ 20×)")
    else:
        print(f"| (a) the original Python tool: not run — {where} | | | ≥ 20× slower than ours |")
    print(f"| (c) state database after (a) | | {size / 1e6:.2f} MB on disk | |")
    scan(big)
    for n in (100_000, 1_000_000):
        w, r, writes = incremental(n, chunks)
        row(f"(b) `cycle` after appending 10,000 lines to a {n:,}-line log ({writes} write transactions)", w, r,
            f"≤ 30 ms: {'met' if w <= 0.030 else 'missed'}; ≤ 5 write transactions")
    # The same with the model stages on and nothing listening on Ollama's port, paired
    # with `off` run for run (the two alternate), so the difference is not noise. A 5 ms
    # target against runs that swing by tens of ms on a shared machine: more pairs than
    # RUNS (5 pairs once read +11 ms where 11 interleaved pairs by hand read -0.5).
    pair_chunks = [sample(os.path.join(WORK, f"chunk-{i}.jsonl"), 10_000, 1, LATER[i], 100 + i)
                   for i in range(max(RUNS, DEAD_PAIRS))]
    ow_, dw, dr, diff, n = dead_ollama(1_000_000, pair_chunks)
    row("(b) the same on the 1,000,000-line log, MODEL_STAGES=auto with Ollama down "
        f"({diff * 1000:+.1f} ms over off, median of {n} paired runs, order alternating; off {ow_ * 1000:.0f} ms)", dw, dr,
        f"≤ 35 ms: {'met' if dw <= 0.035 else 'missed'}; ≤ 5 ms over off: {'met' if diff <= 0.005 else 'missed'}")
    # The hourly cycle where it runs every hour: in the daemon, whose start-up and
    # first-use costs (exec, relocation, type metadata) were paid once.
    w, r = daemon_hourly("off")
    row("(b) the daemon's hourly cycle after 10,000 new lines on a 1,000,000-line log (SIGUSR1; the cycle's "
        "`duration_ms`)", w, r, f"≤ 30 ms: {'met' if w <= 0.030 else 'missed'}")
    w, r = daemon_hourly("dead", DEAD_OLLAMA)
    row("(b) the same, MODEL_STAGES=auto with Ollama down", w, r, f"≤ 35 ms: {'met' if w <= 0.035 else 'missed'}")
    first, rss_cycle, rss_idle, cpu, pings, code = footprint(big)
    print(f"| (e) daemon: READY → first cycle done over the 1,000,000-line log | {first:.2f} s "
          f"| {rss_cycle[0]:.1f} MB after it ({rss_cycle[1]:.1f} MB anonymous, {rss_cycle[2]:.1f} MB file-backed) | |")
    print(f"| (e) daemon idle, watchdog pinging every 1 s ({pings} pings in 60 s) | CPU {cpu:.3f}% of a core (median of 3 × 20 s) "
          f"| {rss_idle[0]:.1f} MB RSS: {rss_idle[1]:.1f} MB anonymous, {rss_idle[2]:.1f} MB file-backed "
          f"| ≤ 0.1% CPU; anonymous ≤ 8 MB: {'met' if rss_idle[1] <= 8 else 'missed'} |")
    print(f"| (e) daemon SIGTERM | exit status {code} | | 0 |")
    if os.environ.get("BENCH_ONLY") == "pipeline":  # (a), (s), (b), (e): the performance targets alone
        return
    g = dict(line.split() for line in subprocess.run([BENCH_BIN, "governor"], capture_output=True, text=True,
                                                      check=True).stdout.splitlines())
    print(f"| (f) governor: one memory sample (/proc/meminfo + PSI) | {g['meminfo_sample_us']} µs | | microseconds |")
    print(f"| (f) governor: lease decision, first load (fresh /api/ps + meminfo, fit, the load call, the check after it) | {g['lease_first_load_us']} µs | | microseconds |")
    print(f"| (f) governor: lease decision, model resident (fresh /api/ps + meminfo + PSI, grant) | {g['lease_resident_us']} µs | | microseconds |")
    vectors()
    growth()
    drafts()
    backtests()


def row(name, wall, rss, target):
    w = f"{wall * 1000:.0f} ms" if wall < 1 else f"{wall:.2f} s"
    print(f"| {name} | {w} | {'' if rss is None else f'{rss:.1f} MB'} | {target} |")


def scan(log):
    """The scan alone on one core, cumulative by step (best of 3 in the bench binary),
    medians of 3 runs of it: MB/s per core, and what each step adds."""
    runs = []
    for _ in range(3):
        out = subprocess.run([BENCH_BIN, "scan", "--log", log], capture_output=True, text=True, check=True).stdout
        runs.append({k: float(v) for k, v in (l.split() for l in out.splitlines())})
    m = {k: statistics.median(r[k] for r in runs) for k in runs[0]}
    mb = m.pop("bytes") / 1e6
    total = m["buckets"]
    row(f"(s) the scan alone, one core: {mb / total:.0f} MB/s per core ({mb:.0f} MB)", total, None, "")
    before = 0.0
    for name, cumulative in m.items():
        own = cumulative - before
        before = cumulative
        print(f"| (s) …{name.replace('_', ' ')} | +{own * 1000:.0f} ms ({own / total * 100:.0f}%) | | |")


def proc_rss_mb(pid, field="VmRSS"):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith(field + ":"):
                return int(line.split()[1]) / 1024
    return 0.0


def proc_cpu_seconds(pid):
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def footprint(log):
    """The daemon under a fake notify socket with a 2 s watchdog (a ping every second,
    thirty times the unit's rate): READY, the first cycle, then idle."""
    state = os.path.join(WORK, "state-daemon")
    shutil.rmtree(state, ignore_errors=True)
    path = os.path.join(WORK, "notify.sock")
    if os.path.exists(path):
        os.remove(path)
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    sock.bind(path)
    sock.settimeout(0.2)
    env = dict(os.environ, VIOLATIONS_LOG=log, CYCLE_INTERVAL="1h", NOTIFY_SOCKET=path, WATCHDOG_USEC="2000000",
               MODEL_STAGES="off")
    env.pop("JOURNAL_STREAM", None)
    d = subprocess.Popen([BIN, "daemon", "--state-dir", state], env=env,
                         stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    messages = []

    def drain(seconds):
        end = time.time() + seconds
        while time.time() < end:
            try:
                messages.append(sock.recv(4096).decode())
            except socket.timeout:
                pass

    start = time.time()
    while not any("cycle 1 completed" in m for m in messages) and time.time() - start < 120:
        drain(0.2)
    first = time.time() - start
    after_cycle = proc_rss_mb(d.pid)
    after_cycle_anon = proc_rss_mb(d.pid, "RssAnon")
    after_cycle_file = proc_rss_mb(d.pid, "RssFile")
    pings_before = sum(m.count("WATCHDOG=1") for m in messages)
    windows = []
    for _ in range(3):
        c0 = proc_cpu_seconds(d.pid)
        drain(20)
        windows.append((proc_cpu_seconds(d.pid) - c0) / 20 * 100)
    idle = proc_rss_mb(d.pid)
    idle_anon = proc_rss_mb(d.pid, "RssAnon")
    idle_file = proc_rss_mb(d.pid, "RssFile")
    pings = sum(m.count("WATCHDOG=1") for m in messages) - pings_before
    d.send_signal(signal.SIGTERM)
    code = d.wait(timeout=30)
    sock.close()
    os.remove(path)
    return (first, (after_cycle, after_cycle_anon, after_cycle_file), (idle, idle_anon, idle_file),
            statistics.median(windows), pings, code)


def backtests():
    """`backtest --profiles`: generated logs of known rates (every profile, 5 seeds × 3 sizes), the trend labels
    scored against the truth, the events, the reliability of the confidence, and the fixes landed in git."""
    out = subprocess.run([BIN, "backtest", "--profiles", "--seeds", "5", "--end", "2026-12-01T00:00:00Z"],
                         capture_output=True, text=True, check=True)
    print("\nforecasts, trends and fixes: `consciousness backtest --profiles --seeds 5 --end 2026-12-01T00:00:00Z` "
          "(63-day logs of 200k, 20k and 2k lines per seed)\n")
    print(out.stdout)


def vectors():
    runs = []
    for _ in range(3):
        out = subprocess.run([BENCH_BIN, "vector", "--entries", "100000", "--dimensions", "384"],
                             capture_output=True, text=True, check=True).stdout
        runs.append({k: float(v) for k, v in (l.split() for l in out.splitlines())})
    m = {k: statistics.median(r[k] for r in runs) for k in runs[0]}
    print(f"| (g) vector memory: top-5 search over {int(m['entries']):,} entries × 384 dims | {m['search_top5_ms']:.2f} ms "
          f"| | ≤ 20 ms |")
    print(f"| (g) …filtered by one tag (1 entry in 20) | {m['search_top5_tagged_ms']:.2f} ms | | |")
    print(f"| (g) …loading that index from SQLite | {m['index_load_ms']:.0f} ms | | once per cycle |")
    print(f"| (g) …database with 100,000 vectors | | {m['database_bytes'] / 1e6:.0f} MB on disk | |")


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def growth():
    """24 hourly cycles with the Trinity on the simulator, each after an hour of new lines."""
    sim_bin = os.path.join(os.path.dirname(BIN), "ollama-sim")
    port = free_port()
    sim = subprocess.Popen([sim_bin, "--port", str(port), "--load-seconds-per-gb", "0.05"],
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        time.sleep(0.5)
        env = dict(os.environ, OLLAMA_HOST=f"http://127.0.0.1:{port}", MODEL_STAGES="auto")
        log = os.path.join(WORK, "growth.jsonl")
        shutil.copyfile(sample(os.path.join(WORK, "base-100000.jsonl"), 100_000, 30, END, 1), log)
        state = os.path.join(WORK, "state-growth")
        shutil.rmtree(state, ignore_errors=True)
        hours = ["2026-11-01T%02d:30:00Z" % h for h in range(24)]
        sizes, memory, calls = [], [], {}
        for i, now in enumerate(hours):
            if i > 0:
                append(log, sample(os.path.join(WORK, f"hour-{i}.jsonl"), 400, 1, hours[i], 500 + i))
            out = subprocess.run([BIN, "cycle", "--log", log, "--state-dir", state, "--now", now, "--json"],
                                 capture_output=True, text=True, check=True, env=env)
            d = json.loads(out.stdout)
            memory.append(d["vector_memory"])
            for c in d["model_calls"]:
                calls.setdefault(c["role"], []).append(c)
            sizes.append(sum(os.path.getsize(os.path.join(state, f)) for f in os.listdir(state)
                             if f.startswith("consciousness.sqlite")))
    finally:
        sim.terminate()
        sim.wait()
    first, last = memory[0], memory[-1]
    print(f"| (h) vector memory after 1 → 24 hourly cycles | {first['entries']} → {last['entries']} entries "
          f"| {first['bytes'] / 1e3:.0f} → {last['bytes'] / 1e3:.0f} kB | one entry per pattern, not per hour |")
    print(f"| (h) state database after 1 → 24 cycles (+400 lines an hour) | | {sizes[0] / 1e6:.2f} → {sizes[-1] / 1e6:.2f} MB "
          f"(+{(sizes[-1] - sizes[0]) / 23 / 1e3:.0f} kB a cycle) | |")
    for role in ("controller", "embedder", "builder"):
        cs = calls.get(role, [])
        used = [c for c in cs if c["outcome"] == "used"]
        loads = [c["load_seconds"] for c in cs if c["load_seconds"] > 0.01]
        refused = {}
        for c in cs:
            if c["outcome"] != "used":
                key = (c.get("fallback_reason") or "?").split(";")[0]
                refused[key] = refused.get(key, 0) + 1
        why = "; refused: " + ", ".join(f"{k} ({v})" for k, v in sorted(refused.items())) if refused else ""
        print(f"| (h) {role}: {len(cs)} calls in 24 cycles, {len(used)} used{why} | median latency "
              f"{statistics.median([c['latency_seconds'] for c in cs]) * 1000 if cs else 0:.1f} ms | "
              f"{len(loads)} loads | simulator: 0.05 s/GB |")


def drafts():
    """The Builder's drafts with the simulator answering well and with each content fault: one cycle on a fresh
    state each, and what the checks kept and refused, by reason."""
    sim_bin = os.path.join(os.path.dirname(BIN), "ollama-sim")
    port = free_port()
    sim = subprocess.Popen([sim_bin, "--port", str(port), "--load-seconds-per-gb", "0.01"],
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    rows = []
    try:
        time.sleep(0.5)
        env = dict(os.environ, OLLAMA_HOST=f"http://127.0.0.1:{port}", MODEL_STAGES="auto")
        log = sample(os.path.join(WORK, "drafts.jsonl"), 20_000, 14, END, 7)
        for fault in (None, "fenced", "sloppy", "salad", "truncated", "wrong_ids"):
            post(port, "/sim/clear", {})
            if fault:
                post(port, "/sim/fault", {"fault": fault, "count": 1000, "path": "/api/chat"})
            state = os.path.join(WORK, f"state-drafts-{fault or 'good'}")
            shutil.rmtree(state, ignore_errors=True)
            out = subprocess.run([BIN, "cycle", "--log", log, "--state-dir", state, "--now", END, "--json"],
                                 capture_output=True, text=True, check=True, env=env)
            d = json.loads(out.stdout)
            builder = [c for c in d["model_calls"] if c["role"] == "builder"]
            kept = sum(1 for c in builder if c["outcome"] == "used")
            reasons = {}
            for c in builder:
                if c["outcome"] != "used":
                    r = c["fallback_reason"]
                    key = r.split(" — ")[1].split(":")[0] if " — " in r else r.split(";")[0]
                    reasons[key] = reasons.get(key, 0) + 1
            rows.append((fault or "none (grounded answers)", len(builder), kept,
                         ", ".join(f"{k} {v}" for k, v in sorted(reasons.items())) or "—"))
        post(port, "/sim/clear", {})
    finally:
        sim.terminate()
        sim.wait()
    print("\nBuilder drafts on the simulator, one cycle per answer kind (20,000 lines, 14 days): kept and refused\n")
    print("| simulator answers | drafts | kept | refused, by the check that failed |")
    print("|---|---:|---:|---|")
    for fault, n, kept, reasons in rows:
        print(f"| {fault} | {n} | {kept} | {reasons} |")


def post(port, path, body):
    req = urllib.request.Request(f"http://127.0.0.1:{port}{path}", data=json.dumps(body).encode(),
                                 headers={"Content-Type": "application/json"})
    urllib.request.urlopen(req, timeout=10).read()


if __name__ == "__main__":
    main()
