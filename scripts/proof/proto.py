# proto.py: the Python prototype's way of answering, for scripts/bench to compare with.
#
# The prototype (../shared/seed) read the uploaded CSV with pandas.read_csv and ran the
# generated SQL over it with pandasql.sqldf, per question. This does exactly that for each
# (csv, sql) pair given as JSON on stdin: {"jobs": [{"csv": ..., "sql": ..., "reps": n}],
# "read_only": [csv, ...]}. Output (stdout, JSON): per job the wall seconds of each
# repetition (read_csv + sqldf) and the row count; per read_only file the read_csv seconds.
# Failure modes: a job whose SQL pandasql cannot run gets "error" instead of times.

import json
import sys
import time
import warnings

warnings.filterwarnings("ignore")
import pandas as pd  # noqa: E402
from pandasql import sqldf  # noqa: E402


def main():
    spec = json.load(sys.stdin)
    out = {"jobs": [], "read_only": [], "versions": {"pandas": pd.__version__}}
    for job in spec.get("jobs", []):
        times, rows, error = [], None, None
        for _ in range(job.get("reps", 1)):
            t0 = time.perf_counter()
            # pandasql finds the tables to load by matching names after FROM/JOIN, and
            # misses a quoted "data"; the prototype's SQL named it bare.
            sql = job["sql"].replace('FROM "data"', "FROM data")
            try:
                data = pd.read_csv(job["csv"])
                result = sqldf(sql, {"data": data})
            except Exception as e:  # the prototype answered such questions with an error
                error = f"{type(e).__name__}: {str(e)[:200]}"
                break
            times.append(time.perf_counter() - t0)
            rows = len(result)
        out["jobs"].append({"sql": job["sql"], "csv": job["csv"], "seconds": times, "rows": rows, "error": error})
    for path in spec.get("read_only", []):
        t0 = time.perf_counter()
        n = len(pd.read_csv(path))
        out["read_only"].append({"csv": path, "seconds": time.perf_counter() - t0, "rows": n})
    json.dump(out, sys.stdout)


if __name__ == "__main__":
    main()
