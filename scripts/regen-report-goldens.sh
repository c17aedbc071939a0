#!/usr/bin/env bash
# Regenerates the goldens of tests/it/reports.rs and tests/it/filters.rs from the reference
# implementation, `go tool pprof` (../shared/tools/pprof, or $PPROF if set).
#
#   scripts/regen-report-goldens.sh reports     # tests/golden/reports/
#   scripts/regen-report-goldens.sh filters     # tests/golden/filters/
#
# Each folder has a cases.txt, one case per line, fields separated by TABs:
#   golden_name <TAB> pprof args <TAB> heapscope args <TAB> profiles
# (`-` = no args). For each case this runs, from testdata/reports/ with TZ=UTC,
#   pprof <pprof args> <profiles>
# and stores stdout in <golden_name>.txt. The lines pprof prints on stderr about filters
# ("... expression matched no samples", "...:Interpreted '...' as range, not regexp") go to
# <golden_name>.stderr, once each (pprof prints some twice), when there are any.
set -euo pipefail
set -f

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
which=${1:?usage: regen-report-goldens.sh reports|filters}
dir=$root/tests/golden/$which
testdata=$root/testdata/reports
pprof=${PPROF:-$root/../shared/tools/pprof}
if [[ ! -x $pprof ]]; then
  echo "regen-report-goldens: reference pprof not found at $pprof (or set PPROF)" >&2
  exit 2
fi
pprof=$(cd "$(dirname "$pprof")" && pwd)/$(basename "$pprof")
export TZ=UTC
tmp=$(mktemp)
trap 'rm -f "$tmp" "$tmp.err"' EXIT
count=0
set +f
rm -f "$dir"/*.txt.new
for f in "$dir"/*.stderr; do [[ -e $f ]] && rm -f "$f"; done
set -f
while IFS=$'\t' read -r name pargs _hargs profs || [[ -n ${name:-} ]]; do
  [[ -z ${name// /} || $name == \#* ]] && continue
  args=()
  [[ $pargs != - ]] && read -r -a args <<<"$pargs"
  read -r -a files <<<"$profs"
  status=0
  (cd "$testdata" && "$pprof" "${args[@]}" "${files[@]}") >"$tmp" 2>"$tmp.err" || status=$?
  if ((status != 0)); then
    echo "regen-report-goldens: $name: pprof exited with $status:" >&2
    cat "$tmp.err" >&2
    exit 1
  fi
  cat "$tmp" >"$dir/$name.txt"
  if grep -E 'expression matched no samples|as range, not regexp' "$tmp.err" | awk '!seen[$0]++' >"$tmp.err2"; then
    cat "$tmp.err2" >"$dir/$name.stderr"
  fi
  rm -f "$tmp.err2"
  count=$((count + 1))
done <"$dir/cases.txt"
echo "regen-report-goldens: wrote $count goldens to tests/golden/$which" >&2
