import json, os, re, sqlite3, sys
HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(HERE))
import lumiere_load as L
allq = {}
for f in ["q1", "q2", "q3", "q4"]:
    ns = {}
    exec(open(os.path.join(HERE, f + ".py")).read(), ns)
    for k, v in ns["Q"].items(): allq.setdefault(k, []).extend(v)
D = os.path.dirname(HERE)
items, problems = [], []
for table, qs in allq.items():
    db, cols = L.load(f"{D}/{table}.csv")
    # the same table with rows in reverse order: a LIMIT whose answer changes is a tie
    rev = sqlite3.connect(":memory:"); rev.create_aggregate("median", 1, L.Median)
    rev.execute(db.execute("select sql from sqlite_master where name='data'").fetchone()[0])
    rev.executemany("INSERT INTO data VALUES (%s)" % ",".join("?"*len(cols)), db.execute("select * from data order by rowid desc").fetchall())
    seen = set()
    for i, (cat, q, sql, extra) in enumerate(qs):
        assert q not in seen, q; seen.add(q)
        item = {"id": f"{table}-{i+1:02d}", "table": table, "question": q, "category": cat,
                "split": "holdout" if len(items) % 3 == 2 else "dev", "expect": "sql" if sql else "refuse", "sql": sql}
        item.update(extra)
        for s in [sql] + extra.get("alt_sql", []):
            if s is None: continue
            try:
                a = db.execute(s).fetchall(); b = rev.execute(s).fetchall()
            except Exception as e:
                problems.append((item["id"], q, s, str(e))); continue
            if not a or all(v is None for r in a for v in r):
                problems.append((item["id"], q, s, "no rows / all null"))
            norm = lambda rows: [tuple(round(v, 6) if isinstance(v, float) else v for v in r) for r in rows]
            if re.search(r"LIMIT", s):
                if sorted(norm(a), key=repr) != sorted(norm(b), key=repr):
                    problems.append((item["id"], q, s, f"tie: {a} vs {b}"))
                elif s == sql and "ORDER BY" in s:
                    item["ordered"] = norm(a) == norm(b)
        items.append(item)
for p in problems: print("PROBLEM", p)
json.dump(items, open(f"{D}/questions.json", "w"), indent=1, ensure_ascii=False)
from collections import Counter
print(len(items), Counter(i["table"] for i in items), Counter(i["split"] for i in items), Counter(i["expect"] for i in items))
print(Counter(i["category"] for i in items))
