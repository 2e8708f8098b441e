#!/usr/bin/env python3
"""The chaos soak behind `make soak`: exactly-once counting of a violations log that is
appended to, rotated and copy-truncated at random instants while a daemon and hand-run
cycles read it, the daemon SIGKILLed and restarted, cycles SIGKILLed mid-run.

  python3 scripts/soak.py --binary .build/debug/consciousness [--seconds 600] [--seed N]
                          [--workdir DIR]

Each file generation of the log is an "epoch": every line of epoch E names the function
soak_eEEEEE_K (K in 0..3), so the store's per-function totals say, per epoch, how many of
the lines written were stored. At the end (writer stopped, daemon stopped, two final
cycles) it prints, per the whole run:

  double-counted   Σ over epochs of max(0, stored − written)
  lost             Σ over epochs of max(0, written − stored)
  reported lost    the lost lines of epochs named (by the `head` column) in a 'lost'
                   row of log_events: a loss the program saw and said so
  lost unreported  lost − reported lost

and exits 1 if double-counted or lost unreported is above 0, if any process died of a
signal the soak did not send, if a cycle exited with anything but 0 (done) or 75 (busy),
or if the final cycles failed. Local files only; every child is killed on the way out.

Rotations (at random instants, by the writer thread, so never in the middle of a write):
  rename        logrotate `create`: NAME.k → NAME.k+1 (keeping 3), NAME → NAME.1, a new
                NAME. Done as link(NAME, NAME.1) + rename(new, NAME), so that NAME never
                goes missing (logrotate's rename-then-create leaves a window in which a
                cycle would exit 66 "missing log"; that window is not what this soak tests).
  rename+late   the same, but the writer goes on appending to the renamed file for
                0.2–2 s before it reopens NAME (a logger until its postrotate HUP).
  copytruncate  the shift, then copy NAME → NAME.1 and truncate NAME. The writer is paused
                from the copy to the truncation: a line written in that window would be in
                neither file, lost for any reader and invisible to it, so none is written.
  delete        rotate 0: the old file is unlinked at once (a new NAME replaces it
                atomically): its unread tail is lost, and must be reported as 'lost'.
  truncate      copytruncate with rotate 0 (no copy kept): the same, on the same inode.
  cp+mv         `cp NAME t && mv t NAME`: a new inode with the same content (not a new
                epoch): must resume, not recount.
A rotation waits until the store holds at least one line of the current epoch (at most
30 s), so that no file is rotated away before any cycle could have seen it: a file no
reader ever opened can be neither read nor reported. A rotation forced after that wait
is counted as "unseen" in the summary. (For the same reason an empty file is never given
late lines: `rename+late` of an empty epoch is done as a plain `rename`. The Swift tests
cover a file seen empty, then filled and rotated between two cycles.)
"""
import argparse
import collections
import datetime
import json
import os
import random
import re
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time

NAME = "v.jsonl"
MARKER = ".consciousness-soak"
KEEP = 3
FUNC_RE = re.compile(r"soak_e(\d{5})_(\d)")
ERRORS = [
    "Article I violated: incomplete context before acting",
    "Article II violated: quality standards not met",
    "Article III violated: mock used outside tests",
    "Article IV violated: some text",
    "Article V violated: learning not recorded",
]
SEVERITIES = ["low", "medium", "high", "critical"]
CHILD_ENV_DROP = ["NOTIFY_SOCKET", "WATCHDOG_USEC", "WATCHDOG_PID", "JOURNAL_STREAM",
                  "CONSCIOUSNESS_CONFIG", "STATE_DIRECTORY", "VIOLATIONS_LOG"]


def log(t0, msg):
    print(f"[{time.monotonic() - t0:7.2f}s] {msg}", flush=True)


def child_env(extra=None):
    env = dict(os.environ)
    for k in CHILD_ENV_DROP:
        env.pop(k, None)
    env["MODEL_STAGES"] = "off"
    env.update(extra or {})
    return env


def describe_rc(rc):
    if rc is None:
        return "running"
    if rc < 0:
        try:
            return f"signal {signal.Signals(-rc).name}"
        except ValueError:
            return f"signal {-rc}"
    return f"exit {rc}"


class Store:
    """Read-only views of the state database; every call opens and closes its own
    connection (WAL: a reader never blocks the writers)."""

    def __init__(self, state_dir):
        self.path = os.path.join(state_dir, "consciousness.sqlite")

    def _query(self, sql, args=()):
        if not os.path.exists(self.path):
            return None
        con = sqlite3.connect(f"file:{self.path}?mode=ro", uri=True, timeout=10)
        try:
            return con.execute(sql, args).fetchall()
        finally:
            con.close()

    def has_epoch(self, epoch):
        try:
            rows = self._query("SELECT 1 FROM functions WHERE name LIKE ? ESCAPE '\\' LIMIT 1",
                               (f"soak\\_e{epoch:05d}\\_%",))
            return bool(rows)
        except sqlite3.Error:
            return False

    def counts(self):
        rows = self._query("""SELECT f.name, SUM(b.count) FROM buckets b JOIN functions f ON f.id = b.function_id
                              GROUP BY f.name""")
        return {name: int(n) for name, n in rows or []}

    def malformed(self):
        try:
            return {r: int(n) for r, n in self._query("SELECT reason, count FROM malformed") or []}
        except sqlite3.Error as e:
            return {f"(cannot read: {e})": 0}

    def events(self):
        return self._query("""SELECT id, cycle, kind, path, detail, bytes_read, bytes_lost, head
                              FROM log_events ORDER BY id""") or []

    def failed_cycles(self):
        """(id, why) of the cycles the store records as failed: the failure column
        (schema v8), else the report_json in which older schemas kept the reason."""
        for sql in ("SELECT id, failure FROM cycles WHERE result = 'failed' ORDER BY id",
                    "SELECT id, report_json FROM cycles WHERE result = 'failed' ORDER BY id"):
            try:
                return self._query(sql) or []
            except sqlite3.Error:
                continue
        return []

    def cycle_results(self):
        try:
            return dict(self._query("SELECT result, count(*) FROM cycles GROUP BY result") or [])
        except sqlite3.Error:
            return {}


class Writer(threading.Thread):
    """Appends lines at random rates (pauses, steady runs, bursts of a few thousand lines
    a second) and rotates the log at random instants. It is the only thread that touches
    the log files, so a rotation never cuts a write in two."""

    def __init__(self, soak, rng):
        super().__init__(name="writer", daemon=True)
        self.soak = soak
        self.rng = rng
        self.stop_event = threading.Event()
        self.epoch = 1
        self.written = collections.Counter()          # epoch → lines
        self.written_fn = collections.Counter()       # function → lines
        self.bytes_written = 0
        self.rotations = collections.Counter()
        self.unseen_rotations = 0
        self.postponed_s = 0.0
        self.split_writes = 0
        self.fate = {1: "live"}                       # epoch → where its file ended up
        self.error = None
        self.fd = None
        self.late_until = None          # writing to a renamed file until then (rename+late)
        self.rotation_mean = max(2.0, min(8.0, soak.seconds / 12))

    # -- paths
    def p(self, name):
        return os.path.join(self.soak.logdir, name)

    @property
    def live(self):
        return self.p(NAME)

    def rotated(self, k):
        return self.p(f"{NAME}.{k}")

    # -- writing
    def reopen(self):
        if self.fd is not None:
            os.close(self.fd)
        self.fd = os.open(self.live, os.O_WRONLY | os.O_APPEND)

    def line(self):
        k = self.rng.choices(range(4), weights=(5, 3, 2, 1))[0]
        fn = f"soak_e{self.epoch:05d}_{k}"
        at = datetime.datetime.now(datetime.timezone.utc) - datetime.timedelta(seconds=self.rng.uniform(0, 300))
        # The function first, so that the first 256 bytes of any file's first line name its epoch.
        obj = {"function": fn, "timestamp": at.strftime("%Y-%m-%dT%H:%M:%S.%fZ"),
               "violation_type": "constitutional", "error": self.rng.choice(ERRORS),
               "severity": self.rng.choice(SEVERITIES)}
        self.written[self.epoch] += 1
        self.written_fn[fn] += 1
        return json.dumps(obj) + "\n"

    def write_lines(self, n):
        data = "".join(self.line() for _ in range(n)).encode()
        if len(data) > 2 and self.rng.random() < 0.1:
            # Now and then a write in two pieces, the cut anywhere (a reader may see half a line).
            cut = self.rng.randrange(1, len(data) - 1)
            self._write(data[:cut])
            time.sleep(self.rng.uniform(0.001, 0.05))
            self._write(data[cut:])
            self.split_writes += 1
        else:
            self._write(data)
        self.bytes_written += len(data)

    def _write(self, data):
        view = memoryview(data)
        while view:
            n = os.write(self.fd, view)
            view = view[n:]

    # -- rotating
    def shift(self):
        """NAME.k → NAME.k+1, the oldest (NAME.KEEP) deleted."""
        for k in range(KEEP, 0, -1):
            src = self.rotated(k)
            if not os.path.exists(src):
                continue
            e = self.epoch_of(src)
            if k == KEEP:
                os.unlink(src)
                if e:
                    self.fate[e] = f"{NAME}.{KEEP} deleted (rotated out)"
            else:
                os.rename(src, self.rotated(k + 1))
                if e:
                    self.fate[e] = f"{NAME}.{k + 1}"

    def epoch_of(self, path):
        try:
            with open(path, "rb") as f:
                m = FUNC_RE.search(f.read(512).decode(errors="replace"))
            return int(m.group(1)) if m else None
        except OSError:
            return None

    def new_file_at_live(self):
        """A new empty NAME, atomically (rename over): NAME never goes missing."""
        tmp = self.p(".soak-new")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
        os.close(fd)
        os.rename(tmp, self.live)

    def rotate(self, kind):
        old = self.epoch
        if kind == "rename":
            self.shift()
            os.link(self.live, self.rotated(1))
            self.new_file_at_live()
            self.fate[old] = f"{NAME}.1"
        elif kind == "rename+late":
            # As `rename`, but the writer goes on writing to the renamed file (its open
            # descriptor) for a moment, as a logger does until its postrotate HUP: those
            # lines are the old epoch's, in NAME.1.
            self.shift()
            os.link(self.live, self.rotated(1))
            self.new_file_at_live()
            self.fate[old] = f"{NAME}.1 (written to after the rename)"
            self.rotations[kind] += 1
            self.late_until = time.monotonic() + self.rng.uniform(0.2, 2.0)
            return old
        elif kind == "copytruncate":
            self.shift()
            # Writer paused (this thread is the writer) from the copy to the truncation.
            shutil.copyfile(self.live, self.rotated(1))
            os.truncate(self.live, 0)
            self.fate[old] = f"{NAME}.1 (copy)"
        elif kind == "delete":
            self.new_file_at_live()
            self.fate[old] = "deleted (rotate 0)"
        elif kind == "truncate":
            os.truncate(self.live, 0)
            self.fate[old] = "truncated, no copy (rotate 0)"
        elif kind == "cp+mv":
            tmp = self.p("t")
            shutil.copyfile(self.live, tmp)
            os.rename(tmp, self.live)
        self.rotations[kind] += 1
        if kind != "cp+mv":
            self.epoch += 1
            self.fate[self.epoch] = "live"
        self.reopen()
        return old

    def pick_rotation(self):
        r = self.rng.random()
        if r < 0.30:
            return "rename"
        if r < 0.46:
            return "rename+late"
        if r < 0.82:
            return "copytruncate"
        if r < 0.90:
            return "cp+mv"
        if r < 0.96:
            return "delete"
        return "truncate"

    def run(self):
        try:
            self._run()
        except BaseException as e:  # noqa: BLE001 - reported by the soak
            self.error = repr(e)
            self.soak.note_failure(f"writer thread: {e!r}")

    def _run(self):
        rng = self.rng
        fd = os.open(self.live, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
        os.close(fd)
        self.reopen()
        t0 = self.soak.t0
        phase_end, rate, carry = 0.0, 0.0, 0.0
        next_rotation = time.monotonic() + rng.expovariate(1 / self.rotation_mean)
        waiting_since = None
        next_check = 0.0
        pending = None
        last = time.monotonic()
        while not self.stop_event.is_set():
            now = time.monotonic()
            if now >= phase_end:
                r = rng.random()
                if r < 0.25:
                    rate, length = 0.0, rng.uniform(0.2, 4.0)                     # pause
                elif r < 0.70:
                    rate, length = rng.uniform(20, 400), rng.uniform(1.0, 6.0)   # steady
                else:
                    rate, length = rng.uniform(1000, 4000), rng.uniform(0.3, 2.0)  # burst
                phase_end = now + length
            carry += rate * (now - last)
            last = now
            n = int(carry)
            if n:
                carry -= n
                self.write_lines(n)
            if self.late_until is not None and now >= self.late_until:
                # The HUP: reopen NAME, a new epoch.
                self.late_until = None
                self.epoch += 1
                self.fate[self.epoch] = "live"
                self.reopen()
                log(t0, f"rename+late: epoch {self.epoch - 1} ({self.written[self.epoch - 1]} lines) no longer "
                        f"written to; now epoch {self.epoch}")
            if self.late_until is None and now >= next_rotation and now >= next_check:
                next_check = now + 0.25
                if pending is None:
                    pending = self.pick_rotation()
                kind = pending
                if kind == "rename+late" and self.written[self.epoch] == 0:
                    # Late lines into a renamed file no cycle could fingerprint while it
                    # was live: out of the specification's reach; a plain rename instead.
                    kind = pending = "rename"
                ready = (kind == "cp+mv" or self.written[self.epoch] == 0
                         or self.soak.store.has_epoch(self.epoch))
                if not ready and waiting_since is None:
                    waiting_since = now
                forced = not ready and waiting_since is not None and now - waiting_since > 30
                if ready or forced:
                    if waiting_since is not None:
                        self.postponed_s += now - waiting_since
                        waiting_since = None
                    if forced:
                        self.unseen_rotations += 1
                    old = self.rotate(kind)
                    pending = None
                    extra = " (writer paused for copy+truncate: no line written in that window)" \
                        if kind == "copytruncate" else ""
                    extra += " — FORCED: no cycle had stored a line of it in 30 s" if forced else ""
                    log(t0, f"rotation {kind}: epoch {old} ({self.written[old]} lines) → "
                            f"{self.fate.get(old, 'live')}; now epoch {self.epoch}{extra}")
                    next_rotation = time.monotonic() + max(1.0, rng.expovariate(1 / self.rotation_mean))
            time.sleep(rng.uniform(0.02, 0.06))
        if self.fd is not None:
            os.close(self.fd)
            self.fd = None


class Soak:
    def __init__(self, args):
        self.binary = os.path.abspath(args.binary)
        self.seconds = args.seconds
        self.seed = args.seed if args.seed is not None else random.SystemRandom().randrange(1, 2**31)
        self.rng = random.Random(self.seed * 2 + 2)
        if args.workdir:
            self.workdir = os.path.abspath(args.workdir)
            if os.path.isdir(self.workdir) and os.listdir(self.workdir):
                # Emptied only if an earlier soak made it: never someone's directory by mistake.
                if not os.path.exists(os.path.join(self.workdir, MARKER)):
                    sys.exit(f"soak: {self.workdir} is not empty and not a soak's working directory; not touching it")
                shutil.rmtree(self.workdir)
            os.makedirs(self.workdir, exist_ok=True)
        else:
            self.workdir = tempfile.mkdtemp(prefix="consciousness-soak-")
        self.temporary = not args.workdir
        open(os.path.join(self.workdir, MARKER), "w").close()
        # A private copy of the binary: a rebuild during the soak neither changes what is
        # tested nor makes a start fail with ETXTBSY.
        self.source_binary = self.binary
        os.makedirs(os.path.join(self.workdir, "bin"))
        self.binary = os.path.join(self.workdir, "bin", "consciousness")
        copy_binary(self.source_binary, self.binary)
        self.logdir = os.path.join(self.workdir, "logs")
        self.state = os.path.join(self.workdir, "state")
        self.outdir = os.path.join(self.workdir, "cycles")
        for d in (self.logdir, self.outdir):
            os.makedirs(d)
        self.live = os.path.join(self.logdir, NAME)
        # Spellings of one file: absolute, relative, ./relative, a symlink, a path through a
        # symlinked directory.
        os.symlink(os.path.join("logs", NAME), os.path.join(self.workdir, "link.jsonl"))
        os.symlink("logs", os.path.join(self.workdir, "logs-link"))
        self.spellings = [
            ("absolute", self.live, self.workdir),
            ("relative", os.path.join("logs", NAME), self.workdir),
            ("dot-relative", "./" + NAME, self.logdir),
            ("symlink", os.path.join(self.workdir, "link.jsonl"), self.workdir),
            ("dir-symlink", os.path.join(self.workdir, "logs-link", NAME), self.workdir),
        ]
        self.store = Store(self.state)
        self.t0 = time.monotonic()
        self.failures = []
        self.lock = threading.Lock()
        self.cycles = []                  # running hand cycles: dicts
        self.cycle_n = 0
        self.stats = collections.Counter()
        self.daemon = None
        self.daemon_started = 0.0
        self.daemon_restart_at = 0.0
        self.daemon_kill_at = 0.0
        self.daemon_out = None
        self.writer = Writer(self, random.Random(self.seed * 2 + 1))

    def note_failure(self, msg):
        with self.lock:
            self.failures.append(msg)
        log(self.t0, "FAILURE: " + msg)

    # -- hand-run cycles
    def start_cycle(self, kill_after=None, final=False):
        self.cycle_n += 1
        n = self.cycle_n
        name, path, cwd = (self.spellings[0] if final else self.rng.choice(self.spellings))
        args = [self.binary, "cycle", "--log", path, "--state-dir", self.state, "--no-models", "--days", "3650"]
        if final:
            args += ["--wait", "300"]
        elif self.rng.random() < 0.5:
            args += ["--wait", str(self.rng.choice([0, 0, 1, 2, 5]))]
        out = os.path.join(self.outdir, f"cycle-{n:05d}.out")
        f = open(out, "wb")
        f.write((" ".join(args) + f"\n# cwd {cwd} ({name})\n").encode())
        f.flush()
        p = subprocess.Popen(args, cwd=cwd, stdout=f, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                             env=child_env(), start_new_session=True)
        c = {"n": n, "p": p, "file": f, "out": out, "start": time.monotonic(), "spelling": name,
             "kill_at": time.monotonic() + kill_after if kill_after is not None else None, "killed": False}
        self.cycles.append(c)
        self.stats["final cycles" if final else "cycles started"] += 1
        return c

    def reap_cycles(self, hang_limit=120.0):
        now = time.monotonic()
        for c in list(self.cycles):
            p = c["p"]
            rc = p.poll()
            if rc is None:
                if c["kill_at"] is not None and now >= c["kill_at"]:
                    p.send_signal(signal.SIGKILL)
                    c["killed"] = True
                    c["kill_at"] = None
                elif now - c["start"] > hang_limit:
                    p.send_signal(signal.SIGKILL)
                    p.wait()
                    self.note_failure(f"cycle #{c['n']} ({c['spelling']}) still running after {now - c['start']:.0f} s; "
                                      f"killed (output: {c['out']})")
                    self.finish_cycle(c, keep=True)
                continue
            keep = False
            if rc == 0:
                self.stats["cycles completed"] += 1
            elif rc == 75:
                self.stats["cycles busy (75)"] += 1
            elif rc == -signal.SIGKILL and c["killed"]:
                self.stats["cycles killed"] += 1
            else:
                keep = True
                self.stats["cycles failed"] += 1
                self.note_failure(f"cycle #{c['n']} ({c['spelling']}) ended with {describe_rc(rc)} "
                                  f"(output: {c['out']}): {tail(c['out'])}")
            self.finish_cycle(c, keep=keep)

    def finish_cycle(self, c, keep):
        c["file"].close()
        self.cycles.remove(c)
        if not keep and c["n"] % 25 != 0:   # keep every 25th for a look, and every failure
            try:
                os.unlink(c["out"])
            except OSError:
                pass

    # -- the daemon
    def start_daemon(self):
        spelled = self.rng.choice([self.live, os.path.join(self.workdir, "link.jsonl")])
        env = child_env({"VIOLATIONS_LOG": spelled, "CYCLE_INTERVAL": "1s", "RUN_AT_START": "true"})
        if self.daemon_out is None:
            self.daemon_out = open(os.path.join(self.workdir, "daemon.log"), "ab")
        self.daemon_out.write(f"\n=== soak: daemon start at {time.monotonic() - self.t0:.2f}s, "
                              f"VIOLATIONS_LOG={spelled}\n".encode())
        self.daemon_out.flush()
        self.daemon = subprocess.Popen([self.binary, "daemon", "--state-dir", self.state], cwd=self.workdir,
                                       stdout=self.daemon_out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                       env=env, start_new_session=True)
        self.daemon_started = time.monotonic()
        self.daemon_kill_at = self.daemon_started + self.rng.expovariate(1 / 8.0)
        self.stats["daemon starts"] += 1

    def tend_daemon(self):
        now = time.monotonic()
        if self.daemon is None:
            if now >= self.daemon_restart_at:
                self.start_daemon()
            return
        rc = self.daemon.poll()
        if rc is not None:
            self.note_failure(f"the daemon ended by itself with {describe_rc(rc)} (see daemon.log)")
            self.daemon = None
            self.daemon_restart_at = now + 1
            return
        if now >= self.daemon_kill_at:
            self.daemon.send_signal(signal.SIGKILL)
            self.daemon.wait()
            self.daemon = None
            self.stats["daemon kills"] += 1
            self.daemon_restart_at = now + self.rng.uniform(0.0, 2.0)
        elif now - self.daemon_started > 5 and self.rng.random() < 0.01:
            # A cycle now (its handler is installed well within 5 s of the start).
            self.daemon.send_signal(signal.SIGUSR1)
            self.stats["daemon SIGUSR1"] += 1

    def stop_daemon(self):
        if self.daemon is None:
            return
        # SIGTERM before the daemon has installed its handlers would kill it by default.
        while time.monotonic() - self.daemon_started < 5 and self.daemon.poll() is None:
            time.sleep(0.1)
        if self.daemon.poll() is None:
            self.daemon.send_signal(signal.SIGTERM)
        try:
            rc = self.daemon.wait(timeout=60)
        except subprocess.TimeoutExpired:
            self.daemon.send_signal(signal.SIGKILL)
            self.daemon.wait()
            self.note_failure("the daemon did not stop within 60 s of SIGTERM; killed")
            rc = 0
        if rc != 0:
            self.note_failure(f"the daemon ended with {describe_rc(rc)} on SIGTERM (0 expected; see daemon.log)")
        self.daemon = None

    # -- the run
    def chaos(self):
        deadline = self.t0 + self.seconds
        next_cycle = time.monotonic() + self.rng.uniform(0.2, 1.0)
        next_report = time.monotonic() + 10
        while time.monotonic() < deadline:
            now = time.monotonic()
            self.tend_daemon()
            self.reap_cycles()
            if now >= next_cycle:
                k = self.rng.choices([1, 2, 3], weights=(70, 20, 10))[0]
                for _ in range(k):
                    if len(self.cycles) >= 6:
                        break
                    kill_after = self.rng.uniform(0.01, 0.5) if self.rng.random() < 0.2 else None
                    self.start_cycle(kill_after)
                next_cycle = now + self.rng.expovariate(1 / 1.5)
            if now >= next_report:
                w = self.writer
                log(self.t0, f"{sum(w.written.values()):,} lines written, epoch {w.epoch}, "
                             f"rotations {dict(w.rotations)}, {dict(self.stats)}")
                next_report = now + 10
            if self.writer.error:
                break
            time.sleep(0.05)

    def run(self):
        print(f"soak: seed {self.seed}, {self.seconds:g} s, workdir {self.workdir}, binary {self.source_binary} "
              f"(run from a copy in {self.binary})", flush=True)
        print("soak: copytruncate rotations pause the writer from the copy to the truncation: a line written in "
              "that window would be lost for any reader and invisible to it, so the soak writes none there",
              flush=True)
        self.writer.start()
        try:
            self.chaos()
            log(self.t0, "stopping the writer")
            self.writer.stop_event.set()
            self.writer.join(timeout=30)
            if self.writer.is_alive():
                self.note_failure("the writer thread did not stop within 30 s")
            # Let the cycles in flight end (those due for a kill get it).
            end = time.monotonic() + 120
            while self.cycles and time.monotonic() < end:
                self.reap_cycles()
                time.sleep(0.05)
            self.reap_cycles(hang_limit=0)
            log(self.t0, "stopping the daemon (SIGTERM)")
            self.stop_daemon()
            finals = []
            for i in (1, 2):
                c = self.start_cycle(final=True)
                try:
                    rc = c["p"].wait(timeout=600)
                except subprocess.TimeoutExpired:
                    c["p"].send_signal(signal.SIGKILL)
                    c["p"].wait()
                    rc = "hung"
                c["file"].close()
                self.cycles.remove(c)
                if rc != 0:
                    self.note_failure(f"final cycle {i} ended with {rc if rc == 'hung' else describe_rc(rc)}: "
                                      f"{tail(c['out'])} (output: {c['out']})")
                finals.append(self.store.counts())
                log(self.t0, f"final cycle {i}: {describe_rc(rc) if rc != 'hung' else rc}, "
                             f"{sum(finals[-1].values()):,} lines stored")
            if finals[0] != finals[1]:
                diff = {k: (finals[0].get(k, 0), finals[1].get(k, 0))
                        for k in set(finals[0]) | set(finals[1]) if finals[0].get(k, 0) != finals[1].get(k, 0)}
                self.note_failure(f"the second final cycle changed the stored counts: {diff}")
            return self.verdict(finals[-1])
        finally:
            self.cleanup()

    def cleanup(self):
        self.writer.stop_event.set()
        for c in list(self.cycles):
            if c["p"].poll() is None:
                c["p"].send_signal(signal.SIGKILL)
            c["p"].wait()
            c["file"].close()
        self.cycles.clear()
        if self.daemon is not None:
            if self.daemon.poll() is None:
                self.daemon.send_signal(signal.SIGKILL)
            self.daemon.wait()
            self.daemon = None
        if self.daemon_out is not None:
            self.daemon_out.close()

    def verdict(self, stored_fn):
        w = self.writer
        stored = collections.Counter()
        foreign = 0
        for name, n in stored_fn.items():
            m = FUNC_RE.fullmatch(name)
            if m:
                stored[int(m.group(1))] += n
            else:
                foreign += n
        epochs = sorted(set(w.written) | set(stored))
        double = sum(max(0, stored[e] - w.written[e]) for e in epochs)
        lost_by_epoch = {e: max(0, w.written[e] - stored[e]) for e in epochs}
        lost = sum(lost_by_epoch.values())
        try:
            events = self.store.events()
            events_error = None
        except sqlite3.Error as e:
            events, events_error = [], str(e)
        kinds = collections.Counter(ev[2] for ev in events)
        reported_epochs, unattributed = set(), 0
        for ev in events:
            if ev[2] != "lost":
                continue
            m = FUNC_RE.search(ev[7] or "")
            if m:
                reported_epochs.add(int(m.group(1)))
            else:
                unattributed += 1
        reported_lost = sum(lost_by_epoch[e] for e in reported_epochs if e in lost_by_epoch)
        unreported = lost - reported_lost
        # Per function too: a miscount between the functions of one epoch hides in its sum.
        fn_mismatch = {f: (w.written_fn[f], stored_fn.get(f, 0)) for f in set(w.written_fn) | set(stored_fn)
                       if FUNC_RE.fullmatch(f) and w.written_fn[f] != stored_fn.get(f, 0)}

        print()
        print("=" * 72)
        print("SOAK SUMMARY")
        print("=" * 72)
        print(f"seed:                {self.seed}")
        print(f"seconds:             {self.seconds}")
        print(f"workdir:             {self.workdir}")
        print(f"lines written:       {sum(w.written.values()):,} in {len(w.written)} epochs "
              f"({w.bytes_written / 2**20:.1f} MiB; {w.split_writes} writes split mid-line)")
        print(f"lines stored:        {sum(stored.values()):,}" + (f" (+{foreign:,} of other functions)" if foreign else ""))
        print(f"rotations:           {dict(w.rotations) or 'none'}"
              + (f"; {w.unseen_rotations} forced before any cycle saw the file" if w.unseen_rotations else "")
              + (f"; waited {w.postponed_s:.1f} s in all for a cycle to see the file" if w.postponed_s else ""))
        print(f"hand cycles:         {self.stats['cycles started']} started, {self.stats['cycles completed']} completed, "
              f"{self.stats['cycles busy (75)']} busy (75), {self.stats['cycles killed']} killed, "
              f"{self.stats['cycles failed']} failed")
        print(f"daemon:              {self.stats['daemon starts']} starts, {self.stats['daemon kills']} SIGKILLs, "
              f"{self.stats['daemon SIGUSR1']} SIGUSR1")
        print(f"cycles in the store: {self.store.cycle_results() or '?'}")
        failed = self.store.failed_cycles()
        for cid, why in failed[:10]:
            print(f"WARNING: cycle {cid} failed (in the store): {str(why)[:300]}")
        print(f"malformed stored:    {self.store.malformed() or 'none'}")
        if events_error:
            print(f"log_events:          cannot read: {events_error}")
        else:
            print(f"log_events:          {dict(kinds) or 'none'}"
                  + (f"; {unattributed} 'lost' without an epoch in head" if unattributed else ""))
        for ev in events:
            if ev[2] in ("lost", "copytruncate", "replaced"):
                print(f"   #{ev[0]} cycle {ev[1]} {ev[2]}: {ev[3]} read {ev[5]} lost {ev[6]} — {ev[4]} "
                      f"[head {str(ev[7])[:60]!r}]")
        print(f"lost:                {lost:,}")
        print(f"reported lost:       {reported_lost:,} (epochs {sorted(reported_epochs) or 'none'})")
        false_alarms = sorted(e for e in reported_epochs if lost_by_epoch.get(e, 0) == 0)
        if false_alarms:
            print(f"WARNING: 'lost' reported for epochs of which every line is stored (false alarms; not counted "
                  f"in the verdict): {false_alarms}")
        for e in epochs:
            if w.written[e] != stored[e]:
                mark = "reported" if e in reported_epochs else "NOT REPORTED" if stored[e] < w.written[e] else "DOUBLE"
                print(f"   epoch {e:5d}: written {w.written[e]:,}, stored {stored[e]:,} "
                      f"({stored[e] - w.written[e]:+,}) file: {w.fate.get(e, '?')} — {mark}")
        if fn_mismatch and not double and not lost:
            print(f"   functions miscounted within an epoch: {fn_mismatch}")
        print(f"double-counted: {double}")
        print(f"lost unreported: {unreported}")
        for f in self.failures:
            print(f"failure: {f}")
        bad = double > 0 or unreported > 0 or self.failures or (fn_mismatch and not double and not lost)
        print(f"soak: {'FAILED' if bad else 'passed'}")
        return 1 if bad else 0


def copy_binary(src, dst):
    """Copies the binary and checks that the copy runs (a copy taken while a linker
    writes it would not); retries for a minute."""
    for attempt in range(60):
        try:
            shutil.copy2(src, dst)
            r = subprocess.run([dst, "sample", "--profiles"], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                               timeout=60, env=child_env())
            if r.returncode == 0:
                return
            problem = f"the copy exits {r.returncode}: {r.stderr.decode(errors='replace')[:200]}"
        except (OSError, subprocess.TimeoutExpired) as e:
            problem = str(e)
        if attempt == 59:
            sys.exit(f"soak: cannot take a working copy of {src}: {problem}")
        print(f"soak: cannot take a working copy of {src} yet ({problem}); retrying", flush=True)
        time.sleep(1)


def tail(path, n=400):
    try:
        with open(path, "rb") as f:
            f.seek(0, os.SEEK_END)
            size = f.tell()
            f.seek(max(0, size - n))
            return f.read().decode(errors="replace").strip().replace("\n", " | ")
    except OSError:
        return "?"


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--binary", required=True, help="the consciousness binary")
    ap.add_argument("--seconds", type=float, default=600, help="length of the chaos phase (default 600)")
    ap.add_argument("--seed", type=int, help="random seed (default: random; always printed)")
    ap.add_argument("--workdir", help="working directory (emptied first, kept; default: a new temporary one, "
                                      "removed if the soak passes)")
    args = ap.parse_args()
    if not os.access(args.binary, os.X_OK):
        sys.exit(f"soak: {args.binary} is not an executable")
    soak = Soak(args)

    def on_term(signum, _frame):
        raise KeyboardInterrupt(f"signal {signum}")
    signal.signal(signal.SIGTERM, on_term)
    try:
        rc = soak.run()
        # The binary's copy goes; a temporary working directory too when the soak passed.
        shutil.rmtree(os.path.dirname(soak.binary), ignore_errors=True)
        if rc == 0 and soak.temporary:
            shutil.rmtree(soak.workdir, ignore_errors=True)
        else:
            print(f"soak: logs, state and outputs kept in {soak.workdir}")
        sys.exit(rc)
    except KeyboardInterrupt:
        print(f"soak: interrupted (seed {soak.seed}); children killed", flush=True)
        sys.exit(130)


if __name__ == "__main__":
    main()
