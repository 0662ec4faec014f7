#!/usr/bin/env python3
"""An approximation of Lumiere's ingest (Sources/LumiereCore/CSV) in Python, used only to
check gold SQL while writing it; Corpus2Tests checks again through the real ingest.

Header trimmed, blank -> column_N. Null tokens (empty, NA, N/A, #N/A, null, None, -) are
NULL in typed columns; in TEXT columns only an empty field is NULL ('NA' stays text).
INTEGER > REAL > BOOLEAN (stored 0/1) > DATE (stored YYYY-MM-DD) > TEXT.
"""
import csv, re, sqlite3, statistics, sys

NULLS = {"", "na", "n/a", "#n/a", "null", "none", "-"}
MONTHS = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]

def as_int(s):
    return re.fullmatch(r"-?(0|[1-9][0-9]*)", s) is not None

def as_real(s):
    return re.fullmatch(r"-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][-+]?[0-9]+)?", s) is not None

def as_bool(s):
    return s.lower() in {"t", "f", "y", "n", "yes", "no", "true", "false"}

def as_date(s):
    m = re.fullmatch(r"(\d{4})[-/](\d{2})[-/](\d{2})", s)
    if m: return f"{m[1]}-{m[2]}-{m[3]}"
    m = re.fullmatch(r"([A-Za-z]{3,})\.? (\d{1,2}),? (\d{4})", s)
    if m and m[1][:3].lower() in MONTHS:
        return f"{m[3]}-{MONTHS.index(m[1][:3].lower())+1:02d}-{int(m[2]):02d}"
    return None

def load(path):
    rows = list(csv.reader(open(path, newline="", encoding="utf-8")))
    header, body = rows[0], rows[1:]
    names = [h.strip() or f"column_{i+1}" for i, h in enumerate(header)]
    types = []
    for i in range(len(names)):
        vals = [r[i].strip() for r in body if r[i].strip().lower() not in NULLS]
        if not vals: t = "TEXT"
        elif all(as_int(v) for v in vals): t = "INTEGER"
        elif all(as_real(v) for v in vals): t = "REAL"
        elif all(as_bool(v) for v in vals): t = "BOOLEAN"
        elif all(len(v) >= 8 and as_date(v) for v in vals): t = "DATE"
        else: t = "TEXT"
        types.append(t)
    db = sqlite3.connect(":memory:")
    db.create_aggregate("median", 1, Median)
    decl = {"INTEGER": "INTEGER", "REAL": "REAL", "BOOLEAN": "INTEGER", "DATE": "TEXT", "TEXT": "TEXT"}
    db.execute("CREATE TABLE data (%s)" % ", ".join(f'"{n}" {decl[t]}' for n, t in zip(names, types)))
    def conv(v, t):
        s = v.strip()
        if t == "TEXT": return None if v == "" else v
        if s.lower() in NULLS: return None
        if t == "INTEGER": return int(s)
        if t == "REAL": return float(s)
        if t == "BOOLEAN": return 1 if s.lower() in {"t", "y", "yes", "true"} else 0
        return as_date(s)
    db.executemany("INSERT INTO data VALUES (%s)" % ",".join("?" * len(names)),
                   [[conv(v, t) for v, t in zip(r, types)] for r in body])
    return db, list(zip(names, types))

class Median:
    def __init__(self): self.v = []
    def step(self, x):
        if x is not None: self.v.append(float(x))
    def finalize(self): return statistics.median(self.v) if self.v else None

if __name__ == "__main__":
    for p in sys.argv[1:]:
        db, cols = load(p)
        print(p, db.execute("select count(*) from data").fetchone()[0], cols)
