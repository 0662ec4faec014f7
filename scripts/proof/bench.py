#!/usr/bin/env python3
# bench.py: the end-to-end benchmarks behind scripts/bench, with the real release daemon.
#
# Measures, on a spool on the machine's disk (fsyncs included), with spool.settle_ms=0
# (inputs are renamed in complete; the default 1 s settle would add up to 1 s to each):
#   - drop-to-result latency of the builtin engine, one question at a time (p50/p95/p99),
#     and under a burst (each question's latency, and questions/s from the first drop to
#     the last result), on the sample source and on a large generated source (1M rows;
#     100k in --short), with 1, 2 and N workers (N = max(4, CPUs));
#   - the prototype's way (pandas.read_csv + pandasql.sqldf per question, running the SQL
#     Lumiere generated) on the same files in the same run, and the ratio of medians;
#   - upload-to-ready time (rename into the inbox → source.json) for 1M and 5M rows (1M
#     only in --short), with pandas.read_csv of the same file for reference;
#   - the daemon's peak RSS (VmHWM of a fresh process) during the largest upload and
#     during 1,000 queued questions.
# Output: tables, then one summary line starting "bench:". Exit 1 when a question fails
# or a result does not arrive, 2 on a set-up error.

import argparse
import json
import os
import shutil
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from common import Daemon, DirWatch, median, now, percentile  # noqa: E402

QUESTIONS = [
    "What were the total sales by region?",
    "Which product had the best performance?",
    "How do retail vs wholesale sales compare?",
    "average price by category",
    "total quantity by region",
    "top 3 products by sales",
    "how many sales per region",
    "average sales by customer type",
]


def log(msg):
    print(msg, flush=True)


class Bench:
    def __init__(self, args):
        self.args = args
        self.short = args.short
        self.root = os.path.abspath(args.dir)
        self.spool = os.path.join(self.root, "spool")
        self.inbox = os.path.join(self.spool, "inbox")
        self.outbox = os.path.join(self.spool, "outbox")
        self.n_workers = max(4, os.cpu_count() or 2)
        self.large_rows = 100_000 if self.short else 1_000_000
        self.upload_sizes = [1_000_000] if self.short else [1_000_000, 5_000_000]
        self.seq_n = 12 if self.short else 40
        self.burst_sample = 60 if self.short else 300
        self.burst_large = 30 if self.short else 120
        self.queued_n = 1000
        self.counter = 0
        self.failures = []
        self.summary = {}

    def setup(self):
        if os.path.exists(self.root):
            shutil.rmtree(self.root)
        os.makedirs(self.root)
        self.data = os.path.join(self.root, "data")
        os.makedirs(self.data)
        empty = os.path.join(self.root, "empty.toml")
        open(empty, "w").close()
        self.daemon = Daemon(self.args.binary, self.spool, os.path.join(self.root, "daemon.log"), env={
            "LUMIERE_CONFIG": empty, "LUMIERE_LOG_TARGET": "stderr", "LUMIERE_LOG_LEVEL": "info",
            "LUMIERE_SPOOL_SETTLE_MS": "0", "LUMIERE_SPOOL_MAX_QUEUED": "2000",
        })
        subprocess.run([self.args.binary, "init", "--spool", self.spool], check=True, capture_output=True,
                       env=self.daemon.env({}))
        self.sample_csv = os.path.join(self.data, "test_sales_data.csv")
        shutil.copy(self.args.sample, self.sample_csv)
        self.large_csv = os.path.join(self.data, "large.csv")
        self.gen(self.large_rows, self.large_csv)
        self.watch = DirWatch(self.outbox)

    def gen(self, rows, path):
        if not os.path.exists(path):
            subprocess.run([self.args.bench, "generate", "--rows", str(rows), "--out", path], check=True,
                           capture_output=True)

    # ---- dropping and waiting -------------------------------------------------------

    def drop(self, name, data):
        tmp = os.path.join(self.inbox, "." + name)
        with open(tmp, "wb") as f:
            f.write(data)
        os.rename(tmp, os.path.join(self.inbox, name))
        return now()

    def wait_for(self, names, timeout=600, sample=None):
        """Arrival time of each outbox name; samples the daemon meanwhile."""
        want = set(names)
        deadline = now() + timeout
        while now() < deadline:
            if sample:
                sample()
            self.watch.poll(0.02)
            if want.issubset(self.watch.seen):
                return {n: self.watch.seen[n] for n in names}
        missing = [n for n in names if n not in self.watch.seen]
        raise RuntimeError(f"{len(missing)} result(s) did not arrive within {timeout}s, e.g. {missing[:3]}")

    def ask(self, source, question):
        self.counter += 1
        stem = f"b{self.counter:06d}"
        t = self.drop(stem + ".json", json.dumps({"source": source, "question": question}).encode())
        return stem, t

    def read_result(self, stem):
        with open(os.path.join(self.outbox, stem + ".result.json")) as f:
            return json.load(f)

    def upload(self, csv, source, sample=None):
        staged = os.path.join(self.spool, "state", source + ".csv.staged")  # same file system as the inbox
        shutil.copy(csv, staged)
        os.sync()
        t = now()
        os.rename(staged, os.path.join(self.inbox, source + ".csv"))
        arrived = self.wait_for([source + ".source.json"], timeout=1800, sample=sample)[source + ".source.json"]
        with open(os.path.join(self.outbox, source + ".source.json")) as f:
            doc = json.load(f)
        if doc.get("status") != "succeeded":
            raise RuntimeError(f"upload {source} failed: {doc.get('error')}")
        # The name is reused by later uploads: forget it so the next arrival counts.
        self.watch.seen.pop(source + ".source.json", None)
        return arrived - t, doc

    # ---- measurements ---------------------------------------------------------------

    def sequential(self, source, n):
        lat = []
        for i in range(n):
            stem, t = self.ask(source, QUESTIONS[i % len(QUESTIONS)])
            arrived = self.wait_for([stem + ".result.json"])[stem + ".result.json"]
            lat.append((arrived - t) * 1000)
            self.check(stem)
        return lat

    def burst(self, source, n, sample=None):
        drops = []
        for i in range(n):
            drops.append(self.ask(source, QUESTIONS[i % len(QUESTIONS)]))
        names = [s + ".result.json" for s, _ in drops]
        arrived = self.wait_for(names, timeout=1800, sample=sample)
        lat = [(arrived[s + ".result.json"] - t) * 1000 for s, t in drops]
        span = max(arrived.values()) - drops[0][1]
        for s, _ in drops[:: max(1, n // 20)]:
            self.check(s)
        return lat, n / span

    def check(self, stem):
        doc = self.read_result(stem)
        if doc.get("status") != "succeeded":
            self.failures.append(f"{stem}: {doc.get('status')} {doc.get('error')}")
        return doc

    def sql_for(self, source):
        """The SQL Lumiere generated for each benchmark question on this source."""
        out = []
        for q in QUESTIONS:
            stem, _ = self.ask(source, q)
            self.wait_for([stem + ".result.json"])
            doc = self.check(stem)
            out.append((q, doc.get("sql"), doc.get("row_count"), doc.get("timings_ms", {})))
        return out

    def prototype(self, jobs, read_only=()):
        spec = {"jobs": jobs, "read_only": list(read_only)}
        r = subprocess.run([self.args.python, os.path.join(os.path.dirname(__file__), "proto.py")],
                           input=json.dumps(spec), capture_output=True, text=True)
        if r.returncode != 0:
            raise RuntimeError("prototype run failed: " + r.stderr[-2000:])
        return json.loads(r.stdout)

    # ---- the run --------------------------------------------------------------------

    def run(self):
        t0 = now()
        self.setup()
        log(f"bench: {'short' if self.short else 'full'} run; workers 1, 2, {self.n_workers}; "
            f"large source {self.large_rows} rows; settle_ms=0; spool on {self.root}")
        load = os.getloadavg()
        log(f"machine: {os.cpu_count()} CPUs, load average at start {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}")

        # Sources.
        self.daemon.start(extra_env={"LUMIERE_WORKERS": "2"})
        self.upload(self.sample_csv, "test_sales_data")
        secs, _ = self.upload(self.large_csv, "large")
        log(f"uploaded the large source ({self.large_rows} rows) in {secs:.2f}s")
        sqls = {"test_sales_data": self.sql_for("test_sales_data"), "large": self.sql_for("large")}
        self.daemon.stop()

        # Latency and throughput per worker count.
        table = []
        for w in (1, 2, self.n_workers):
            self.daemon.start(extra_env={"LUMIERE_WORKERS": str(w)})
            for source, burst_n in (("test_sales_data", self.burst_sample), ("large", self.burst_large)):
                seq = self.sequential(source, self.seq_n)
                blat, qps = self.burst(source, burst_n)
                table.append((source, w, seq, blat, qps, burst_n))
            self.daemon.stop()
        log("")
        log("drop-to-result latency (ms), builtin engine: one at a time | burst (queueing included)")
        log(f"{'source':>16} {'workers':>7} {'p50':>7} {'p95':>7} {'p99':>7} | {'burst':>5} {'p50':>8} {'p95':>8} {'p99':>8} {'q/s':>7}")
        for source, w, seq, blat, qps, bn in table:
            log(f"{source:>16} {w:>7} {percentile(seq, 50):7.1f} {percentile(seq, 95):7.1f} {percentile(seq, 99):7.1f} | "
                f"{bn:>5} {percentile(blat, 50):8.1f} {percentile(blat, 95):8.1f} {percentile(blat, 99):8.1f} {qps:7.1f}")

        # The prototype, same SQL, same files.
        reps_sample = 5 if self.short else 10
        n_large = 3 if self.short else len(QUESTIONS)
        jobs = [{"csv": self.sample_csv, "sql": s, "reps": reps_sample} for _, s, _, _ in sqls["test_sales_data"]]
        jobs += [{"csv": self.large_csv, "sql": s, "reps": 1} for _, s, _, _ in sqls["large"][:n_large]]
        proto = self.prototype(jobs, read_only=[])
        log("")
        log(f"the prototype's way (pandas {proto['versions']['pandas']} read_csv + pandasql per question) vs Lumiere, same SQL")
        ratios = {}
        for source, csv in (("test_sales_data", self.sample_csv), ("large", self.large_csv)):
            pj = [j for j in proto["jobs"] if j["csv"] == csv]
            ok = [j for j in pj if not j["error"]]
            bad = [j for j in pj if j["error"]]
            per_q = [median(j["seconds"]) * 1000 for j in ok]
            lumiere = [r for r in table if r[0] == source and r[1] == 1][0][2]
            mism = 0
            for j in ok:
                lrows = [r for _, s, r, _ in sqls[source] if s == j["sql"]][0]
                if lrows != j["rows"]:
                    mism += 1
            ratio = median(per_q) / median(lumiere) if per_q else 0
            ratios[source] = ratio
            log(f"{source:>16}: prototype median {median(per_q):8.1f} ms over {len(ok)} question(s)"
                f"{f' ({len(bad)} it could not run)' if bad else ''}, row-count mismatches {mism}; "
                f"Lumiere one-at-a-time median {median(lumiere):7.1f} ms; ratio {ratio:.1f}x")
            for j in bad:
                log(f"{'':>18}pandasql could not run: {j['sql'][:80]}  ({j['error'][:80]})")
        self.summary["ratios"] = ratios

        # Upload-to-ready, with peak RSS of a fresh daemon during the largest one.
        log("")
        log("upload-to-ready (rename into the inbox → source.json), fresh daemon each, 2 workers")
        uploads = []
        for rows in self.upload_sizes:
            csv = os.path.join(self.data, f"sales_{rows}.csv")
            self.gen(rows, csv)
            self.daemon.start(extra_env={"LUMIERE_WORKERS": "2"})
            peak = [0]

            def sample():
                peak[0] = max(peak[0], self.daemon.sample()[1])
            secs, doc = self.upload(csv, f"up{rows}", sample=sample)
            sample()
            self.daemon.stop()
            ref = self.prototype([], read_only=[csv])["read_only"][0]["seconds"]
            mb = os.path.getsize(csv) / 1e6
            uploads.append((rows, secs, peak[0] / 1024, ref))
            log(f"{rows:>10} rows {mb:7.1f} MB: ready in {secs:6.2f}s ({rows / secs:,.0f} rows/s), daemon peak RSS "
                f"{peak[0] / 1024:6.0f} MB; pandas.read_csv alone {ref:6.2f}s")
        self.summary["uploads"] = uploads

        # 1,000 queued questions: peak RSS and throughput, N workers, on the large source.
        self.daemon.start(extra_env={"LUMIERE_WORKERS": str(self.n_workers)})
        peak = [0]

        def sample_q():
            peak[0] = max(peak[0], self.daemon.sample()[1])
        source = "test_sales_data" if self.short else "large"
        lat, qps = self.burst(source, self.queued_n, sample=sample_q)
        sample_q()
        self.daemon.stop()
        log("")
        log(f"{self.queued_n} queued questions on {source}, {self.n_workers} workers: {qps:.1f} q/s, latency p50 "
            f"{percentile(lat, 50):.0f} ms p99 {percentile(lat, 99):.0f} ms, daemon peak RSS {peak[0] / 1024:.0f} MB")
        self.summary["queued"] = (source, qps, peak[0] / 1024)
        self.summary["table"] = table
        self.summary["elapsed"] = now() - t0
        self.print_summary()
        if not self.args.keep:
            shutil.rmtree(self.root, ignore_errors=True)
        return 1 if self.failures else 0

    def print_summary(self):
        for f in self.failures[:10]:
            log("FAILED: " + f)
        s = self.summary
        parts = []
        for source, label in (("test_sales_data", "sample"), ("large", f"{self.large_rows // 1000}k")):
            rows = [r for r in s["table"] if r[0] == source]
            seq1 = rows[0][2]
            qps = "/".join(f"{r[4]:.0f}" for r in rows)
            parts.append(f"{label}: p50 {percentile(seq1, 50):.0f} p95 {percentile(seq1, 95):.0f} "
                         f"p99 {percentile(seq1, 99):.0f} ms, {qps} q/s @1/2/{self.n_workers}w, "
                         f"{s['ratios'][source]:.0f}x vs prototype")
        ups = ", ".join(f"{r // 1_000_000}M {secs:.1f}s" for r, secs, _, _ in s["uploads"])
        big = s["uploads"][-1]
        src, qps, rss = s["queued"]
        verdict = "ok" if not self.failures else f"FAILED ({len(self.failures)})"
        log(f"bench: {verdict}; {'short' if self.short else 'full'} {s['elapsed']:.0f}s; " + "; ".join(parts)
            + f"; upload-to-ready {ups}; peak RSS {big[2]:.0f} MB ({big[0] // 1_000_000}M upload), "
              f"{rss:.0f} MB ({self.queued_n} queued q, {qps:.0f} q/s)")


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--short", action="store_true")
    p.add_argument("--binary", required=True)
    p.add_argument("--bench", required=True)
    p.add_argument("--sample", required=True)
    p.add_argument("--python", required=True, help="a python with pandas and pandasql")
    p.add_argument("--dir", default="/tmp/lumiere-bench-e2e")
    p.add_argument("--keep", action="store_true")
    args = p.parse_args()
    args.binary, args.bench, args.sample = map(os.path.abspath, (args.binary, args.bench, args.sample))
    b = Bench(args)
    try:
        code = b.run()
    except (RuntimeError, subprocess.CalledProcessError) as e:
        print(f"bench: FAILED: {e}", flush=True)
        code = 1
    finally:
        d = getattr(b, "daemon", None)
        if d and d.alive():
            d.kill9()
    sys.exit(code)


if __name__ == "__main__":
    main()
