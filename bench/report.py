#!/usr/bin/env python3
"""Prints Mirari's figures next to the peers' and plain C++, with the targets' verdicts.

Arguments: Google Benchmark JSON (graph shapes), Google Benchmark JSON (ingestion),
peers' JSON lines. Ratios above 1 mean Mirari is faster (or smaller)."""
import json
import sys

# figure: (Mirari benchmark, plain C++ benchmark, divisor turning ns/tick into the unit, unit)
FIGURES = {
    "chain_ns_per_node": ("BM_GraphChain", "BM_PlainChain", 1000.0, "ns/node"),
    "fanout_ns_per_node": ("BM_GraphFanout", "BM_PlainFanout", 1000.0, "ns/node"),
    "fanin_us_per_tick": ("BM_GraphFanin", "BM_PlainFanin", 1000.0, "us/tick"),
    "tick_1k_us": ("BM_GraphChains/100", "BM_PlainChains/100", 1000.0, "us/tick"),
    "tick_1m_us": ("BM_GraphChains/100000", "BM_PlainChains/100000", 1000.0, "us/tick"),
}
# figure: minimum speed-up over the faster peer that the targets ask for
TARGETS = {
    "chain_ns_per_node": 3.0,
    "fanout_ns_per_node": 5.0,
    "fanin_us_per_tick": 4.0,
    "tick_1m_us": 5.0,
}


def medians(path):
    out = {}
    for b in json.load(open(path))["benchmarks"]:
        if b.get("aggregate_name", "median") != "median":
            continue
        name = b.get("run_name", b["name"]).replace("/iterations:1", "")
        unit = {"ns": 1.0, "us": 1e3, "ms": 1e6, "s": 1e9}[b.get("time_unit", "ns")]
        out[name] = dict(b, real_ns=b["real_time"] * unit)
    return out


def main():
    graph, ingest = medians(sys.argv[1]), medians(sys.argv[2])
    peers = {}
    for line in open(sys.argv[3]):
        line = line.strip()
        if line:
            p = json.loads(line)
            peers.setdefault(p["figure"], {})[p["peer"]] = p["value"]

    print(f"{'figure':<20}{'mirari':>10}{'react':>10}{'alien':>10}{'plain':>10}"
          f"{'x react':>9}{'x alien':>9}{'/plain':>8}  target")
    results = {}
    for fig, (mine, plain, div, unit) in FIGURES.items():
        m = graph[mine]["real_ns"] / div
        c = graph[plain]["real_ns"] / div
        r = peers.get(fig, {}).get("react")
        a = peers.get(fig, {}).get("alien-signals")
        results[fig] = m
        verdict = ""
        if fig in TARGETS and r and a:
            need = TARGETS[fig]
            best = min(r, a)
            verdict = f"{best / m:.2f}x the faster peer, need {need:.0f}x: " + (
                "met" if best / m >= need else f"missed by {need / (best / m):.2f}x")
        print(f"{fig:<20}{m:>10.3f}{r or 0:>10.3f}{a or 0:>10.3f}{c:>10.3f}"
              f"{(r / m if r else 0):>9.2f}{(a / m if a else 0):>9.2f}{m / c:>8.1f}  {verdict}")
    ratio = results["tick_1m_us"] / results["tick_1k_us"]
    print(f"{'tick 1M / tick 1k':<20}{ratio:>10.2f}  target at most 2.00: "
          + ("met" if ratio <= 2 else f"missed by {ratio / 2:.2f}x"))
    bpn = graph["BM_GraphBytesPerNode"]["bytes_per_node"]
    r, a = peers.get("bytes_per_node", {}).get("react"), peers.get("bytes_per_node", {}).get(
        "alien-signals")
    print(f"{'bytes_per_node':<20}{bpn:>10.1f}{r or 0:>10.1f}{a or 0:>10.1f}{'':>10}"
          f"{(r / bpn if r else 0):>9.2f}{(a / bpn if a else 0):>9.2f}{'':>8}  target at most 128: "
          + ("met" if bpn <= 128 else "missed"))
    rate = ingest["BM_GraphIngest4Threads/500000/manual_time"]["inputs_per_s"]
    print(f"{'inputs/s, 4 threads':<20}{rate / 1e6:>9.2f}M  target at least 5M: "
          + ("met" if rate >= 5e6 else "missed"))


if __name__ == "__main__":
    main()
