#!/usr/bin/env bash
# Real runs for the false-alarm and detection rates of `heapscope check`:
# U processes of the unchanged `gen check` workload (a dozen sites, 48 B to
# 6 MiB objects, default MemProfileRate) and G processes with the site of
# sixteen 4 MiB objects grown by 25%. Every pair of unchanged profiles is
# checked (U*(U-1)/2 pairs), and every (unchanged, grown) pair (U*G).
#
#   testdata/trend/gen/check_rates.sh [U] [G]      (default 40 20)
#
# Needs Go (../shared/tools/pprof --go prints one) and a built heapscope
# (HEAPSCOPE, default target/release/heapscope).
set -euo pipefail
U=${1:-40}
G=${2:-20}
root=$(cd "$(dirname "$0")/../../.." && pwd)
GO=${GO:-$("$root/../shared/tools/pprof" --go)}
HS=${HEAPSCOPE:-$root/target/release/heapscope}
RULES=(--max-node-increase 256KiB --max-increase 5%)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
"$GO" build -o "$work/gen" "$root/testdata/trend/gen/main.go"
for i in $(seq 1 "$U"); do "$work/gen" check -out "$work/u$i.pb.gz"; done
for i in $(seq 1 "$G"); do "$work/gen" check -grow 1.25 -out "$work/g$i.pb.gz"; done
fa=0; n=0
for i in $(seq 1 "$U"); do
  for j in $(seq $((i + 1)) "$U"); do
    n=$((n + 1))
    if ! out=$("$HS" check "$work/u$i.pb.gz" "$work/u$j.pb.gz" "${RULES[@]}"); then
      fa=$((fa + 1))
      echo "$out" >&2
    fi
  done
done
det=0; m=0
for i in $(seq 1 "$U"); do
  for j in $(seq 1 "$G"); do
    m=$((m + 1))
    if ! "$HS" check "$work/u$i.pb.gz" "$work/g$j.pb.gz" "${RULES[@]}" >/dev/null; then
      det=$((det + 1))
    fi
  done
done
echo "real runs: $U unchanged + $G grown processes; rules ${RULES[*]}"
echo "unchanged pairs failing (false alarms): $fa/$n"
echo "changed pairs failing (detected): $det/$m"
