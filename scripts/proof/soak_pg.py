#!/usr/bin/env python3
# soak_pg.py: the multi-daemon soak behind `scripts/soak --postgres` (issue 13).
#
# Several real release daemons (3 by default) share one spool and one real PostgreSQL
# server (scripts/pg-test-server: Debian's PostgreSQL 15 on loopback, a free port, a
# temporary data directory). Mixed inputs (questions, SQL requests, uploads with a question
# about each, invalid files) are dropped into the shared inbox the way the README says
# (temp dotfile, then rename) while random daemons are SIGKILLed and restarted under the
# same name, and the database server is restarted once in the middle.
#
# Invariants, checked at the end from the spool and the server: every input has exactly
# one job and one result; every job finished (none queued or running); each final copy in
# archive/ or failed/ exists once, under the input's own name; every failed input has its
# .error.json; inputs meant to fail never archived; nothing left in any daemon's
# state/work/<name>/ or in the inbox; every daemon stopped by SIGTERM at the end exits 0.
# Output: phase lines, the outcome histogram, one summary line "soak --postgres: ...", with
# the jobs that needed more than one attempt (taken over after a kill or the restart) and
# how many jobs each daemon finished.
# Exit 1 when an invariant breaks, 2 on a set-up error.

import argparse
import json
import os
import random
import shutil
import signal
import subprocess
import sys
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from common import Daemon, DaemonError, drop_bytes, now  # noqa: E402
from soak import QUESTIONS, SQLS, result_name  # noqa: E402

PG_BIN = os.environ.get("PG_BIN", "/usr/lib/postgresql/15/bin")
REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def log(msg):
    print(f"[{time.strftime('%H:%M:%S')}] {msg}", flush=True)


class PGServer:
    def __init__(self, dir):
        self.dir = dir
        self.script = os.path.join(REPO, "scripts", "pg-test-server")

    def start(self):
        out = subprocess.run([self.script, "start", self.dir], check=True, capture_output=True, text=True).stdout
        fields = dict(kv.split("=", 1) for kv in out.split())
        self.port = int(fields["port"])
        self.password_file = fields["password_file"]
        with open(self.password_file) as f:
            self.password = f.read().strip()

    def restart(self):
        subprocess.run([self.script, "restart", self.dir], check=True, capture_output=True)

    def stop(self):
        subprocess.run([self.script, "stop", self.dir], capture_output=True)

    def createdb(self, name):
        subprocess.run([self.script, "createdb", self.dir, name], check=True, capture_output=True)

    def query(self, database, sql):
        env = dict(os.environ, PGPASSWORD=self.password)
        out = subprocess.run([f"{PG_BIN}/psql", "-h", "127.0.0.1", "-p", str(self.port), "-U", "lumiere", "-d",
                              database, "-At", "-F", "\t", "-c", sql], env=env, check=True, capture_output=True,
                             text=True).stdout
        return [line.split("\t") for line in out.splitlines() if line]


class MultiSoak:
    def __init__(self, args):
        self.args = args
        self.rng = random.Random(args.seed)
        self.root = args.dir
        self.spool = os.path.join(self.root, "spool")
        self.inbox = os.path.join(self.spool, "inbox")
        self.outbox = os.path.join(self.spool, "outbox")
        self.drops = []
        self.counter = 0
        self.kills = 0
        self.db_restarts = 0
        self.breaks = []

    def setup(self):
        shutil.rmtree(self.root, ignore_errors=True)
        os.makedirs(self.root)
        self.pg = PGServer(os.path.join(self.root, "pg"))
        self.pg.start()
        self.pg.createdb("lumiere_soak")
        url = f"postgres://lumiere@127.0.0.1:{self.pg.port}/lumiere_soak?sslmode=disable"
        base = {"LUMIERE_STORE_BACKEND": "postgres", "LUMIERE_STORE_URL": url,
                "LUMIERE_STORE_PASSWORD_FILE": self.pg.password_file,
                "LUMIERE_STORE_LEASE_MS": str(self.args.lease_ms),
                "LUMIERE_WORKERS": str(self.args.workers), "LUMIERE_LOG_TARGET": "stderr",
                "LUMIERE_SPOOL_SETTLE_MS": "100", "LUMIERE_QUEUE_RETRY_MAX_MS": "2000"}
        self.daemons = []
        for i in range(self.args.daemons):
            env = dict(base, LUMIERE_DAEMON_NAME=f"d{i + 1}")
            self.daemons.append(Daemon(self.args.binary, self.spool, os.path.join(self.root, f"d{i + 1}.log"), env=env))
        for d in self.daemons:
            d.start()
        # The source the questions ask about, ingested once before the load.
        with open(self.args.sample, "rb") as f:
            drop_bytes(self.inbox, "sales.csv", f.read())
        self.record("sales.csv", dict(kind="upload", expect="ok"))
        self.wait_for(lambda: os.path.exists(os.path.join(self.outbox, "sales.source.json")), 120, "the first upload")

    def wait_for(self, cond, timeout, what):
        deadline = now() + timeout
        while now() < deadline:
            if cond():
                return
            time.sleep(0.1)
        raise DaemonError(f"timed out waiting for {what}")

    def uniq(self, prefix):
        self.counter += 1
        return f"{prefix}{self.counter:06d}"

    def record(self, name, meta):
        self.drops.append(dict(meta, name=name))

    def make_inputs(self, n):
        items = []
        while len(items) < n:
            r = self.rng.random()
            if r < 0.55:
                body = {"source": "sales", "question": self.rng.choice(QUESTIONS), "chart": self.rng.random() < 0.5}
                items.append((self.uniq("q") + ".json", json.dumps(body).encode(), dict(kind="question", expect="ok")))
            elif r < 0.70:
                body = {"source": "sales", "sql": self.rng.choice(SQLS)}
                items.append((self.uniq("s") + ".json", json.dumps(body).encode(), dict(kind="sql", expect="ok")))
            elif r < 0.78:
                stem = self.uniq("up")
                rows = self.rng.randint(1, 200)
                lines = ["Date,Product,Region,Sales"] + [
                    f"2024-{1 + i % 12:02d}-{1 + i % 28:02d},P{i % 7},R{i % 3},{(i * 37) % 1000}.5" for i in range(rows)]
                items.append((stem + ".csv", ("\n".join(lines) + "\n").encode(), dict(kind="upload", expect="ok")))
                q = {"source": stem, "question": "total sales by region"}
                items.append((stem + "_q.json", json.dumps(q).encode(), dict(kind="question", expect="ok")))
            else:
                k = self.rng.randrange(4)
                if k == 0:
                    items.append((self.uniq("bad") + ".json", b'{"source": "sales", "question": ',
                                  dict(kind="bad_json", expect="fail")))
                elif k == 1:
                    body = {"source": "sales", "sql": "DELETE FROM data"}
                    items.append((self.uniq("bad") + ".json", json.dumps(body).encode(),
                                  dict(kind="forbidden_sql", expect="fail")))
                elif k == 2:
                    items.append((self.uniq("note") + ".txt", b"not a spool input\n", dict(kind="unsupported", expect="fail")))
                else:
                    name = self.uniq("nosrc")
                    body = {"source": "no_such_" + name, "question": "total sales"}
                    items.append((name + ".json", json.dumps(body).encode(), dict(kind="unknown_source", expect="fail")))
        return items

    # ---- load and faults ------------------------------------------------------------

    def writer(self, items, seconds):
        pace = seconds / max(1, len(items))
        for name, data, meta in items:
            drop_bytes(self.inbox, name, data)
            self.record(name, meta)
            time.sleep(pace * self.rng.uniform(0.5, 1.5))

    def chaos(self, stop, kills, restart_db_after):
        """SIGKILL a random daemon every few seconds and start it again under its name."""
        done = 0
        while not stop.is_set() and done < kills:
            time.sleep(self.rng.uniform(1.5, 4.0))
            if done == restart_db_after and self.db_restarts == 0:
                log("restarting the PostgreSQL server")
                self.pg.restart()
                self.db_restarts += 1
            d = self.rng.choice(self.daemons)
            if d.alive():
                d.kill9()
                self.kills += 1
                done += 1
                time.sleep(self.rng.uniform(0.1, 1.5))
            try:
                d.start(timeout=90)
            except DaemonError as e:
                self.breaks.append(f"a daemon did not restart: {e}")
                return

    def finished(self):
        rows = self.pg.query("lumiere_soak", "SELECT COUNT(*) FROM jobs WHERE state IN ('queued', 'running')")
        return int(rows[0][0]) == 0 and not [n for n in os.listdir(self.inbox) if not n.startswith(".")]

    def run(self):
        t0 = now()
        self.setup()
        log(f"{len(self.daemons)} daemons up on {self.spool}, PostgreSQL on port {self.pg.port}")
        items = self.make_inputs(self.args.files)
        stop = threading.Event()
        w = threading.Thread(target=self.writer, args=(items, self.args.seconds))
        c = threading.Thread(target=self.chaos, args=(stop, self.args.kills, self.args.kills // 2))
        w.start()
        c.start()
        w.join()
        log(f"dropped {len(self.drops)} inputs")
        c.join()
        for d in self.daemons:
            if not d.alive():
                d.start()
        log(f"{self.kills} SIGKILLs, {self.db_restarts} database restart(s); draining")
        self.wait_for(self.finished, self.args.drain_timeout, "every job to finish")
        # Results are written before a job's row finishes; give the last moves a moment.
        time.sleep(1)
        codes = [d.stop(120) for d in self.daemons]
        if any(code != 0 for code in codes):
            self.breaks.append(f"daemons exited {codes} after SIGTERM, not all 0")
        self.check()
        self.elapsed = now() - t0

    # ---- invariants -----------------------------------------------------------------

    def check(self):
        spool = self.spool
        outbox = set(os.listdir(self.outbox))
        archive = set(os.listdir(os.path.join(spool, "archive")))
        failed_all = set(os.listdir(os.path.join(spool, "failed")))
        failed = {n for n in failed_all if not n.endswith(".error.json")}
        work_root = os.path.join(spool, "state", "work")
        work = [f"{d}/{n}" for d in os.listdir(work_root) if os.path.isdir(os.path.join(work_root, d))
                for n in os.listdir(os.path.join(work_root, d))]
        inbox_left = [n for n in os.listdir(self.inbox)]
        jobs = self.pg.query("lumiere_soak", "SELECT id, input_name, state, COALESCE(disposition, ''), "
                                             "COALESCE(final_name, '') FROM jobs")
        by_name = {}
        for j in jobs:
            by_name.setdefault(j[1], []).append(j)
        names = [d["name"] for d in self.drops]
        dups = [f"{n}: {len(by_name.get(n, []))} jobs" for n in names if len(by_name.get(n, [])) != 1]
        unknown = [n for n in by_name if n not in set(names)]
        renamed = [f"{j[1]} -> {j[4]}" for j in jobs if j[4] and j[4] != j[1]]
        stuck = [j for j in jobs if j[2] in ("queued", "running")]
        no_result = [n for n in names if result_name(n) not in outbox]
        missing_copy, codes, wrong = [], {}, []
        archived = failed_n = 0
        for j in jobs:
            _, name, state, disp, final = j
            if disp == "archive" and final in archive:
                archived += 1
            elif disp == "failed" and (final in failed or final == ""):
                failed_n += 1
            else:
                missing_copy.append(f"{name}: {state} {disp}/{final}")
        missing_err = [f for f in failed if f + ".error.json" not in failed_all]
        meta = {d["name"]: d for d in self.drops}
        for name, d in meta.items():
            try:
                with open(os.path.join(self.outbox, result_name(name))) as f:
                    doc = json.load(f)
            except (OSError, ValueError):
                continue
            status = doc.get("status")
            code = (doc.get("error") or {}).get("code", "")
            key = f"{d['kind']}:{status}" + (f":{code}" if code else "")
            codes[key] = codes.get(key, 0) + 1
            disp = by_name.get(name, [[None] * 4])[-1][3]
            if d["expect"] == "fail" and disp == "archive":
                wrong.append(f"{name} ({d['kind']}) was archived, but it should fail")
            # A job killed on every attempt (or whose store calls failed through the
            # database restart on every attempt) fails honestly with too_many_attempts.
            if d["expect"] == "ok" and disp != "archive" and code not in ("too_many_attempts",):
                wrong.append(f"{name} ({d['kind']}) failed: {code}")
        self.codes = codes
        retried = int(self.pg.query("lumiere_soak", "SELECT COUNT(*) FROM jobs WHERE attempts > 1")[0][0])
        per_daemon = []
        for d in self.daemons:
            with open(d.log_path, errors="replace") as f:
                text = f.read()
            per_daemon.append(text.count("job succeeded") + text.count("job failed"))
        self.figures = dict(daemons=len(self.daemons), inputs=len(names), results=len(names) - len(no_result),
                            archived=archived, failed=failed_n, duplicates=len(dups) + len(renamed),
                            unknown_jobs=len(unknown), stuck=len(stuck), work_left=len(work),
                            inbox_left=len(inbox_left), missing_error_json=len(missing_err),
                            unexpected=len(wrong), kills=self.kills, db_restarts=self.db_restarts,
                            retried=retried, finished_per_daemon="/".join(map(str, per_daemon)))
        if not (len(names) == len(jobs) == archived + failed_n) or no_result:
            self.breaks.append(f"inputs {len(names)} / jobs {len(jobs)} / archived {archived} + failed {failed_n}"
                               f" / without result {len(no_result)} differ, e.g. {no_result[:3]}")
        for label, items in (("duplicate or missing jobs", dups), ("job-suffixed copies", renamed),
                             ("jobs for inputs never dropped", unknown), ("jobs stuck queued or running", stuck),
                             ("files left in state/work", work), ("files left in the inbox", inbox_left),
                             ("final copies missing", missing_copy), ("failed inputs without .error.json", missing_err),
                             ("unexpected outcomes", wrong)):
            if items:
                self.breaks.append(f"{label}: {len(items)}, e.g. {list(items)[:3]}")
        if self.kills < self.args.kills:
            self.breaks.append(f"only {self.kills} of {self.args.kills} SIGKILLs happened")
        if self.db_restarts < 1:
            self.breaks.append("the database was never restarted")

    def report(self):
        for key in sorted(self.codes):
            print(f"  {key:55s} {self.codes[key]}")
        f = self.figures
        line = ("soak --postgres: " + ", ".join(f"{k} {v}" for k, v in f.items())
                + f", {self.elapsed:.0f} s: " + ("ok" if not self.breaks else "BROKEN"))
        for b in self.breaks:
            print("  broken: " + b)
        print(line, flush=True)
        return 0 if not self.breaks else 1


def main():
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--short", action="store_true", help="CI-sized run (the default is the same 1,000 inputs)")
    p.add_argument("--binary", required=True)
    p.add_argument("--sample", required=True)
    p.add_argument("--dir", default="/tmp/lumiere-soak-pg")
    p.add_argument("--daemons", type=int, default=3)
    p.add_argument("--files", type=int, default=1000)
    p.add_argument("--seconds", type=float, default=60, help="how long the drops are spread over")
    p.add_argument("--kills", type=int, default=8)
    p.add_argument("--workers", type=int, default=2)
    p.add_argument("--lease-ms", type=int, default=3000)
    p.add_argument("--drain-timeout", type=float, default=300)
    p.add_argument("--seed", type=int, default=11)
    p.add_argument("--keep", action="store_true", help="keep the spool, the logs and the server's directory")
    args = p.parse_args()
    args.binary = os.path.abspath(args.binary)
    args.sample = os.path.abspath(args.sample)
    soak = MultiSoak(args)
    try:
        soak.run()
    except (DaemonError, subprocess.CalledProcessError) as e:
        print(f"soak --postgres: set-up or run error: {e}", file=sys.stderr)
        for d in getattr(soak, "daemons", []):
            d.signal(signal.SIGKILL)
        if hasattr(soak, "pg"):
            soak.pg.stop()
        return 2
    finally:
        if hasattr(soak, "pg"):
            soak.pg.stop()
    code = soak.report()
    if not args.keep and code == 0:
        shutil.rmtree(args.dir, ignore_errors=True)
    return code


if __name__ == "__main__":
    sys.exit(main())
