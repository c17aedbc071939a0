#!/usr/bin/env bash
# Regenerates tests/golden/list/ (tests/it/list.rs) from the reference implementation,
# `go tool pprof -list` (../shared/tools/pprof, or $PPROF if set), run from testdata/.
# Each line of tests/golden/list/cases.txt: name <TAB> pprof args <TAB> heapscope args.
set -euo pipefail
set -f
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
dir=$root/tests/golden/list
pprof=${PPROF:-$root/../shared/tools/pprof}
[[ -x $pprof ]] || { echo "regen-list-goldens: no pprof at $pprof (or set PPROF)" >&2; exit 2; }
pprof=$(cd "$(dirname "$pprof")" && pwd)/$(basename "$pprof")
export TZ=UTC
cd "$root/testdata"
while IFS=$'\t' read -r name pargs _hargs || [[ -n ${name:-} ]]; do
  [[ -z ${name// /} || $name == \#* ]] && continue
  read -r -a args <<<"$pargs"
  "$pprof" "${args[@]}" > "$dir/$name.txt"
  echo "$name"
done < "$dir/cases.txt"
