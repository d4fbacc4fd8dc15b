#!/usr/bin/env python3
"""Prints the network benchmarks' figures (mirari_network_bench's JSON output) with their
ratios to the baselines measured in the same run and each target as met or missed (the route
through FRR and BGP has no target: it is reported, with the BGP timers that apply)."""
import json
import sys


def verdict(ok):
    return "met" if ok else "MISSED"


def main(path):
    benchmarks = json.load(open(path))["benchmarks"]
    runs = {b["name"].split("/")[0]: b for b in benchmarks}
    link = runs.get("BM_LinkToOvs")
    if link:
        print(f"link up -> bridge holds the new set: median {link['total_median_us'] / 1000:.2f} ms, "
              f"p99 {link['total_p99_us'] / 1000:.2f} ms (target median < 5 ms: "
              f"{verdict(link['total_median_us'] < 5000)}); x{link['total_x_bundle']:.2f} the bare "
              f"bundle over OpenFlow ({link['bundle_median_us'] / 1000:.2f} ms; through ovs-ofctl "
              f"{link['ofctl_bundle_median_us'] / 1000:.2f} ms)")
        print(f"  inside Mirari (kernel change -> flows.desired committed): median "
              f"{link['mirari_median_us']:.0f} us, p99 {link['mirari_p99_us']:.0f} us "
              f"(target median < 100 us: {verdict(link['mirari_median_us'] < 100)})")
        print(f"  openflow plugin and switch (flows.desired -> flows.applied committed): median "
              f"{link['plugin_median_us']:.0f} us")
    replaced = sorted((b for b in benchmarks if b["name"].startswith("BM_ReplaceFlows/")),
                      key=lambda b: int(b["name"].split("/")[1]))
    for b in replaced:
        n = int(b["name"].split("/")[1])
        print(f"replace {n:>6} flows in one bundle: plugin {b['plugin_median_ms']:.1f} ms, bare "
              f"bundle {b['bundle_median_ms']:.1f} ms (x{b['plugin_x_bundle']:.2f}), through "
              f"ovs-ofctl {b['ofctl_bundle_median_ms']:.1f} ms")
    if replaced:
        for key, what in (("plugin", "through the plugin"),
                          ("bundle", "the bare bundle over OpenFlow"),
                          ("ofctl_bundle", "the bare bundle through ovs-ofctl")):
            within = [int(b["name"].split("/")[1]) for b in replaced
                      if b[f"{key}_median_ms"] < 100]
            print(f"  largest set replaced within 100 ms, {what}: "
                  f"{max(within) if within else 'none'} flows")
    up = runs.get("BM_ReportToBucket")
    if up:
        print(f"load report -> new instance running with its bucket: median "
              f"{up['up_median_us'] / 1000:.1f} ms, p99 {up['up_p99_us'] / 1000:.1f} ms (target "
              f"median < 50 ms: {verdict(up['up_median_us'] < 50000)}); running at "
              f"{up['running_median_us'] / 1000:.1f} ms; x{up['up_x_spawn']:.0f} a bare posix_spawn "
              f"({up['spawn_median_us']:.0f} us)")
    route = runs.get("BM_AddressToBgp")
    if route:
        print(f"A's address change -> B's kernel holds the new route (proto bgp, the old one gone): "
              f"median {route['total_median_us'] / 1000:.1f} ms, p99 "
              f"{route['total_p99_us'] / 1000:.1f} ms (reported, no target); learnt at "
              f"{route['learn_median_us'] / 1000:.1f} ms, old one withdrawn at "
              f"{route['withdraw_median_us'] / 1000:.1f} ms; C at "
              f"{route['c_median_us'] / 1000:.1f} ms; x{route['total_x_vtysh']:.0f} the bare vtysh "
              f"call ({route['vtysh_median_us'] / 1000:.1f} ms)")
        print(f"  inside Mirari (address change -> routes.desired committed): median "
              f"{route['mirari_median_us']:.0f} us, p99 {route['mirari_p99_us']:.0f} us; -> "
              f"routes.applied committed (A's FRR holds the announcement): median "
              f"{route['applied_median_us'] / 1000:.1f} ms, p99 "
              f"{route['applied_p99_us'] / 1000:.1f} ms")
        print(f"  the routes plugin's pass (routes.desired -> routes.applied, three vtysh calls): "
              f"median {route['pass_median_us'] / 1000:.1f} ms; FRR and BGP (routes.applied -> "
              f"B's kernel): median {route['bgp_median_us'] / 1000:.1f} ms")
        total = route['total_median_us']
        print(f"  BGP timers: eBGP advertisement interval 0 (the fixture's; FRR 8's default too), "
              f"keepalive 1 s, hold 3 s, connect retry 1 s (these three bear on the sessions, "
              f"not on an update), so no BGP timer waits on the path: of the median, FRR and BGP "
              f"take {route['bgp_median_us'] / total:.0%}, the routes plugin's vtysh calls "
              f"{route['pass_median_us'] / total:.0%} (FRR starts during the pass's read back)")


if __name__ == "__main__":
    main(sys.argv[1])
