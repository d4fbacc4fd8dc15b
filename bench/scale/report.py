#!/usr/bin/env python3
"""Prints mirari_scale_bench's figures for n = 10 .. 10,000, each with its ratio to n = 10,
and whether issue 8's targets are met.

Usage: report.py SCALE.json [--rt RT.json]
  SCALE.json  Google Benchmark JSON of mirari_scale_bench (repetitions: medians are used)
  RT.json     the same for BM_LoadFleet run with its threads at real-time priority (chrt),
              printed as the monitor's figure with the CPU given on time

Targets: per-change latency (median) at n = 10,000 at most 2x that at n = 10 (flat); sync
time and memory per item at n = 10,000 at most 2x those at n = 10 (linear, or better); the
load monitor takes 10,000 instances x 10 Hz with no report refused, on less than one core.
Memory per item is judged on malloc's bytes in use: resident memory moves by 4 KiB pages and
by what the allocator keeps, so at n = 10 its delta is noise (it is shown beside).
"""
import json
import re
import sys

SIZES = [10, 100, 1000, 10000]

# (series title, its short name, benchmark, fixed arguments, [(label, counter, target kind)])
# target kind: "flat" and "linear" both ask the ratio at 10,000 to be at most 2.
SERIES = [
    ("xenstore-watcher, n domains (vif, vbd, data/load)", "xenstore-watcher", "BM_XenFleet", {}, [
        ("sync ms", "sync_ms", None),
        ("sync us/domain", "sync_us_per_item", "linear"),
        ("sync CPU us/domain (process)", "sync_cpu_us_per_item", None),
        ("sync requests/domain", "sync_requests_per_item", None),
        ("heap bytes/domain", "heap_bytes_per_item", "linear"),
        ("RSS KiB/domain", "rss_kib_per_item", None),
        ("data/load write -> tick p50 us", "p50_us", "flat"),
        ("data/load write -> tick p90 us", "p90_us", None),
        ("CPU us/change (graph thread)", "cpu_us_per_change", None),
        ("CPU us/change (process)", "process_cpu_us_per_change", None),
        ("vif backend state -> tick p50 us", "backend_p50_us", "flat"),
        ("vif backend state -> tick p90 us", "backend_p90_us", None),
        ("backend CPU us/change (graph thread)", "backend_cpu_us_per_change", None),
        ("backend CPU us/change (process)", "backend_process_cpu_us_per_change", None),
    ]),
    ("net-watcher, n veth links in a namespace", "net-watcher", "BM_LinkFleet", {}, [
        ("sync ms", "sync_ms", None),
        ("sync us/link", "sync_us_per_item", "linear"),
        ("sync CPU us/link (process)", "sync_cpu_us_per_item", None),
        ("heap bytes/link", "heap_bytes_per_item", "linear"),
        ("RSS KiB/link", "rss_kib_per_item", None),
        ("link up/down -> tick p50 us", "p50_us", "flat"),
        ("link up/down -> tick p90 us", "p90_us", None),
        ("CPU us/change (graph thread)", "cpu_us_per_change", None),
        ("CPU us/change (process)", "process_cpu_us_per_change", None),
    ]),
]
LOAD_ROWS = [
    ("reports offered/s", "offered_per_s", None),
    ("reports accepted %", "accepted_pct", None),
    ("reports refused (EAGAIN)", "refused", None),
    ("CPU us/report (graph thread)", "cpu_us_per_report", None),
    ("cores (graph thread)", "cores", None),
    ("waiting for a CPU %", "wait_pct", None),
    ("probe report -> tick p50 us", "p50_us", "flat"),
    ("probe report -> tick p90 us", "p90_us", None),
    ("heap bytes/instance", "heap_bytes_per_item", "linear"),
    ("RSS KiB/instance", "rss_kib_per_item", None),
]


def medians(path):
    """name -> counters of its median (or only) run; name without iterations/manual_time."""
    out = {}
    for b in json.load(open(path))["benchmarks"]:
        if b.get("run_type") == "aggregate" and b.get("aggregate_name") != "median":
            continue
        name = b.get("run_name", b["name"])
        name = re.sub(r"/(iterations:\d+|manual_time)", "", name)
        if b.get("error_occurred"):
            out[name] = {"error": b.get("error_message", "failed")}
        elif name not in out or b.get("aggregate_name") == "median":
            out[name] = b
    return out


def name_of(bench, n, args):
    extra = "".join(f"/{k}:{v}" for k, v in args.items())
    return f"{bench}/n:{n}{extra}"


def fmt(value):
    if value is None:
        return "-"
    if abs(value) >= 10000:
        return f"{value:,.0f}"
    if abs(value) >= 100:
        return f"{value:.0f}"
    if abs(value) >= 1:
        return f"{value:.2f}"
    return f"{value:.3f}"


def verdict(kind, ratio):
    if kind is None or ratio is None:
        return ""
    return ("met" if ratio <= 2 else "MISSED") + f" ({kind}: 10k/10 at most 2)"


def table(title, tag, runs, bench, args, rows, verdicts):
    print(f"\n{title}")
    head = "".join(f"{'n=' + format(n, ','):>11}" for n in SIZES)
    ratios = "".join(f"{'x' + format(n, ','):>8}" for n in SIZES[1:])
    print(f"  {'figure':<34}{head}{ratios}  target")
    errors = {n: runs[name_of(bench, n, args)]["error"] for n in SIZES
              if "error" in runs.get(name_of(bench, n, args), {})}
    for label, counter, kind in rows:
        values = []
        for n in SIZES:
            run = runs.get(name_of(bench, n, args), {})
            values.append(run.get(counter))
        base = values[0]
        rel = [v / base if v is not None and base else None for v in values[1:]]
        line = f"  {label:<34}" + "".join(f"{fmt(v):>11}" for v in values)
        line += "".join(f"{(format(r, '.2f') if r is not None else '-'):>8}" for r in rel)
        v = verdict(kind, rel[-1])
        if v:
            verdicts.append((f"{tag}: {label}", v))
        print(line + ("  " + v if v else ""))
    for n, error in errors.items():
        print(f"  n={n:,}: failed: {error}")


def load_target(run):
    if not run or "error" in run:
        return "not measured"
    ok = run["refused"] == 0 and run["accepted_pct"] >= 100 and run["cores"] < 1
    return ("met" if ok else "MISSED") + (
        f" ({run['accepted_pct']:.2f}% accepted, {run['refused']:.0f} refused, "
        f"{run['cores']:.2f} cores, {run['wait_pct']:.0f}% of the run waiting for a CPU)")


def main():
    runs = medians(sys.argv[1])
    rt = medians(sys.argv[sys.argv.index("--rt") + 1]) if "--rt" in sys.argv else {}
    verdicts = []
    for title, tag, bench, args, rows in SERIES:
        table(title, tag, runs, bench, args, rows, verdicts)
    qlens = sorted({int(m.group(1)) for name in runs
                    for m in [re.search(r"BM_LoadFleet/n:\d+/qlen:(\d+)", name)] if m})
    for qlen in qlens:
        sample = runs.get(name_of("BM_LoadFleet", SIZES[-1], {"qlen": qlen}), {})
        shown = int(sample.get("qlen", qlen)) if "error" not in sample else qlen
        where = "this host's queue" if qlen == 0 else "a namespace's queue"
        table(f"load-monitor, n instances x 10 Hz ({where}: net.unix.max_dgram_qlen={shown})",
              f"load-monitor qlen {shown}", runs, "BM_LoadFleet", {"qlen": qlen}, LOAD_ROWS,
              verdicts)
        verdicts.append((f"load-monitor 10,000 x 10 Hz, qlen {shown}: zero refused, under one core",
                         load_target(sample)))
    for qlen in qlens:
        for name, run in rt.items():
            if name == name_of("BM_LoadFleet", SIZES[-1], {"qlen": qlen}):
                verdicts.append((f"the same at real-time priority (chrt), qlen {int(run.get('qlen', qlen))}",
                                 load_target(run)))
    rates = [(name, run) for name, run in runs.items() if name.startswith("BM_LoadMaxRate")]
    if rates:
        print("\nload-monitor, one sender as fast as the socket takes reports")
        for name, run in sorted(rates):
            if "error" in run:
                print(f"  {name}: failed: {run['error']}")
                continue
            print(f"  qlen {run['qlen']:>4.0f}: {run['reports_per_s']:>10,.0f} reports/s, "
                  f"{run['cpu_us_per_report']:.2f} us CPU/report, {run['cores']:.2f} cores, "
                  f"{run['reports_per_tick']:,.0f} reports/tick; "
                  f"the sender saw EAGAIN {run['eagain_per_s']:,.0f} times/s")
    costs = [(name, run) for name, run in runs.items() if name.startswith("BM_LoadReportCost")]
    if costs:
        print("\nload-monitor, one report's CPU without a fleet's pacing (batches sent at once)")
        for name, run in sorted(costs, key=lambda item: [int(x) for x in re.findall(r"\d+", item[0])]):
            if "error" in run:
                print(f"  {name}: failed: {run['error']}")
                continue
            print(f"  {name.removeprefix('BM_LoadReportCost/')}: {run['cpu_us_per_report']:.2f} us CPU/report, "
                  f"{run['reports_per_tick']:.1f} reports/tick")
    print("\ntargets")
    for what, v in verdicts:
        print(f"  {what:<62} {v}")


if __name__ == "__main__":
    main()
