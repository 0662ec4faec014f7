# common.py: shared parts of the proof drivers (soak.py, bench.py).
#
# A real `lumiere daemon` child process (start, wait for "daemon started", signals, exit
# status), /proc sampling of its RSS, peak RSS (VmHWM) and open file descriptors, an
# inotify watcher on the outbox (through libc, no third-party module), atomic drops into
# the inbox, and percentiles. Python 3.9+, standard library only.
# Failure modes: DaemonError when the daemon does not start or exits unexpectedly;
# everything else raises the usual OSError.

import ctypes
import ctypes.util
import os
import select
import signal
import struct
import subprocess
import time


class DaemonError(Exception):
    pass


def now():
    return time.monotonic()


def percentile(values, p):
    """Nearest-rank percentile (p in 0..100) of a list; 0 when empty."""
    if not values:
        return 0.0
    s = sorted(values)
    k = max(0, min(len(s) - 1, int(round(p / 100.0 * (len(s) - 1)))))
    return s[k]


def median(values):
    return percentile(values, 50)


def proc_status(pid):
    """(VmRSS kB, VmHWM kB) of a live process, or (0, 0)."""
    rss = hwm = 0
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    rss = int(line.split()[1])
                elif line.startswith("VmHWM:"):
                    hwm = int(line.split()[1])
    except OSError:
        pass
    return rss, hwm


def open_fds(pid):
    try:
        return len(os.listdir(f"/proc/{pid}/fd"))
    except OSError:
        return 0


class Daemon:
    """One `lumiere daemon --spool SPOOL` process at a time; restartable."""

    def __init__(self, binary, spool, log_path, env=None, wrapper=None):
        self.binary = binary
        self.spool = spool
        self.log_path = log_path
        self.base_env = dict(env or {})
        self.wrapper = list(wrapper or [])
        self.proc = None
        self.starts = 0
        self._log_offset = 0

    def env(self, extra):
        e = {k: v for k, v in os.environ.items()
             if not k.startswith("LUMIERE_") and k not in ("NOTIFY_SOCKET", "WATCHDOG_USEC", "WATCHDOG_PID")}
        e.update(self.base_env)
        e.update(extra or {})
        return e

    def start(self, wait=True, extra_env=None, wrapper=None, timeout=60):
        if self.proc and self.proc.poll() is None:
            raise DaemonError("a daemon is already running")
        self._log_offset = os.path.getsize(self.log_path) if os.path.exists(self.log_path) else 0
        log = open(self.log_path, "ab")
        argv = list(self.wrapper if wrapper is None else wrapper) + [self.binary, "daemon", "--spool", self.spool]
        self.proc = subprocess.Popen(argv, env=self.env(extra_env), stdout=log, stderr=log,
                                     stdin=subprocess.DEVNULL, cwd="/")
        log.close()
        self.starts += 1
        if wait:
            self.wait_started(timeout)
        return self.proc.pid

    def log_since_start(self):
        with open(self.log_path, "rb") as f:
            f.seek(self._log_offset)
            return f.read().decode("utf-8", "replace")

    def wait_started(self, timeout=60):
        deadline = now() + timeout
        while now() < deadline:
            if "daemon started" in self.log_since_start():
                return
            if self.proc.poll() is not None:
                raise DaemonError(f"daemon exited with {self.proc.returncode} during start-up:\n"
                                  + self.log_since_start()[-3000:])
            time.sleep(0.02)
        raise DaemonError("daemon did not start within %ds" % timeout)

    @property
    def pid(self):
        return self.proc.pid if self.proc else None

    def alive(self):
        return self.proc is not None and self.proc.poll() is None

    def signal(self, sig):
        if self.alive():
            os.kill(self.proc.pid, sig)

    def wait(self, timeout=120):
        """Exit status (negative: killed by that signal)."""
        try:
            return self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
            raise DaemonError(f"daemon did not exit within {timeout}s")

    def kill9(self):
        self.signal(signal.SIGKILL)
        return self.wait(30)

    def stop(self, timeout=120):
        self.signal(signal.SIGTERM)
        return self.wait(timeout)

    def sample(self):
        """(rss kB, peak kB, fds) of the running daemon."""
        if not self.alive():
            return 0, 0, 0
        rss, hwm = proc_status(self.proc.pid)
        return rss, hwm, open_fds(self.proc.pid)


def drop_bytes(inbox, name, data):
    """Write under a dotfile name, then rename in (the README's way)."""
    tmp = os.path.join(inbox, f".{name}.{os.getpid()}.tmp")
    with open(tmp, "wb") as f:
        f.write(data)
    os.rename(tmp, os.path.join(inbox, name))


# inotify through libc: the outbox is watched for IN_MOVED_TO (results are renamed in).
_libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
IN_MOVED_TO = 0x00000080
IN_CLOSE_WRITE = 0x00000008
IN_Q_OVERFLOW = 0x00004000


class DirWatch:
    """Names renamed into (or closed after writing in) one directory, with arrival times."""

    def __init__(self, path, mask=IN_MOVED_TO | IN_CLOSE_WRITE):
        self.fd = _libc.inotify_init1(os.O_NONBLOCK | os.O_CLOEXEC)
        if self.fd < 0:
            raise OSError(ctypes.get_errno(), "inotify_init1")
        wd = _libc.inotify_add_watch(self.fd, os.fsencode(path), mask)
        if wd < 0:
            raise OSError(ctypes.get_errno(), "inotify_add_watch " + path)
        self.path = path
        self.seen = {}
        self.overflowed = False

    def poll(self, timeout=0.05):
        """Read pending events; returns the names that arrived now."""
        got = []
        r, _, _ = select.select([self.fd], [], [], timeout)
        if not r:
            return got
        while True:
            try:
                buf = os.read(self.fd, 1 << 16)
            except BlockingIOError:
                break
            i = 0
            t = now()
            while i + 16 <= len(buf):
                _wd, mask, _cookie, length = struct.unpack_from("iIII", buf, i)
                name = buf[i + 16:i + 16 + length].rstrip(b"\0").decode("utf-8", "replace")
                i += 16 + length
                if mask & IN_Q_OVERFLOW:
                    self.overflowed = True
                if name and name not in self.seen:
                    self.seen[name] = t
                    got.append(name)
        if self.overflowed:
            # Fall back to listing the directory; arrival times are then "now".
            self.overflowed = False
            t = now()
            for name in os.listdir(self.path):
                if name not in self.seen:
                    self.seen[name] = t
                    got.append(name)
        return got

    def close(self):
        os.close(self.fd)
