#!/usr/bin/env python3
"""Prints the benchmark table: JMH results (JSON, -rf json) beside reference results (JSON lines).

  python3 bench/report.py --jmh out/jmh-*.json --ref out/numpy.jsonl

A JMH result becomes a row labelled "<benchmark method> <params other than threads>"; its rate is the `flops`
counter (@AuxCounters) when the benchmark has one, printed in GFLOPS (the median over measurement iterations).
A reference line is {"label": ..., "threads": ..., "gflops": ...} with the same label; rows without one print
"-". Benchmarks other than GEMM join the table by following the same two conventions.
"""
import argparse
import json
import statistics


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
            if metric is None:
                rows.append((label, threads, None, r["primaryMetric"]))
                continue
            raw = [x for fork in metric.get("rawData", []) for x in fork]
            rate = statistics.median(raw) if raw else metric["score"]
            rows.append((label, threads, rate / 1e9, None))
    return rows


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--jmh", nargs="*", default=[])
    p.add_argument("--ref", nargs="*", default=[])
    p.add_argument("--ref-name", default="numpy")
    args = p.parse_args()
    refs = {}
    for path in args.ref:
        with open(path) as f:
            for line in f:
                if line.strip():
                    r = json.loads(line)
                    refs[(r["label"], int(r["threads"]))] = r["gflops"]
    rows = jmh_rows(args.jmh)
    width = max([len(r[0]) for r in rows] + [9])
    header = f"{'benchmark':<{width}}  threads  ours GFLOPS  {args.ref_name + ' GFLOPS':>13}  ratio"
    print(header)
    print("-" * len(header))
    for label, threads, ours, other in rows:
        if ours is None:
            print(f"{label:<{width}}  {threads:>7}  {other['score']:.4g} {other['scoreUnit']}")
            continue
        ref = refs.get((label, threads))
        ref_s = f"{ref:13.1f}" if ref else f"{'-':>13}"
        ratio = f"{ours / ref:5.2f}x" if ref else "    -"
        print(f"{label:<{width}}  {threads:>7}  {ours:11.1f}  {ref_s}  {ratio}")


if __name__ == "__main__":
    main()
