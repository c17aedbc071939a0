#!/usr/bin/env bash
# Times every heapscope command on one synthetic profile against `top` on
# the same profile: issue 17's bound is 2x top's wall time and peak RSS
# (2.5x for diff of two profiles; trend's memory bounded by one profile).
# Prints "command  median-wall  x-top  peak-RSS  x-top" per command.
#
#   bench/commands.sh [--runs N] [--size 20mb|150mb|1mb] [CMD...]
# CMD: names from the list below (default: all). Reports that go to
# stdout (traces, folded: 1.7 GB and 0.7 GB of text on 20 MB) go to
# /dev/null, so their time is building and formatting, not file I/O.
# Profiles come from
# bench/run.sh (run `bench/run.sh --no-pprof --runs 1 20mb diff trend`
# once to generate them). Outputs go to a temporary directory.
set -euo pipefail
runs=3
size=20mb
want=()
while (($#)); do
  case $1 in
    --runs) runs=$2; shift ;;
    --size) size=$2; shift ;;
    -h | --help) sed -n 2,10p "$0"; exit 0 ;;
    *) want+=("$1") ;;
  esac
  shift
done
root=$(cd "$(dirname "$0")/.." && pwd)
hs=${HEAPSCOPE:-$root/target/release/heapscope}
out=$root/bench/out
f=$out/synth_$size.pb.gz
b=$out/synth_${size}_b.pb.gz
[[ -s $f ]] || { echo "$f missing: run bench/run.sh --no-pprof --runs 1 $size first" >&2; exit 2; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
declare -A cmds=(
  [top]="top $f"
  [tree]="tree $f"
  [peek]="peek bytes.growSlice $f"
  [traces]="traces $f"
  [tags]="tags $f"
  [list]="list bytes.growSlice $f"
  [flame]="flame $f -o $tmp/f.svg"
  [folded]="folded $f"
  [graph]="graph $f -o $tmp/g.svg"
  [dot]="graph $f --format dot -o $tmp/g.dot"
  [report]="report $f -o $tmp/r.html"
  [diff]="diff $b $f"
  [trend]="trend $(ls "$out"/trend/synth_${size}_t*.pb.gz 2>/dev/null | tr '\n' ' ')"
)
order=(top tree peek traces tags list flame folded graph dot report diff trend)
((${#want[@]})) || want=("${order[@]}")
cat "$f" "$b" > /dev/null 2>&1 || true
printf '%-8s %10s %6s %12s %6s\n' command wall x-top "peak RSS" x-top
top_wall= top_rss=
for name in top "${want[@]}"; do
  [[ $name == top && -n $top_wall ]] && continue
  args=${cmds[$name]:-}
  [[ -n $args ]] || { echo "unknown command: $name" >&2; exit 2; }
  if [[ $name == diff && ! -s $b ]] || [[ $name == trend && $args == "trend " ]]; then
    echo "$name: profiles missing (bench/run.sh --runs 1 diff trend)"; continue
  fi
  walls=() rsss=()
  for ((i = 0; i < runs; i++)); do
    # shellcheck disable=SC2086
    read -r w r code < <(python3 "$root/bench/measure.py" run -- "$hs" $args)
    ((code == 0)) || { echo "$name: exit $code" >&2; exit 1; }
    walls+=("$w") rsss+=("$r")
  done
  mw=$(printf '%s\n' "${walls[@]}" | sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')
  mr=$(printf '%s\n' "${rsss[@]}" | sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')
  if [[ $name == top ]]; then top_wall=$mw top_rss=$mr; fi
  awk -v n="$name" -v w="$mw" -v r="$mr" -v tw="$top_wall" -v tr="$top_rss" \
    'BEGIN {printf "%-8s %8.3f s %5.2fx %8.1f MiB %5.2fx\n", n, w, w/tw, r/1024, r/tr}'
done
