#!/usr/bin/env python3
"""Plain-Python reference of accord's Pareto route search, for timing and cross-checking.

Reads the prepared integer graph that `route_bench --dump FILE` writes (per node the cost,
days and shelf life of arriving there; per leg origin, destination, cost, days, shelf life;
the shelf-life budget; days in tenths) and runs the same exact label setting: reverse Dijkstra
lower bounds on each criterion, best-first expansion by (cost + bound, days + bound), dominance
on (cost, days, shelf) at each node, pruning against the Pareto front found at the target.
No limit on legs (as in the benchmark). Standard library only.

    accord bench logistics --dump /tmp/grid.json --dump-reference /tmp/reference.json
    python3 bench/logistics/pareto_reference.py /tmp/grid.json
    python3 bench/logistics/pareto_reference.py /tmp/reference.json 1000
"""
import bisect
import heapq
import json
import sys
import time

INF = float("inf")


def bounds(n, edges, arrive, target):
    rev = [[] for _ in range(n)]
    for (f, t, c, d, s) in edges:
        ac, ad, ash = arrive[t]
        rev[t].append((f, c + ac, d + ad, s + ash))
    out = []
    for k in range(3):
        dist = [INF] * n
        dist[target] = 0
        heap = [(0, target)]
        while heap:
            dv, v = heapq.heappop(heap)
            if dv > dist[v]:
                continue
            for e in rev[v]:
                nd = dv + e[1 + k]
                if nd < dist[e[0]]:
                    dist[e[0]] = nd
                    heapq.heappush(heap, (nd, e[0]))
        out.append(dist)
    return out


def pareto(n, edges, arrive, budget, source, target):
    adj = [[] for _ in range(n)]
    for (f, t, c, d, s) in edges:
        adj[f].append((t, c, d, s))
    hc, hd, hs = bounds(n, edges, arrive, target)
    front_cost, front_days = [], []  # the target's front, by increasing cost

    def beaten(c, d):
        k = bisect.bisect_right(front_cost, c)
        return k > 0 and front_days[k - 1] <= d

    c0, d0, s0 = arrive[source]
    if hc[source] == INF or s0 + hs[source] > budget:
        return [], 0
    # label: [cost, days, shelf, node, alive]
    labels = [[c0, d0, s0, source, True]]
    at = [[] for _ in range(n)]
    at[source].append(0)
    heap = [(c0 + hc[source], d0 + hd[source], 0)]
    while heap:
        fc, fd, i = heapq.heappop(heap)
        cost, days, shelf, v, alive = labels[i]
        if not alive or beaten(fc, fd):
            continue
        if v == target:
            k = bisect.bisect_left(front_cost, cost)
            front_cost.insert(k, cost)
            front_days.insert(k, days)
            while k + 1 < len(front_cost) and front_days[k + 1] >= days:
                del front_cost[k + 1]
                del front_days[k + 1]
            continue
        for (w, c, d, s) in adj[v]:
            if hc[w] == INF:
                continue
            ac, ad, ash = arrive[w]
            ns = shelf + s + ash
            if ns + hs[w] > budget:
                continue
            nc, nd = cost + c + ac, days + d + ad
            gc, gd = nc + hc[w], nd + hd[w]
            if beaten(gc, gd):
                continue
            keep = []
            dominated = False
            for j in at[w]:
                o = labels[j]
                if o[0] <= nc and o[1] <= nd and o[2] <= ns:
                    dominated = True
                    break
                if nc <= o[0] and nd <= o[1] and ns <= o[2]:
                    o[4] = False
                else:
                    keep.append(j)
            if dominated:
                continue
            keep.append(len(labels))
            at[w] = keep
            labels.append([nc, nd, ns, w, True])
            heapq.heappush(heap, (gc, gd, len(labels) - 1))
    return list(zip(front_cost, front_days)), len(labels)


def main():
    doc = json.load(open(sys.argv[1]))
    g = doc["graph"]
    arrive = [tuple(x) for x in g["nodes"]]
    edges = [tuple(e) for e in g["edges"]]
    budget = g["budget"]
    runs = int(sys.argv[2]) if len(sys.argv) > 2 else 3
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        front, labels = pareto(len(arrive), edges, arrive, budget, doc["source"], doc["target"])
        times.append(time.perf_counter() - t)
    times.sort()
    print(f"{len(arrive)} nodes, {len(edges)} feasible legs: {len(front)} Pareto routes, {labels} labels")
    if front:
        print(f"cheapest {front[0][0] / 100:.2f} in {front[0][1] / 10} days; fastest {front[-1][0] / 100:.2f} in {front[-1][1] / 10} days")
    print(f"search (bounds + labels): median {times[len(times) // 2] * 1000:.3f} ms, min {times[0] * 1000:.3f} ms over {runs} runs")


if __name__ == "__main__":
    main()
