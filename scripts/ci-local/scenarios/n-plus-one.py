# Injected regression for local gate runs: the evidence fetch becomes one query per id (N+1).
import re, sys
p = sys.argv[1] + '/src/truthgraph/db/repositories/evidence.ts'
s = open(p).read()
old = "  const { rows } = await db.query<Evidence>(`SELECT ${SELECT_COLUMNS} FROM evidence e WHERE e.id = ANY($1::text[])`, [ids]);\n"
new = ("  const rows: Evidence[] = [];\n"
       "  for (const id of ids) rows.push(...(await db.query<Evidence>(`SELECT ${SELECT_COLUMNS} FROM evidence e WHERE e.id = $1`, [id])).rows);\n")
assert old in s, 'getEvidenceByIds changed: update the injected regression'
open(p, 'w').write(s.replace(old, new))
