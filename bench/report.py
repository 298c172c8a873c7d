#!/usr/bin/env python3
"""Prints the benchmark table: JMH results (JSON, -rf json) beside reference results (JSON lines), and writes it
as Markdown (--markdown FILE) for the README's "Performance" section.

  python3 bench/report.py --jmh out/jmh-*.json --ref out/ref.jsonl [--markdown bench/results.md] [--header h.txt]

A JMH result becomes a row labelled "<benchmark method> <params other than threads>". Its rate is the `flops`
counter (@AuxCounters) when the benchmark has one, printed in GFLOPS (median over measurement iterations), and
compared with a reference line {"label", "threads", "gflops", "ref"}; ratio = ours / reference (> 1: faster).
A benchmark without a flops counter is a time (JMH AverageTime, e.g. MaterStepBench), compared with a reference
line {"label", "threads", "seconds", "ref"}; ratio = reference time / our time (> 1: faster). "ref" names the
reference (numpy, torch); it defaults to numpy. Several lines for one benchmark are averaged. Rows without a
reference print "-".
"""
import argparse
import json
import os
import statistics

UNIT_SECONDS = {"s/op": 1.0, "ms/op": 1e-3, "us/op": 1e-6, "ns/op": 1e-9}


def jmh_rows(paths):
    rows = []
    for path in paths:
        with open(path) as f:
            text = f.read().strip()
        if not text:
            continue
        for r in json.loads(text):
            params = dict(r.get("params", {}))
            threads = int(params.pop("threads", 1))
            method = r["benchmark"].rsplit(".", 1)[-1]
            label = " ".join([method] + [params[key] for key in sorted(params)])
            metric = r.get("secondaryMetrics", {}).get("flops")
            if metric is not None:
                raw = [x for fork in metric.get("rawData", []) for x in fork]
                rate = statistics.median(raw) if raw else metric["score"]
                rows.append({"label": label, "threads": threads, "gflops": rate / 1e9})
                continue
            pm = r["primaryMetric"]
            scale = UNIT_SECONDS.get(pm["scoreUnit"])
            raw = [x for fork in pm.get("rawData", []) for x in fork]
            value = statistics.median(raw) if raw else pm["score"]
            row = {"label": label, "threads": threads, "seconds": value * scale if scale else None,
                   "raw": f"{pm['score']:.4g} {pm['scoreUnit']}"}
            sec = r.get("secondaryMetrics", {})
            gc = sec.get("gc.alloc.rate.norm", sec.get("·gc.alloc.rate.norm"))  # with -prof gc (name per JMH version)
            if gc is not None:
                row["alloc"] = gc["score"]
            rows.append(row)
    return rows


def fmt_time(s):
    return f"{s * 1e3:.1f} ms" if s < 10 else f"{s:.2f} s"


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--jmh", nargs="*", default=[])
    p.add_argument("--ref", nargs="*", default=[])
    p.add_argument("--markdown", help="also write the table as Markdown to this file")
    p.add_argument("--header", help="a text file whose lines (machine, load) go above the Markdown table")
    args = p.parse_args()
    refs = {}
    for path in args.ref:
        if not os.path.exists(path):
            continue
        with open(path) as f:
            for line in f:
                if line.strip():
                    r = json.loads(line)
                    refs.setdefault((r["label"], int(r["threads"])), []).append(r)
    # a reference measured more than once (bench/run.sh times numpy before and after ours, so that a drift in
    # the host's speed hits both sides alike) counts as the mean of its measurements
    for key, rs in refs.items():
        merged = dict(rs[0])
        for field in ("gflops", "seconds"):
            values = [r[field] for r in rs if r.get(field)]
            if values:
                merged[field] = sum(values) / len(values)
        refs[key] = merged
    table = []  # (benchmark, threads, ours, reference, ratio)
    for row in jmh_rows(args.jmh):
        ref = refs.get((row["label"], row["threads"]))
        name = ref.get("ref", "numpy") if ref else ""
        if "gflops" in row:
            ours = f"{row['gflops']:.1f} GFLOPS"
            if ref and ref.get("gflops"):
                other, ratio = f"{ref['gflops']:.1f} GFLOPS ({name})", f"{row['gflops'] / ref['gflops']:.2f}x"
            else:
                other, ratio = "-", "-"
        else:
            ours = fmt_time(row["seconds"]) if row["seconds"] is not None else row["raw"]
            if "alloc" in row:
                ours += f", {row['alloc'] / 2**20:.0f} MiB/op"
            if ref and ref.get("seconds") and row["seconds"]:
                other, ratio = f"{fmt_time(ref['seconds'])} ({name})", f"{ref['seconds'] / row['seconds']:.2f}x"
            else:
                other, ratio = "-", "-"
        table.append((row["label"], str(row["threads"]), ours, other, ratio))
    head = ("benchmark", "threads", "ours", "reference", "ratio")
    widths = [max(len(r[i]) for r in table + [head]) for i in range(5)]
    line = lambda r: "  ".join(c.ljust(w) if i in (0, 2, 3) else c.rjust(w) for i, (c, w) in enumerate(zip(r, widths)))
    print(line(head))
    print("-" * len(line(head)))
    for r in table:
        print(line(r))
    if args.markdown:
        md = []
        if args.header and os.path.exists(args.header):
            with open(args.header) as f:
                md += [l.lstrip("# ").rstrip() + "  " for l in f if l.strip()]
            md.append("")
        md.append("| " + " | ".join(head) + " |")
        md.append("|" + "|".join(["---", "---:", "---:", "---:", "---:"]) + "|")
        md += ["| " + " | ".join(r) + " |" for r in table]
        md.append("")
        md.append("ratio > 1 means ours is faster (GEMM: our GFLOPS / reference GFLOPS; times: reference / ours).")
        tmp = args.markdown + ".tmp"
        with open(tmp, "w") as f:
            f.write("\n".join(md) + "\n")
        os.replace(tmp, args.markdown)


if __name__ == "__main__":
    main()
