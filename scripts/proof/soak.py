#!/usr/bin/env python3
# soak.py: the soak and fault-injection run behind scripts/soak.
#
# Runs the real release `lumiere daemon` on a spool on its own small tmpfs and feeds it
# thousands of mixed inputs (questions, SQL requests, uploads, invalid files) written the
# way real tools write: parallel shell loops (temp name + mv), `mv`, `cp` in place, `rsync`
# (temp dotfile + rename), `cat` in place, and a writer that stalls halfway with the file
# open. Faults, phase by phase: SIGKILL at random moments (≥ 20 in a full run, some during
# start-up), SIGTERM under load, a source database deleted and another corrupted under
# the daemon, the state database held locked by another process longer than the busy
# timeout, the disk filled to ENOSPC, inotify overflow (tiny max_queued_events while the
# daemon starts, then a burst), and wall-clock steps of ±1 h under libfaketime.
#
# Invariants, checked at the end from the spool and the state database, printed as
# figures: inputs dropped = results written = archived + failed; every input has exactly
# one job and one final copy under its own name (no duplicates: a job-suffixed name for a
# name dropped once, or a failure record without its input, counts as one); nothing left in state/work or the inbox; no
# job queued or running; every failed input has its .error.json; inputs meant to fail
# never archived; every upload's row count is the file's (nothing half-read); the daemon's
# RSS and fd count flat over the steady phase (rule printed with the figures).
# Standing questions (issue 14): the kill phase's waves also subscribe SQL to the source
# "watched" (watch_add) and upload new versions of it, so kills land while versions are
# recorded and reruns run; at the end every watch_add made exactly one subscription, and
# every (subscription, version) since its first run has exactly one run, one standing job,
# one result document naming it, and a line in index.jsonl.
# Output: phase log lines, then one summary line starting "soak:". Exit 1 when an
# invariant breaks, 2 on a usage or set-up error.

import argparse
import json
import os
import random
import shutil
import signal
import sqlite3
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from common import Daemon, DaemonError, median, now  # noqa: E402

QUESTIONS = [
    "What were the total sales by region?",
    "Which product had the best performance?",
    "How do retail vs wholesale sales compare?",
    "average price by category",
    "total quantity by region",
    "top 3 products by sales",
    "how many sales per region",
    "average sales by customer type",
    "monthly sales",
    "total sales by category",
]
SQLS = [
    "SELECT Region, SUM(Sales) AS total FROM data GROUP BY Region ORDER BY total DESC",
    "SELECT COUNT(*) AS n FROM data",
    "SELECT Product, AVG(Price) AS p FROM data GROUP BY Product ORDER BY p DESC LIMIT 5",
]


def log(msg):
    print(f"[{time.strftime('%H:%M:%S')}] {msg}", flush=True)


def result_name(name):
    lower = name.lower()
    for ext, suffix in ((".csv.gz", ".source.json"), (".csv", ".source.json"), (".tsv", ".source.json"),
                        (".json", ".result.json")):
        if lower.endswith(ext) and len(name) > len(ext):
            return name[: -len(ext)] + suffix
    return name + ".result.json"


class Soak:
    def __init__(self, args):
        self.args = args
        self.short = args.short
        self.rng = random.Random(args.seed)
        self.total = args.files or (1200 if self.short else 10000)
        self.kills_wanted = args.kills or (6 if self.short else 24)
        self.root = os.path.abspath(args.dir)
        self.fs = os.path.join(self.root, "fs")
        self.spool = os.path.join(self.fs, "spool")
        self.inbox = os.path.join(self.spool, "inbox")
        self.outbox = os.path.join(self.spool, "outbox")
        self.staging = os.path.join(self.fs, "staging")
        self.drops = []          # one entry per input dropped: dict(name, kind, expect, rows, phase)
        self.counter = 0
        self.figures = {}
        self.breaks = []
        self.notes = []
        self.samples = []        # (t, phase, pid, rss kB, hwm kB, fds)
        self.phase = "setup"
        self.peak_kb = 0
        self.mounted = False
        self.kills = 0
        self.start_kills = 0

    # ---- set-up ---------------------------------------------------------------------

    def setup(self):
        if os.path.exists(self.root):
            self.unmount()
            shutil.rmtree(self.root)
        os.makedirs(self.fs)
        size_mb = self.args.tmpfs_mb or (512 if self.short else 1536)
        if os.geteuid() == 0 and not self.args.no_mount:
            rc = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size_mb}m,mode=0755", "lumiere-soak", self.fs],
                                capture_output=True, text=True)
            if rc.returncode == 0:
                self.mounted = True
                log(f"spool on its own tmpfs of {size_mb} MB at {self.fs} (disk-full fault enabled)")
            else:
                log(f"cannot mount a tmpfs ({rc.stderr.strip()}); the disk-full fault is SKIPPED")
        else:
            log("not root (or --no-mount): no private tmpfs, the disk-full fault is SKIPPED")
        os.makedirs(self.staging)
        self.empty_config = os.path.join(self.root, "empty.toml")
        open(self.empty_config, "w").close()
        env = {
            "LUMIERE_CONFIG": self.empty_config,
            "LUMIERE_LOG_TARGET": "stderr",
            "LUMIERE_LOG_LEVEL": "info",
            "LUMIERE_SPOOL_SETTLE_MS": "300",
            "LUMIERE_SPOOL_RESCAN_MS": "1000",
            "LUMIERE_SPOOL_MIN_FREE_MB": "16",
            "LUMIERE_WORKERS": str(self.args.workers),
            "LUMIERE_DAEMON_SHUTDOWN_TIMEOUT_S": "30",
            # A crash prints its backtrace into daemon.log.
            "SWIFT_BACKTRACE": "enable=yes,interactive=no,color=no",
        }
        self.daemon = Daemon(self.args.binary, self.spool, os.path.join(self.root, "daemon.log"), env=env)
        subprocess.run([self.args.binary, "init", "--spool", self.spool], check=True, capture_output=True,
                       env=self.daemon.env({}))
        # Data files made once: the base source, uploads of three sizes.
        self.base_rows = 5000 if self.short else 20000
        self.gen(self.base_rows, os.path.join(self.root, "sales.csv"))
        self.big_rows = 100000 if self.short else 300000
        self.gen(self.big_rows, os.path.join(self.root, "big.csv"))
        self.mid_rows = 20000
        self.gen(self.mid_rows, os.path.join(self.root, "mid.csv"))
        shutil.copy(self.args.sample, os.path.join(self.root, "test_sales_data.csv"))
        self.watch_adds = 0
        self.watched_versions = 0

    def gen(self, rows, path):
        subprocess.run([self.args.bench, "generate", "--rows", str(rows), "--out", path], check=True,
                       capture_output=True)

    def unmount(self):
        if os.path.ismount(self.fs):
            subprocess.run(["umount", "-l", self.fs], capture_output=True)

    # ---- inputs ---------------------------------------------------------------------

    def uniq(self, prefix):
        self.counter += 1
        return f"{prefix}{self.counter:06d}"

    def make_inputs(self, n, phase_dir, mix="normal", sources=("sales", "test_sales_data")):
        """Write n inputs into phase_dir (staging); return [(name, meta)] (not yet dropped)."""
        os.makedirs(phase_dir, exist_ok=True)
        items = []
        for _ in range(n):
            r = self.rng.random()
            if mix == "questions":
                r = r * 0.70
            if r < 0.55:
                name = self.uniq("q") + ".json"
                body = {"source": self.rng.choice(sources), "question": self.rng.choice(QUESTIONS)}
                if self.rng.random() < 0.3:
                    body["insight"] = False
                items.append((name, json.dumps(body).encode(), dict(kind="question", expect="ok")))
            elif r < 0.65:
                name = self.uniq("s") + ".json"
                body = {"source": self.rng.choice(sources), "sql": self.rng.choice(SQLS)}
                items.append((name, json.dumps(body).encode(), dict(kind="sql", expect="ok")))
            elif r < 0.70:
                # A small upload with a question about it dropped at the same moment.
                stem = self.uniq("up")
                rows = self.rng.randint(1, 300)
                lines = ["Date,Product,Region,Sales"]
                for i in range(rows):
                    lines.append(f"2024-{1 + i % 12:02d}-{1 + i % 28:02d},P{i % 7},R{i % 3},{(i * 37) % 1000}.5")
                items.append((stem + ".csv", ("\n".join(lines) + "\n").encode(),
                              dict(kind="upload", expect="ok", rows=rows, pair=stem)))
                q = {"source": stem, "question": "total sales by region"}
                items.append((stem + "_q.json", json.dumps(q).encode(), dict(kind="question", expect="ok", pair=stem)))
            elif r < 0.90:
                name, data, meta = self.invalid()
                items.append((name, data, meta))
            else:
                name = self.uniq("q") + ".json"
                body = {"source": self.rng.choice(sources), "question": self.rng.choice(QUESTIONS), "chart": False}
                items.append((name, json.dumps(body).encode(), dict(kind="question", expect="ok")))
        for name, data, _ in items:
            with open(os.path.join(phase_dir, name), "wb") as f:
                f.write(data)
        return [(name, meta) for name, _, meta in items]

    def invalid(self):
        k = self.rng.randrange(9)
        if k == 0:
            return self.uniq("bad") + ".json", b'{"source": "sales", "question": ', dict(kind="bad_json", expect="fail")
        if k == 1:
            return (self.uniq("bad") + ".json", json.dumps({"source": "sales", "question": "x", "colour": "red"}).encode(),
                    dict(kind="unknown_field", expect="fail"))
        if k == 2:
            n = self.uniq("nosrc")
            return (n + ".json", json.dumps({"source": "no_such_" + n, "question": "total sales"}).encode(),
                    dict(kind="unknown_source", expect="fail"))
        if k == 3:
            return (self.uniq("bad") + ".json", json.dumps({"source": "sales", "sql": "DELETE FROM data"}).encode(),
                    dict(kind="forbidden_sql", expect="fail"))
        if k == 4:
            return self.uniq("bad") + ".json", b"[1, 2, 3]", dict(kind="not_object", expect="fail")
        if k == 5:
            return self.uniq("bad") + ".json", b"", dict(kind="empty_json", expect="fail")
        if k == 6:
            return self.uniq("note") + ".txt", b"not a spool input\n", dict(kind="unsupported", expect="fail")
        if k == 7:
            return self.uniq("empty") + ".csv", b"", dict(kind="empty_csv", expect="fail")
        return (self.uniq("junk") + ".csv", bytes(self.rng.randrange(256) for _ in range(2000)),
                dict(kind="binary_csv", expect="any"))

    def record(self, name, meta, phase):
        d = dict(meta)
        d["name"] = name
        d["phase"] = phase
        self.drops.append(d)

    # ---- writers --------------------------------------------------------------------

    def start_writers(self, items, phase_dir, phase, loops=4, special=True, pace=0.0):
        """Deliver staged items with real tools; returns the writer processes. With `pace`,
        one loop delivers everything, sleeping that long between files."""
        procs = []
        if pace > 0:
            for name, meta in items:
                self.record(name, meta, phase)
            lst = self.write_list(phase_dir, "paced", [n for n, _ in items])
            procs.append(self.bash(f'while IFS= read -r f; do cat "$S/$f" > "$I/.$f.tmp" && mv "$I/.$f.tmp" "$I/$f"; '
                                   f'sleep {pace:.3f}; done < {lst}', phase_dir))
            return procs
        self.rng.shuffle(items)
        groups = {"loop": [], "mv": [], "cat": [], "rsync": []}
        # An upload and the question about it go through one loop, upload first: the
        # question then finds the upload pending (queued or settling) and waits for it.
        pairs = sorted((m["pair"], 0 if n.endswith(".csv") else 1, n) for n, m in items if "pair" in m)
        if pairs:
            lst = self.write_list(phase_dir, "pairs", [n for _, _, n in pairs])
            procs.append(self.bash(f'while IFS= read -r f; do cat "$S/$f" > "$I/.$f.tmp" && mv "$I/.$f.tmp" "$I/$f"; done < {lst}', phase_dir))
        for name, meta in items:
            if "pair" in meta:
                self.record(name, meta, phase)
                continue
            r = self.rng.random()
            how = "loop" if r < 0.5 else "mv" if r < 0.7 else "cat" if r < 0.85 else "rsync"
            groups[how].append(name)
            self.record(name, meta, phase)
        # Parallel shell loops: temp name, then mv.
        chunk = max(1, (len(groups["loop"]) + loops - 1) // loops)
        for i in range(0, len(groups["loop"]), chunk):
            lst = self.write_list(phase_dir, f"loop{i}", groups["loop"][i:i + chunk])
            procs.append(self.bash(f'while IFS= read -r f; do cat "$S/$f" > "$I/.$f.tmp" && mv "$I/.$f.tmp" "$I/$f"; done < {lst}', phase_dir))
        if groups["mv"]:
            lst = self.write_list(phase_dir, "mv", groups["mv"])
            procs.append(self.bash(f'while IFS= read -r f; do mv "$S/$f" "$I/$f"; done < {lst}', phase_dir))
        if groups["cat"]:
            # In place: the daemon sees the file while it is written.
            lst = self.write_list(phase_dir, "cat", groups["cat"])
            procs.append(self.bash(f'while IFS= read -r f; do cat "$S/$f" > "$I/$f"; done < {lst}', phase_dir))
        if groups["rsync"]:
            rdir = os.path.join(phase_dir, "rsync")
            os.makedirs(rdir, exist_ok=True)
            for name in groups["rsync"]:
                os.rename(os.path.join(phase_dir, name), os.path.join(rdir, name))
            procs.append(self.bash(f'rsync -a --exclude=.keep "{rdir}/" "$I/"', phase_dir))
        if special:
            procs += self.special_writers(phase_dir, phase)
        return procs

    def special_writers(self, phase_dir, phase):
        procs = []
        # cp of a large file in place.
        big = self.uniq("bigcp") + ".csv"
        self.record(big, dict(kind="upload", expect="ok", rows=self.big_rows), phase)
        procs.append(self.bash(f'cp "{self.root}/big.csv" "$I/{big}"', phase_dir))
        # A writer that stalls halfway with the file open (an upload and a question).
        stall = self.uniq("stall") + ".csv"
        self.record(stall, dict(kind="upload", expect="ok", rows=self.mid_rows), phase)
        half = os.path.getsize(os.path.join(self.root, "mid.csv")) // 2
        secs = 2 if self.short else 4
        procs.append(self.bash(
            f'{{ head -c {half} "{self.root}/mid.csv"; sleep {secs}; tail -c +{half + 1} "{self.root}/mid.csv"; }} > "$I/{stall}"',
            phase_dir))
        sq = self.uniq("stallq") + ".json"
        self.record(sq, dict(kind="question", expect="ok"), phase)
        body = json.dumps({"source": "sales", "question": QUESTIONS[0]})
        h = len(body) // 2
        procs.append(self.bash(f"{{ printf '%s' '{body[:h]}'; sleep {secs}; printf '%s' '{body[h:]}'; }} > \"$I/{sq}\"", phase_dir))
        # A few files that must be refused without being opened.
        for maker in ("symlink", "dir", "fifo", "hardlink"):
            name = self.uniq(maker) + (".csv" if maker != "fifo" else ".json")
            path = os.path.join(self.inbox, name)
            if maker == "symlink":
                os.symlink("/etc/passwd", path)
            elif maker == "dir":
                os.mkdir(path)
            elif maker == "fifo":
                os.mkfifo(path)
            else:
                src = os.path.join(phase_dir, name + ".orig")
                with open(src, "w") as f:
                    f.write("a,b\n1,2\n")
                os.link(src, path)
            self.record(name, dict(kind=maker, expect="fail"), phase)
        return procs

    def write_list(self, phase_dir, tag, names):
        path = os.path.join(phase_dir, f".list-{tag}")
        with open(path, "w") as f:
            f.write("".join(n + "\n" for n in names))
        return path

    def bash(self, script, phase_dir):
        env = dict(os.environ, S=phase_dir, I=self.inbox)
        return subprocess.Popen(["bash", "-c", script], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)

    def wait_writers(self, procs, timeout=600):
        deadline = now() + timeout
        while any(p.poll() is None for p in procs) and now() < deadline:
            self.sample()
            time.sleep(0.25)
        for p in procs:
            if p.poll() is None:
                p.kill()
                self.breaks.append("a writer hung")
            elif p.returncode != 0:
                err = p.stderr.read().decode(errors="replace")[-300:]
                self.breaks.append(f"a writer failed ({p.returncode}): {err}")

    # ---- observation ----------------------------------------------------------------

    def sample(self):
        rss, hwm, fds = self.daemon.sample()
        if rss:
            self.samples.append((now(), self.phase, self.daemon.pid, rss, hwm, fds))
            self.peak_kb = max(self.peak_kb, hwm)

    def pending(self):
        """Dropped inputs whose result is not (yet) in the outbox."""
        have = set(os.listdir(self.outbox))
        return [d for d in self.drops if result_name(d["name"]) not in have]

    def drain(self, timeout, what):
        """Wait until every dropped input has its result and nothing is queued or running."""
        deadline = now() + timeout
        while now() < deadline:
            self.sample()
            if not self.pending() and self.queue_idle() and not self.inbox_names():
                return True
            if not self.daemon.alive():
                self.breaks.append(f"the daemon died during {what} (exit {self.daemon.proc.returncode})")
                self.daemon.start()
            time.sleep(0.25)
        left = self.pending()
        self.breaks.append(f"{what}: {len(left)} input(s) without a result after {timeout}s, e.g. "
                           + ", ".join(d["name"] for d in left[:5]))
        return False

    def inbox_names(self):
        return [n for n in os.listdir(self.inbox) if not n.startswith(".")]

    def queue_idle(self):
        try:
            con = sqlite3.connect(f"file:{self.spool}/state/lumiere.db?mode=ro", uri=True, timeout=5)
            n = con.execute("SELECT COUNT(*) FROM jobs WHERE state IN ('queued','running')").fetchone()[0]
            con.close()
            return n == 0
        except sqlite3.Error:
            return False

    def wait_result(self, name, timeout=120, not_job=None):
        path = os.path.join(self.outbox, result_name(name))
        deadline = now() + timeout
        while now() < deadline:
            self.sample()
            if os.path.exists(path):
                try:
                    with open(path) as f:
                        doc = json.load(f)
                    if not_job is None or doc.get("job_id") != not_job:
                        return doc
                except ValueError:
                    pass
            time.sleep(0.05)
        raise DaemonError(f"no result for {name} after {timeout}s")

    def upload_base(self, phase):
        before = {}
        for stem in ("sales", "test_sales_data"):
            try:
                with open(os.path.join(self.outbox, f"{stem}.source.json")) as f:
                    before[stem] = json.load(f).get("job_id")
            except (OSError, ValueError):
                before[stem] = None
        for stem in ("sales", "test_sales_data"):
            tmp = os.path.join(self.inbox, f".{stem}.csv.tmp")
            shutil.copy(os.path.join(self.root, f"{stem}.csv"), tmp)
            os.rename(tmp, os.path.join(self.inbox, f"{stem}.csv"))
            rows = self.base_rows if stem == "sales" else 15
            self.record(f"{stem}.csv", dict(kind="upload", expect="ok", rows=rows, base=True), phase)
        for stem in ("sales", "test_sales_data"):
            doc = self.wait_result(f"{stem}.csv", not_job=before[stem])
            if doc.get("status") != "succeeded":
                raise DaemonError(f"base upload {stem} failed: {doc.get('error')}")
        # A base source's result name repeats across re-uploads: wait for *this* job's row.
        deadline = now() + 120
        while now() < deadline and not self.queue_idle():
            time.sleep(0.1)

    # ---- standing questions -------------------------------------------------------

    WATCHED_ROWS = 4  # every version the same length (see drop_watched_version)

    def watched_csv(self):
        # Same row count each version, other values: whichever version's source document is
        # the outbox's last, its row count is the one the drop recorded.
        lines = ["Region,Sales"] + [f"R{i},{self.rng.randint(0, 3) * 10}" for i in range(self.WATCHED_ROWS)]
        return ("\n".join(lines) + "\n").encode()

    def drop_watched_version(self, phase):
        """A new version of "watched", unless the previous one still sits unclaimed in the
        inbox (a rename over it would make two drops one job)."""
        dest = os.path.join(self.inbox, "watched.csv")
        if os.path.exists(dest):
            return False
        tmp = os.path.join(self.inbox, ".watched.csv.tmp")
        with open(tmp, "wb") as f:
            f.write(self.watched_csv())
        os.rename(tmp, dest)
        self.record("watched.csv", dict(kind="upload", expect="ok", rows=self.WATCHED_ROWS), phase)
        self.watched_versions += 1
        return True

    def drop_watch_add(self, phase):
        name = self.uniq("watch") + ".json"
        body = {"action": "watch_add", "source": "watched",
                "sql": "SELECT Region, SUM(Sales) AS total FROM data GROUP BY Region"}
        tmp = os.path.join(self.inbox, "." + name)
        with open(tmp, "w") as f:
            json.dump(body, f)
        os.rename(tmp, os.path.join(self.inbox, name))
        self.record(name, dict(kind="watch_add", expect="ok"), phase)
        self.watch_adds += 1

    # ---- phases ---------------------------------------------------------------------

    def phase_dir(self, name):
        return os.path.join(self.staging, name)

    def run_phase(self, name, n, mix="normal", special=True):
        self.phase = name
        pdir = self.phase_dir(name)
        items = self.make_inputs(n, pdir, mix=mix)
        procs = self.start_writers(items, pdir, name, special=special)
        return procs

    def steady(self, n):
        t0 = now()
        log(f"steady: {n} inputs, no faults; sampling RSS and fds")
        procs = self.run_phase("steady", n)
        self.wait_writers(procs)
        self.drain(600, "steady")
        self.figures["steady_s"] = now() - t0

    def kill_phase(self, n):
        log(f"kill: {n} inputs in waves, SIGKILL at a random moment of each wave, {self.kills_wanted} kills")
        self.phase = "kill"
        waves = max(1, self.kills_wanted - self.kills_wanted // 4)
        per = max(1, n // waves)
        procs = []
        k = 0
        while self.kills < self.kills_wanted:
            if not self.daemon.alive():
                self.daemon.start()
            pdir = self.phase_dir(f"kill{k}")
            items = self.make_inputs(per, pdir)
            # Every third wave carries a large upload, so ingests are killed halfway too.
            first = len(self.drops)
            procs += self.start_writers(items, pdir, "kill", special=(k % 3 == 0))
            # Standing questions under kills: subscribe now and then, upload new versions.
            if k == 0 or self.rng.random() < 0.5:
                self.drop_watch_add("kill")
            self.drop_watched_version("kill")
            # Kill while the wave is being processed: once its first result is out, at a
            # random moment in the next 0.4 s.
            wave = {result_name(d["name"]) for d in self.drops[first:]}
            deadline = now() + 5
            while now() < deadline and not wave & set(os.listdir(self.outbox)):
                time.sleep(0.01)
            end = now() + self.rng.uniform(0.0, 0.4)
            while now() < end:
                self.sample()
                time.sleep(0.01)
            self.daemon.kill9()
            self.kills += 1
            k += 1
            if k % 3 == 0:
                # Kill during start-up (before "daemon started"): reconciliation interrupted.
                self.daemon.start(wait=False)
                time.sleep(self.rng.uniform(0.0, 0.15))
                self.daemon.kill9()
                self.kills += 1
                self.start_kills += 1
        self.daemon.start()
        self.figures["recovered"] = self.recovered_total()
        self.wait_writers(procs)
        self.drain(600, "kill")

    def recovered_total(self):
        import re
        with open(self.daemon.log_path, errors="replace") as f:
            return sum(int(m) for m in re.findall(r"daemon started .*?recovered=(\d+)", f.read()))

    def sigterm_phase(self, n):
        log(f"sigterm: {n} inputs, SIGTERM while jobs run")
        procs = self.run_phase("sigterm", n, special=False)
        big = self.uniq("termbig") + ".csv"
        shutil.copy(os.path.join(self.root, "big.csv"), os.path.join(self.staging, big))
        os.rename(os.path.join(self.staging, big), os.path.join(self.inbox, big))
        self.record(big, dict(kind="upload", expect="ok", rows=self.big_rows), "sigterm")
        self.wait_writers(procs)
        # Wait until the large upload is being ingested, then ask the daemon to stop.
        work = os.path.join(self.spool, "state", "work")
        deadline = now() + 60
        while now() < deadline and not any(w.endswith("--" + big) for w in os.listdir(work)):
            time.sleep(0.01)
        time.sleep(0.2)
        t = now()
        self.daemon.signal(signal.SIGTERM)
        rc = self.daemon.wait(120)
        self.figures["sigterm_exit_s"] = now() - t
        self.figures["sigterm_rc"] = rc
        if rc != 0:
            self.breaks.append(f"SIGTERM under load: exit status {rc}, not 0")
        self.daemon.start()
        self.drain(600, "sigterm")

    def source_db(self, name):
        con = sqlite3.connect(f"file:{self.spool}/state/lumiere.db?mode=ro", uri=True, timeout=10)
        row = con.execute("SELECT db_file FROM sources WHERE name = ? ORDER BY version DESC LIMIT 1", (name,)).fetchone()
        con.close()
        return os.path.join(self.spool, "state", row[0])

    def sourcedb_phase(self, n):
        log(f"sourcedb: {n} questions while the 'sales' database is deleted and 'test_sales_data''s corrupted")
        self.phase = "sourcedb"
        pdir = self.phase_dir("sourcedb")
        deleted, corrupted = self.source_db("sales"), self.source_db("test_sales_data")
        items = self.make_inputs(n, pdir, mix="questions")
        for _, meta in items:
            if meta["expect"] == "ok":
                meta["expect"] = "any"   # questions about a broken source may fail (with a reason)
        procs = self.start_writers(items, pdir, "sourcedb", special=False)
        time.sleep(0.3)
        os.unlink(deleted)
        with open(corrupted, "r+b") as f:
            size = os.path.getsize(corrupted)
            f.seek(100)
            f.write(bytes(self.rng.randrange(256) for _ in range(max(0, size - 100))))
        self.wait_writers(procs)
        self.drain(600, "sourcedb")
        # Restore both by uploading them again; questions must work again afterwards.
        self.upload_base("sourcedb")
        probe = self.uniq("afterfix") + ".json"
        with open(os.path.join(self.inbox, "." + probe), "w") as f:
            json.dump({"source": "test_sales_data", "question": QUESTIONS[0]}, f)
        os.rename(os.path.join(self.inbox, "." + probe), os.path.join(self.inbox, probe))
        self.record(probe, dict(kind="question", expect="ok"), "sourcedb")
        doc = self.wait_result(probe)
        if doc.get("status") != "succeeded":
            self.breaks.append(f"after re-uploading, a question failed: {doc.get('error')}")
        self.drain(300, "sourcedb")

    def lock_phase(self, n):
        hold = 21 if self.short else 25
        log(f"lock: another process holds the state database's write lock for {hold}s (busy timeout 10s, "
            "and GRDB serializes the daemon's writers, so > 2x that)")
        db = os.path.join(self.spool, "state", "lumiere.db")
        holder = subprocess.Popen([sys.executable, "-c", (
            "import sqlite3,sys,time\n"
            f"c=sqlite3.connect({db!r}, timeout=30, isolation_level=None)\n"
            "c.execute('BEGIN EXCLUSIVE'); print('locked', flush=True)\n"
            f"time.sleep({hold}); c.execute('ROLLBACK')\n")], stdout=subprocess.PIPE)
        if holder.stdout.readline().strip() != b"locked":
            self.breaks.append("could not take the state database lock")
        procs = self.run_phase("lock", n, special=False)
        self.wait_writers(procs)
        holder.wait()
        self.drain(150, "lock")

    def diskfull_phase(self, n):
        if not self.mounted:
            self.notes.append("disk-full fault skipped (no tmpfs)")
            self.figures["diskfull"] = "skipped"
            return
        hold = 3 if self.short else 6
        log(f"diskfull: {n} inputs, then the spool's file system is filled to ENOSPC for {hold}s")
        procs = self.run_phase("diskfull", n, special=False)
        # Medium uploads make sure ingest writes are in flight when the disk fills.
        for _ in range(3):
            name = self.uniq("fullup") + ".csv"
            shutil.copy(os.path.join(self.root, "mid.csv"), os.path.join(self.staging, name))
            os.rename(os.path.join(self.staging, name), os.path.join(self.inbox, name))
            self.record(name, dict(kind="upload", expect="ok", rows=self.mid_rows), "diskfull")
        self.wait_writers(procs)
        ballast = os.path.join(self.fs, "ballast")
        filled = 0
        fd = os.open(ballast, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        chunk = b"\1" * (1 << 20)
        try:
            while os.write(fd, chunk) == len(chunk):
                filled += 1
        except OSError:
            pass
        os.close(fd)
        t = now()
        while now() < t + hold:
            self.sample()
            time.sleep(0.1)
        paused = "intake paused: disk space low" in self.daemon.log_since_start()
        os.unlink(ballast)
        self.figures["diskfull"] = f"{filled}MB" + (",paused" if paused else ",no-pause-logged")
        if not paused:
            self.breaks.append("the disk filled but the daemon did not log that intake paused")
        self.drain(600, "diskfull")

    def inotify_phase(self, n):
        path = "/proc/sys/fs/inotify/max_queued_events"
        log(f"inotify: daemon restarted with max_queued_events=16, then a burst of {n} renames")
        try:
            with open(path) as f:
                original = f.read().strip()
            with open(path, "w") as f:
                f.write("16")
        except OSError as e:
            self.notes.append(f"inotify overflow via sysctl not possible ({e}); burst only")
            original = None
        try:
            self.daemon.stop()
            # Periodic rescans far apart: the overflow must be what brings the files in.
            self.daemon.start(extra_env={"LUMIERE_SPOOL_RESCAN_MS": "600000"})
        finally:
            if original is not None:
                with open(path, "w") as f:
                    f.write(original)
        self.phase = "inotify"
        pdir = self.phase_dir("inotify")
        items = self.make_inputs(n, pdir, mix="questions")
        for name, meta in items:
            self.record(name, meta, "inotify")
        # A burst: renames as fast as one process can do them.
        for name, _ in items:
            os.rename(os.path.join(pdir, name), os.path.join(self.inbox, name))
        self.drain(600, "inotify")
        overflowed = "inotify queue overflowed" in self.daemon.log_since_start()
        self.figures["inotify_overflow"] = "seen" if overflowed else "not-seen"
        if not overflowed and original is not None:
            self.notes.append("the inotify queue did not overflow (burst too slow?)")
        self.daemon.stop()
        self.daemon.start()

    def clock_phase(self, n):
        shim = os.path.join(self.root, "clockshift.so")
        src = os.path.join(os.path.dirname(os.path.abspath(__file__)), "clockshift.c")
        cc = shutil.which("cc") or shutil.which("gcc")
        if not cc or subprocess.run([cc, "-shared", "-fPIC", "-O2", "-o", shim, src, "-ldl"]).returncode != 0:
            self.notes.append("clock steps skipped (no C compiler for the clock shim)")
            self.figures["clock"] = "skipped"
            return
        log(f"clock: {n} inputs while the daemon's wall clock steps +1h, back, -1h (LD_PRELOAD shim; monotonic untouched)")
        stamp = os.path.join(self.root, "clockshift")
        with open(stamp, "w") as f:
            f.write("0\n")
        self.daemon.stop()
        self.daemon.start(extra_env={"LD_PRELOAD": shim, "CLOCKSHIFT_FILE": stamp})
        # Files trickle in across the steps, so some are settling when the clock jumps.
        step = 1.5 if self.short else 3
        self.phase = "clock"
        items = self.make_inputs(n, self.phase_dir("clock"))
        procs = self.start_writers(items, self.phase_dir("clock"), "clock", pace=3 * step / max(1, len(items)))
        for offset in ("3600", "0", "-3600"):
            with open(stamp, "w") as f:
                f.write(offset + "\n")
            end = now() + step
            while now() < end:
                self.sample()
                time.sleep(0.1)
        self.wait_writers(procs)
        # More inputs while the clock is an hour behind.
        procs = self.start_writers(self.make_inputs(max(10, n // 4), self.phase_dir("clock2")), self.phase_dir("clock2"),
                                   "clock", special=False)
        self.wait_writers(procs)
        ok = self.drain(120 if self.short else 180, "clock (wall clock 1 h behind)")
        self.figures["clock"] = "ok" if ok else "stuck"
        self.daemon.stop()
        self.daemon.start()

    # ---- the run --------------------------------------------------------------------

    def run(self):
        t0 = now()
        self.setup()
        load = os.getloadavg()
        log(f"{'short' if self.short else 'full'} run: {self.total} inputs planned, {self.kills_wanted} SIGKILLs, "
            f"{self.args.workers} workers; {os.cpu_count()} CPUs, load average {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}")
        self.phase = "warmup"
        self.daemon.start()
        log(f"daemon pid {self.daemon.pid}; uploading the base sources")
        self.upload_base("warmup")
        self.drop_watched_version("warmup")  # the version the first subscriptions start from
        self.wait_result("watched.csv")
        n = self.total
        shares = [("steady", 0.35), ("kill", 0.25), ("sigterm", 0.06), ("sourcedb", 0.05), ("lock", 0.07),
                  ("diskfull", 0.07), ("inotify", 0.08), ("clock", 0.07)]
        plan = {k: int(n * s) for k, s in shares}
        try:
            self.steady(plan["steady"])
            self.kill_phase(plan["kill"])
            self.sigterm_phase(plan["sigterm"])
            self.sourcedb_phase(plan["sourcedb"])
            self.lock_phase(plan["lock"])
            self.diskfull_phase(plan["diskfull"])
            self.inotify_phase(plan["inotify"])
            self.clock_phase(plan["clock"])
            # Top up to the planned total with one more steady batch.
            rest = n - len(self.drops)
            if rest > 0:
                self.phase = "final"
                procs = self.start_writers(self.make_inputs(rest, self.phase_dir("final")), self.phase_dir("final"),
                                           "final", special=False)
                self.wait_writers(procs)
            self.phase = "drain"
            self.drain(900, "final drain")
        except DaemonError as e:
            self.breaks.append(f"daemon error: {e}")
        rc = self.daemon.stop() if self.daemon.alive() else None
        if rc not in (0, None):
            self.breaks.append(f"final SIGTERM: exit status {rc}")
        self.figures["elapsed_s"] = now() - t0
        self.check()
        self.crashes = self.crash_reports()
        self.report()
        if self.breaks:
            # Keep the evidence: the log is outside the tmpfs; the spool stays mounted.
            log(f"kept {self.root} (daemon.log, spool) for inspection; umount {self.fs} when done")
        elif not self.args.keep:
            self.unmount()
            shutil.rmtree(self.root, ignore_errors=True)
        return 1 if self.breaks else 0

    def crash_reports(self):
        """Backtraces the Swift runtime printed into daemon.log (any crash is a break)."""
        with open(self.daemon.log_path, errors="replace") as f:
            text = f.read()
        n = text.count("Program crashed") + text.count("ERROR: AddressSanitizer")  # (a --binary built with ASan)
        if n:
            self.breaks.append(f"the daemon crashed {n} time(s); backtraces in {self.daemon.log_path}")
        return n

    # ---- invariants -----------------------------------------------------------------

    def check(self):
        spool = self.spool
        outbox = set(os.listdir(self.outbox))
        archive = set(os.listdir(os.path.join(spool, "archive")))
        failed_all = set(os.listdir(os.path.join(spool, "failed")))
        failed = {n for n in failed_all if not n.endswith(".error.json")}
        work = os.listdir(os.path.join(spool, "state", "work"))
        inbox_left = [n for n in os.listdir(self.inbox)]
        con = sqlite3.connect(f"file:{spool}/state/lumiere.db?mode=ro", uri=True)
        # Standing reruns are not drops: check_standing() accounts for them.
        jobs = con.execute("SELECT id, input_name, state, disposition, final_name FROM jobs "
                           "WHERE kind != 'standing'").fetchall()
        # A standing rerun has no input: its failure record stands alone in failed/.
        standing_inputs = {r[0] for r in con.execute("SELECT input_name FROM jobs WHERE kind = 'standing'")}
        con.close()
        by_name = {}
        for j in jobs:
            by_name.setdefault(j[1], []).append(j)
        drops_per_name = {}
        for d in self.drops:
            drops_per_name[d["name"]] = drops_per_name.get(d["name"], 0) + 1

        seen = len(self.drops)
        results = 0
        dup = 0
        dups = []
        wrong = []
        half = []
        codes = {}
        for name, count in drops_per_name.items():
            rn = result_name(name)
            if rn in outbox:
                results += count
            js = by_name.get(name, [])
            if len(js) != count:
                dup += abs(len(js) - count)
                dups.append(f"{name}: {len(js)} jobs for {count} drop(s)")
        unknown = [n for n in by_name if n not in drops_per_name]
        # A job-suffixed final name (NAME.job<ID>.ext) is right only when the plain name was
        # taken by an earlier drop of the same name; otherwise it is a job that ran twice into
        # a renamed copy. A failure record without its input is the other half of that.
        renamed = [f"{j[1]} -> {j[4]}" for j in jobs
                   if j[4] and j[4] != j[1] and drops_per_name.get(j[1], 0) <= 1]
        orphan_records = sorted(n for n in failed_all
                                if n.endswith(".error.json") and n[:-len(".error.json")] not in failed
                                and n[:-len(".error.json")] not in standing_inputs)
        dup += len(renamed) + len(orphan_records)
        dups += renamed + [f"{n}: failure record without its input" for n in orphan_records]
        # Final copies: every job's final name exists in archive/ or failed/, once.
        archived = failed_n = 0
        finals = []
        for j in jobs:
            _, name, state, disp, final = j
            if state not in ("succeeded", "failed"):
                continue
            finals.append((disp, final))
            if disp == "archive" and final in archive:
                archived += 1
            elif disp == "failed" and final in failed:
                failed_n += 1
            elif disp == "failed" and final == "":
                failed_n += 1  # input vanished: there is no file to keep
            else:
                wrong.append(f"{name}: final copy {disp}/{final} is missing")
        extra_archive = archive - {f for d, f in finals if d == "archive"}
        extra_failed = failed - {f for d, f in finals if d == "failed"}
        missing_err = [f for d, f in finals if d == "failed" and f and f + ".error.json" not in failed_all]
        stuck = [j for j in jobs if j[2] in ("queued", "running")]
        # Outcomes against expectations, from the result documents.
        last_meta = {d["name"]: d for d in self.drops}
        for name, d in last_meta.items():
            path = os.path.join(self.outbox, result_name(name))
            try:
                with open(path) as f:
                    doc = json.load(f)
            except (OSError, ValueError):
                continue
            status = doc.get("status")
            code = (doc.get("error") or {}).get("code", "")
            key = f"{d['kind']}:{status}" + (f":{code}" if code else "")
            codes[key] = codes.get(key, 0) + 1
            js = by_name.get(name, [])
            disp = js[-1][3] if js else None
            if d["expect"] == "fail" and disp == "archive":
                wrong.append(f"{name} ({d['kind']}) was archived, but it should fail")
            if d["expect"] == "ok" and disp != "archive" and not d["phase"] in ("kill", "diskfull", "lock", "clock"):
                wrong.append(f"{name} ({d['kind']}, {d['phase']}) failed: {code}")
            if d["expect"] == "ok" and disp != "archive" and code not in (
                    "too_many_attempts", "disk_full", "database_busy", "io_error", "") \
                    and d["phase"] in ("kill", "diskfull", "lock", "clock"):
                wrong.append(f"{name} ({d['kind']}, {d['phase']}) failed with {code}")
            if d["kind"] == "upload" and status == "succeeded":
                got = ((doc.get("source") or {}).get("row_count"))
                if got != d.get("rows"):
                    half.append(f"{name}: {got} rows, the file has {d.get('rows')}")
        f = self.figures
        f.update(seen=seen, results=results, archived=archived, failed=failed_n, duplicates=dup,
                 unknown_jobs=len(unknown), work_left=len(work), inbox_left=len(inbox_left), stuck=len(stuck),
                 extra_copies=len(extra_archive) + len(extra_failed), missing_error_json=len(missing_err),
                 half_read=len(half), unexpected=len(wrong), kills=self.kills, start_kills=self.start_kills,
                 restarts=self.daemon.starts - 1, peak_rss_mb=self.peak_kb / 1024)
        if not (seen == results == archived + failed_n):
            self.breaks.append(f"inputs {seen} / results {results} / archived {archived} + failed {failed_n} differ")
        for label, items in (("duplicate or missing jobs", dups), ("jobs for inputs never dropped", unknown),
                             ("files left in state/work", work), ("files left in the inbox", inbox_left),
                             ("jobs stuck queued or running", stuck), ("inputs in failed/ without .error.json", missing_err),
                             ("half-read uploads", half), ("extra copies in archive/failed", sorted(extra_archive | extra_failed))):
            if items:
                self.breaks.append(f"{label}: {len(items)}, e.g. {list(items)[:3]}")
        if wrong:
            self.breaks.append(f"unexpected outcomes: {len(wrong)}, e.g. {wrong[:5]}")
        self.codes = codes
        self.check_standing()
        self.check_flat()

    def check_standing(self):
        """Exactly one rerun per (subscription, version), none missed, each with its result
        document and index line; one subscription per watch_add."""
        con = sqlite3.connect(f"file:{self.spool}/state/lumiere.db?mode=ro", uri=True)
        subs = {r[0]: r[1] for r in con.execute("SELECT id, job_id FROM subscriptions WHERE source_name = 'watched'")}
        runs = con.execute("SELECT subscription_id, source_id, source_version, job_id, result IS NOT NULL "
                           "FROM subscription_runs").fetchall()
        sjobs = {r[0]: r for r in con.execute("SELECT id, input_name, state FROM jobs WHERE kind = 'standing'")}
        adds = con.execute("SELECT id, state FROM jobs WHERE input_name LIKE 'watch%.json' AND kind = 'request'").fetchall()
        kept = {r[0] for r in con.execute("SELECT id FROM sources WHERE tenant = '' AND name = 'watched'")}
        con.close()
        indexed = {}
        versions = set(kept)
        try:
            with open(os.path.join(self.outbox, "index.jsonl")) as f:
                for line in f:
                    try:
                        d = json.loads(line)
                    except ValueError:
                        continue
                    indexed[d.get("job_id")] = d
                    src = d.get("source") or {}
                    if d.get("kind") == "upload" and src.get("name") == "watched" and d.get("state") == "succeeded":
                        versions.add(src.get("id"))
        except OSError:
            pass
        outbox = set(os.listdir(self.outbox))
        problems = []
        if len(subs) != self.watch_adds or len(adds) != self.watch_adds:
            problems.append(f"{self.watch_adds} watch_add drops made {len(adds)} jobs and {len(subs)} subscriptions")
        by_sub = {}
        for sub, src, ver, job, has_result in runs:
            by_sub.setdefault(sub, set()).add(src)
        diffs = pruned = 0
        for sub in subs:
            got = by_sub.get(sub, set())
            if not got:
                problems.append(f"subscription {sub} has no run (the base version was there when it was added)")
                continue
            missed = {v for v in versions if v >= min(got)} - got
            if missed:
                problems.append(f"subscription {sub} missed versions (source ids) {sorted(missed)[:5]}")
        results = {n for n in outbox if n.startswith("watch-") and n.endswith(".result.json")}
        expected = set()
        for sub, src, ver, job, has_result in runs:
            name = f"watch-{sub}-v{ver}-{src}.result.json"
            expected.add(name)
            j = sjobs.get(job)
            if j is None:
                problems.append(f"run ({sub}, {src}) has no standing job")
                continue
            if j[2] not in ("succeeded", "failed"):
                problems.append(f"standing job {job} is {j[2]}")
            if job not in indexed:
                problems.append(f"standing job {job} has no index.jsonl line")
            try:
                with open(os.path.join(self.outbox, name)) as f:
                    doc = json.load(f)
            except (OSError, ValueError):
                problems.append(f"run ({sub}, v{ver}) has no result document {name}")
                continue
            st = doc.get("standing") or {}
            if doc.get("status") == "succeeded":
                if (st.get("subscription_id"), st.get("source_id")) != (sub, src) or not has_result:
                    problems.append(f"{name}: standing block {st} or stored answer does not match its run")
                diffs += st.get("diff") is not None
            elif (doc.get("error") or {}).get("code") in ("unknown_source", "too_many_attempts"):
                pruned += 1  # the version was pruned (sources.keep_versions) before its rerun ran, or kills used the attempts
            else:
                problems.append(f"{name}: {doc.get('status')} {(doc.get('error') or {}).get('code')}")
        if len(sjobs) != len(runs):
            problems.append(f"{len(sjobs)} standing jobs for {len(runs)} runs")
        extra = results - expected
        if extra:
            problems.append(f"standing results without a run: {sorted(extra)[:3]}")
        self.figures.update(subscriptions=len(subs), watched_versions=len(versions), standing_runs=len(runs),
                            standing_diffs=diffs, standing_not_answered=pruned)
        if problems:
            self.breaks.append(f"standing questions: {len(problems)} problem(s), e.g. {problems[:4]}")

    def check_flat(self):
        """RSS and fds of the steady phase's one daemon: early vs late samples."""
        steady = [s for s in self.samples if s[1] == "steady"]
        pids = {s[2] for s in steady}
        if len(steady) < 10 or len(pids) != 1:
            self.notes.append("too few steady samples to compare memory")
            self.figures.update(rss_early_mb=0, rss_late_mb=0, fds_early=0, fds_late=0)
            return
        t0, t1 = steady[0][0], steady[-1][0]
        span = t1 - t0
        early = [s for s in steady if t0 + 0.1 * span <= s[0] <= t0 + 0.3 * span]
        late = [s for s in steady if s[0] >= t0 + 0.8 * span]
        rss_e, rss_l = median([s[3] for s in early]) / 1024, median([s[3] for s in late]) / 1024
        fd_e, fd_l = max(s[5] for s in early), max(s[5] for s in late)
        self.figures.update(rss_early_mb=rss_e, rss_late_mb=rss_l, fds_early=fd_e, fds_late=fd_l)
        self.rule = "late median RSS <= 1.5 x early + 32 MB; late max fds <= early max + 16"
        if rss_l > rss_e * 1.5 + 32:
            self.breaks.append(f"RSS grew over the steady phase: {rss_e:.0f} MB early, {rss_l:.0f} MB late")
        if fd_l > fd_e + 16:
            self.breaks.append(f"open fds grew over the steady phase: {fd_e} early, {fd_l} late")
        # Every restart of the run: fds of each instance's last sample stay bounded too.
        per_pid = {}
        for s in self.samples:
            per_pid[s[2]] = s[5]
        self.figures["fds_max_any"] = max(per_pid.values()) if per_pid else 0

    def report(self):
        f = self.figures
        log("outcomes (kind:status:code = count):")
        for k in sorted(self.codes):
            print(f"    {k} = {self.codes[k]}")
        for n in self.notes:
            log("note: " + n)
        if hasattr(self, "rule"):
            log("memory rule: " + self.rule)
        for b in self.breaks:
            log("INVARIANT BROKEN: " + b)
        verdict = "ok" if not self.breaks else f"FAILED ({len(self.breaks)} invariant(s) broken)"
        print(f"soak: {verdict}; {'short' if self.short else 'full'} run {f['elapsed_s']:.0f}s; "
              f"inputs {f['seen']} = results {f['results']} = archived {f['archived']} + failed {f['failed']}; "
              f"duplicates {f['duplicates']}, work left {f['work_left']}, stuck {f['stuck']}, half-read {f['half_read']}, "
              f"unexpected {f['unexpected']}; SIGKILL {f['kills']} ({f['start_kills']} in start-up, {f.get('recovered', 0)} items recovered), "
              f"SIGTERM exit {f.get('sigterm_rc')} in {f.get('sigterm_exit_s', 0):.2f}s, disk-full {f.get('diskfull')}, "
              f"inotify overflow {f.get('inotify_overflow')}, clock {f.get('clock')}; "
              f"RSS {f['rss_early_mb']:.0f}->{f['rss_late_mb']:.0f} MB (peak {f['peak_rss_mb']:.0f}), "
              f"fds {f['fds_early']}->{f['fds_late']}; standing: {f.get('subscriptions')} subscriptions, "
              f"{f.get('watched_versions')} versions, {f.get('standing_runs')} reruns ({f.get('standing_diffs')} with a diff, "
              f"{f.get('standing_not_answered')} not answered)", flush=True)


def main():
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--short", action="store_true", help="CI-sized run")
    p.add_argument("--binary", required=True)
    p.add_argument("--bench", required=True, help="lumiere-bench (for `generate`)")
    p.add_argument("--sample", required=True)
    p.add_argument("--dir", default="/tmp/lumiere-soak")
    p.add_argument("--files", type=int, default=0)
    p.add_argument("--kills", type=int, default=0)
    p.add_argument("--workers", type=int, default=2)
    p.add_argument("--seed", type=int, default=7)
    p.add_argument("--tmpfs-mb", type=int, default=0)
    p.add_argument("--no-mount", action="store_true")
    p.add_argument("--keep", action="store_true", help="keep the spool and log afterwards")
    args = p.parse_args()
    args.binary, args.bench, args.sample = map(os.path.abspath, (args.binary, args.bench, args.sample))
    soak = Soak(args)
    try:
        code = soak.run()
    except KeyboardInterrupt:
        code = 130
    finally:
        d = getattr(soak, "daemon", None)
        if d and d.alive():
            d.kill9()
        if not args.keep and code == 0:
            soak.unmount()
    sys.exit(code)


if __name__ == "__main__":
    main()
