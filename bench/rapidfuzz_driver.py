#!/usr/bin/env python3
"""RapidFuzz as a benchmark peer (bench/lib/rapidfuzz.mjs starts it; not run by hand).

Reads one JSON command per line from the request FIFO, answers one JSON line on the reply FIFO:
  {"op": "set", "name": N, "value": [...]}   keep a list of strings under N (the same words the
                                             strdist side scores, sent once, outside any timing)
  {"op": "cdist", "metric": "levenshtein" | "jaro", "queries": N, "choices": N,
   "workers": W, "rows": bool}               rapidfuzz.process.cdist: one call per query when
                                             rows (one row each), else one call for the matrix;
                                             answers {"checksum": sum of every score, "ns": time,
                                             "cpu_ns": this process's CPU time}
  {"op": "extract", "metric": M, "queries": N, "choices": N, "limit": K}
                                             rapidfuzz.process.extract per query (its top K);
                                             answers {"checksum", "ns", "cpu_ns", "results": per
                                             query [[index, score], ...] best first}
  {"op": "quit"}
The Node side times each command with its own clock (the FIFO round trip is ~0.1 ms, against
runs of tens of milliseconds); "ns" is RapidFuzz's own time, for reference.
"""
import json
import sys
import time

from rapidfuzz.distance import Jaro, JaroWinkler, Levenshtein
from rapidfuzz.process import cdist, extract

SCORERS = {"levenshtein": Levenshtein.distance, "jaro": Jaro.similarity, "jaroWinkler": JaroWinkler.similarity}


def main(request_path, reply_path):
    lists = {}
    with open(request_path, "r", encoding="utf-8") as requests, open(reply_path, "w", encoding="utf-8") as replies:
        for line in requests:
            cmd = json.loads(line)
            op = cmd["op"]
            if op == "quit":
                break
            if op == "set":
                lists[cmd["name"]] = cmd["value"]
                reply = {}
            elif op == "cdist":
                scorer = SCORERS[cmd["metric"]]
                queries, choices, workers = lists[cmd["queries"]], lists[cmd["choices"]], cmd["workers"]
                start, cpu = time.perf_counter_ns(), time.process_time_ns()
                total = 0.0
                if cmd["rows"]:
                    for q in queries:
                        total += float(cdist([q], choices, scorer=scorer, workers=workers).sum(dtype="float64"))
                else:
                    total = float(cdist(queries, choices, scorer=scorer, workers=workers).sum(dtype="float64"))
                reply = {"checksum": total, "ns": time.perf_counter_ns() - start, "cpu_ns": time.process_time_ns() - cpu}
            elif op == "extract":
                scorer = SCORERS[cmd["metric"]]
                queries, choices, limit = lists[cmd["queries"]], lists[cmd["choices"]], cmd["limit"]
                start, cpu = time.perf_counter_ns(), time.process_time_ns()
                results = [extract(q, choices, scorer=scorer, limit=limit) for q in queries]
                ns, cpu_ns = time.perf_counter_ns() - start, time.process_time_ns() - cpu
                # extract on a list gives (choice, score, index)
                out = [[[index, float(score)] for _, score, index in r] for r in results]
                total = sum(score + index for r in out for index, score in r)
                reply = {"checksum": total, "ns": ns, "cpu_ns": cpu_ns, "results": out}
            else:
                reply = {"error": "unknown op " + str(op)}
            replies.write(json.dumps(reply) + "\n")
            replies.flush()


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
