#!/usr/bin/env bash
# Times several heapscope binaries against each other on the synthetic
# profiles of bench/run.sh (which generates them into bench/out/), running
# the binaries in turn in each round so that a change of machine load hits
# them all alike. Prints the median wall time and peak RSS of `top`.
#
#   bench/compare.sh [--runs N] [--sizes "20mb 150mb"] BIN...
#
# e.g. the glibc build against the static one (scripts/dist.sh):
#   bench/compare.sh target/release/heapscope target/dist/heapscope
set -euo pipefail
runs=7
sizes="20mb 150mb"
while (($#)); do
  case $1 in
    --runs) runs=$2; shift 2 ;;
    --sizes) sizes=$2; shift 2 ;;
    *) break ;;
  esac
done
if (($# == 0)); then
  echo "usage: bench/compare.sh [--runs N] [--sizes \"20mb 150mb\"] BIN..." >&2
  exit 2
fi
root=$(cd "$(dirname "$0")/.." && pwd)
results=$(mktemp)
trap 'rm -f "$results"' EXIT
for size in $sizes; do
  f=$root/bench/out/synth_$size.pb.gz
  [[ -s $f ]] || { echo "$f missing: run bench/run.sh --no-pprof --runs 1 $size first" >&2; exit 2; }
  cat "$f" >/dev/null # warm the page cache
  for ((r = 1; r <= runs; r++)); do
    for b in "$@"; do
      m=$(python3 "$root/bench/measure.py" run -- "$b" top "$f")
      printf '%s\t%s\t%s\n' "$size" "$b" "$m" >>"$results"
    done
  done
done
python3 - "$results" <<'PY'
import statistics, sys
rows = {}
for line in open(sys.argv[1]):
    size, b, wall, rss, code = line.rstrip("\n").split("\t")
    if code != "0":
        sys.exit(f"{b} on {size}: exit {code}")
    rows.setdefault((size, b), []).append((float(wall), int(rss)))
print(f"{'profile':8} {'binary':40} {'runs':>4} {'median wall':>12} {'min wall':>9} {'median RSS':>11}")
for (size, b), v in rows.items():
    w = statistics.median(x[0] for x in v)
    m = min(x[0] for x in v)
    r = statistics.median(x[1] for x in v)
    print(f"{size:8} {b:40} {len(v):4} {w:11.3f}s {m:8.3f}s {r / 1024:9.0f}MiB")
PY
