#!/usr/bin/env python3
"""What fills the WASM: `twiggy top --format csv` of the browser build (before wasm-opt, with its
names), summed by the crate each function belongs to. Prints the largest as markdown rows."""
import collections
import csv
import re
import sys

rows = csv.DictReader(open(sys.argv[1]))
limit = int(sys.argv[2]) if len(sys.argv) > 2 else 8
by_crate, count, code = collections.Counter(), collections.Counter(), 0
for row in rows:
    name, size = row["Name"], int(row["ShallowSize"])
    if "subsection" in name or name.startswith(("custom section", "data segment", "table[", "elem[")):
        continue
    code += size
    if "hydrate_async" in name:
        # Every view erased to `AnyView` carries an async hydration entry (for lazy routes).
        crate = "tachys: views' hydrate_async"
    else:
        paths = re.findall(r"([a-z_][a-z0-9_]*)(?:\[[0-9a-f]+\])?::", name)
        crate = paths[0] if paths else "(generic, unnamed)"
    by_crate[crate] += size
    count[crate] += 1
for crate, size in by_crate.most_common(limit):
    print(f"| {crate:<40} | {size:>9} | {100 * size / code:5.1f} % | {count[crate]:>6} |")
print(f"| {'all function code':<40} | {code:>9} | 100.0 % | {sum(count.values()):>6} |")
