#!/usr/bin/env python3
"""Score `npm run cascade -- classify` output (JSONL with label + band) : per-class P/R/F1, macro-F1, confusion."""
import json, sys
rows = []
for line in open(sys.argv[1], encoding='utf-8'):
    line = line.strip()
    if not line.startswith('{'): continue
    rows.append(json.loads(line))
bands = ['simple', 'moderate', 'complex', 'research']
conf = {t: {p: 0 for p in bands} for t in bands}
for r in rows: conf[r['label']][r['band']] += 1
print(f"n={len(rows)}  accuracy={sum(conf[b][b] for b in bands)/len(rows):.3f}")
print("confusion (rows=expected, cols=predicted):")
print(" " * 10 + "".join(b.rjust(10) for b in bands))
for t in bands: print(t.ljust(10) + "".join(str(conf[t][p]).rjust(10) for p in bands))
f1s = []
for b in bands:
    tp = conf[b][b]; fp = sum(conf[t][b] for t in bands) - tp; fn = sum(conf[b].values()) - tp
    p = tp / (tp + fp) if tp + fp else 0.0; r = tp / (tp + fn) if tp + fn else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0; f1s.append(f)
    print(f"{b:10} precision {p:.3f}  recall {r:.3f}  F1 {f:.3f}")
print(f"macro-F1 {sum(f1s)/len(f1s):.3f}")
order = {b: i for i, b in enumerate(bands)}
miss = [r for r in rows if r['band'] != r['label']]
miss.sort(key=lambda r: (-abs(order[r['band']] - order[r['label']]), -r['probs'][r['band']]))
print(f"\nworst mistakes ({len(miss)} total; sorted by band distance, then confidence):")
for r in miss[:int(sys.argv[2]) if len(sys.argv) > 2 else 20]:
    print(f"  {r['label']:9} -> {r['band']:9} p={r['probs'][r['band']]:.2f}  {json.dumps(r['text'][:140], ensure_ascii=False)}")
