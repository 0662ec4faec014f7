#!/usr/bin/env python3
# bench_pg.py: the throughput benchmark behind `scripts/bench --postgres` (issue 13).
#
# Throughput of trivial SQL requests ("SELECT COUNT(*) FROM data" over the sample source)
# through the whole daemon path — inbox, claim, queue, worker, result, archive — with 1, 2
# and 3 daemons sharing one spool and one real PostgreSQL server (scripts/pg-test-server),
# against one daemon on the embedded SQLite store, measured in the same run. Each
# configuration gets a fresh spool (and a fresh database), its source is ingested first,
# then N request files are dropped at once and the clock runs until the last result is in
# the outbox. Repeated --rounds times; the median is reported, with the ratio to SQLite.
# The machine's core count is printed: daemons on one host share its cores, so extra
# daemons only add throughput where cores (or hosts) are free.

import argparse
import json
import os
import shutil
import statistics
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from common import Daemon, drop_bytes, now  # noqa: E402
from soak_pg import PGServer  # noqa: E402


def log(msg):
    print(f"[{time.strftime('%H:%M:%S')}] {msg}", flush=True)


class Bench:
    def __init__(self, args):
        self.args = args
        self.root = args.dir
        self.runs = 0

    def setup(self):
        shutil.rmtree(self.root, ignore_errors=True)
        os.makedirs(self.root)
        self.pg = PGServer(os.path.join(self.root, "pg"))
        self.pg.start()

    def wait_until(self, cond, timeout):
        deadline = now() + timeout
        while now() < deadline:
            if cond():
                return True
            time.sleep(0.01)
        raise RuntimeError("timed out")

    def one(self, backend, daemons):
        """Requests per second for one fresh spool with `daemons` daemons."""
        self.runs += 1
        spool = os.path.join(self.root, f"spool{self.runs}")
        env = {"LUMIERE_WORKERS": str(self.args.workers), "LUMIERE_LOG_LEVEL": "info",
               "LUMIERE_LOG_TARGET": "stderr", "LUMIERE_SPOOL_SETTLE_MS": "0", "LUMIERE_SPOOL_MAX_QUEUED": "100000"}
        if backend == "postgres":
            db = f"bench{self.runs}"
            self.pg.createdb(db)
            env.update(LUMIERE_STORE_BACKEND="postgres",
                       LUMIERE_STORE_URL=f"postgres://lumiere@127.0.0.1:{self.pg.port}/{db}?sslmode=disable",
                       LUMIERE_STORE_PASSWORD_FILE=self.pg.password_file)
        procs = []
        for i in range(daemons):
            d = Daemon(self.args.binary, spool, os.path.join(self.root, f"run{self.runs}-d{i}.log"),
                       env=dict(env, LUMIERE_DAEMON_NAME=f"d{i + 1}"))
            d.start()
            procs.append(d)
        outbox = os.path.join(spool, "outbox")
        inbox = os.path.join(spool, "inbox")
        with open(self.args.sample, "rb") as f:
            drop_bytes(inbox, "sales.csv", f.read())
        self.wait_until(lambda: os.path.exists(os.path.join(outbox, "sales.source.json")), 120)
        body = json.dumps({"source": "sales", "sql": "SELECT COUNT(*) AS n FROM data", "chart": False,
                           "insight": False}).encode()
        n = self.args.requests
        t0 = now()
        for i in range(n):
            drop_bytes(inbox, f"r{i:05d}.json", body)
        self.wait_until(lambda: sum(1 for x in os.listdir(outbox) if x.endswith(".result.json")) >= n, 600)
        elapsed = now() - t0
        for d in procs:
            d.stop()
        failed = [x for x in os.listdir(os.path.join(spool, "failed")) if x.endswith(".error.json")]
        if failed:
            raise RuntimeError(f"{len(failed)} requests failed, e.g. {failed[:3]}")
        shutil.rmtree(spool, ignore_errors=True)
        return n / elapsed

    def run(self):
        self.setup()
        configs = [("sqlite", 1), ("postgres", 1), ("postgres", 2), ("postgres", 3)]
        results = {c: [] for c in configs}
        try:
            for r in range(self.args.rounds):
                for c in configs:  # interleaved, so a slow moment of the machine hits all alike
                    results[c].append(self.one(*c))
                    log(f"round {r + 1}: {c[0]} x{c[1]}: {results[c][-1]:.0f} req/s")
        finally:
            self.pg.stop()
            shutil.rmtree(self.root, ignore_errors=True)
        base = statistics.median(results[("sqlite", 1)])
        print(f"{'store':>10} {'daemons':>7} {'median req/s':>13} {'vs sqlite':>9}   ({os.cpu_count()} cores, "
              f"{self.args.workers} workers per daemon, {self.args.requests} requests, {self.args.rounds} rounds)")
        parts = []
        for c in configs:
            m = statistics.median(results[c])
            print(f"{c[0]:>10} {c[1]:>7} {m:>13.0f} {m / base:>8.2f}x")
            parts.append(f"{c[0]}x{c[1]} {m:.0f} req/s ({m / base:.2f}x)")
        print("bench --postgres: " + ", ".join(parts), flush=True)
        return 0


def main():
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--short", action="store_true", help="fewer requests and rounds (CI)")
    p.add_argument("--binary", required=True)
    p.add_argument("--sample", required=True)
    p.add_argument("--dir", default="/tmp/lumiere-bench-pg")
    p.add_argument("--requests", type=int, default=0)
    p.add_argument("--rounds", type=int, default=0)
    p.add_argument("--workers", type=int, default=2)
    args = p.parse_args()
    args.binary = os.path.abspath(args.binary)
    args.sample = os.path.abspath(args.sample)
    args.requests = args.requests or (300 if args.short else 1000)
    args.rounds = args.rounds or (1 if args.short else 3)
    return Bench(args).run()


if __name__ == "__main__":
    sys.exit(main())
