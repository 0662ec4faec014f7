#!/usr/bin/env python3
"""Regenerate ../questions.json from questions.py and check every gold query.

Copied from Corpus6/src/build.py (itself a copy of Corpus5's, Corpus4's, Corpus3's and Corpus2's; it uses Corpus2's lumiere_load.py): every gold and
alternative query must run and return a non-null row on the table as Lumiere would store
it, and a LIMIT whose set of rows depends on row order (a tie at the cut) is rejected.
All items are split "check": corpus 7 is a measurement nobody tunes against.
"""
import json, os, re, sqlite3, sys
HERE = os.path.dirname(os.path.abspath(__file__))
D = os.path.dirname(HERE)
sys.path.insert(0, os.path.join(os.path.dirname(D), "Corpus2"))
import lumiere_load as L
ns = {}
exec(open(os.path.join(HERE, "questions.py")).read(), ns)
items, problems = [], []
for table, qs in ns["Q"].items():
    db, cols = L.load(f"{D}/{table}.csv")
    rev = sqlite3.connect(":memory:"); rev.create_aggregate("median", 1, L.Median)
    rev.execute(db.execute("select sql from sqlite_master where name='data'").fetchone()[0])
    rev.executemany("INSERT INTO data VALUES (%s)" % ",".join("?"*len(cols)), db.execute("select * from data order by rowid desc").fetchall())
    seen = set()
    for i, (cat, q, sql, extra) in enumerate(qs):
        assert q not in seen, q; seen.add(q)
        assert (cat == "refuse") == (sql is None), q
        item = {"id": f"{table}-{i+1:02d}", "table": table, "question": q, "category": cat,
                "split": "check", "expect": "sql" if sql else "refuse", "sql": sql}
        item.update(extra)
        for s in [sql] + extra.get("alt_sql", []):
            if s is None: continue
            try:
                a = db.execute(s).fetchall(); b = rev.execute(s).fetchall()
            except Exception as e:
                problems.append((item["id"], q, s, str(e))); continue
            if not a or all(v is None for r in a for v in r):
                problems.append((item["id"], q, s, "no rows / all null"))
            if a == [(0,)]:
                problems.append((item["id"], q, s, "counts nothing"))
            norm = lambda rows: [tuple(round(v, 6) if isinstance(v, float) else v for v in r) for r in rows]
            if re.search(r"LIMIT", s):
                if sorted(norm(a), key=repr) != sorted(norm(b), key=repr):
                    problems.append((item["id"], q, s, f"tie: {a} vs {b}"))
                elif s == sql and "ORDER BY" in s:
                    item["ordered"] = norm(a) == norm(b)
            if "-v" in sys.argv and s == sql: print(item["id"], q, "→", a[:4], "…" if len(a) > 4 else "")
        items.append(item)
for p in problems: print("PROBLEM", p)
json.dump(items, open(f"{D}/questions.json", "w"), indent=1, ensure_ascii=False)
from collections import Counter
print(len(items), Counter(i["table"] for i in items), Counter(i["expect"] for i in items))
print(Counter(i["category"] for i in items))
sys.exit(1 if problems else 0)
