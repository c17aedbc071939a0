#!/usr/bin/env bash
# Regenerates the legacy-format `top` goldens in tests/golden/legacy/ from the reference
# implementation, `go tool pprof` (../shared/tools/pprof, or $PPROF if set).
#
# Cases: tests/golden/legacy/cases.txt (also read by tests/it/legacy.rs), one per line:
#   name <TAB> pprof args <TAB> heapscope args <TAB> profile for pprof <TAB> profile for heapscope
# `-` means no arguments; `@corpus/` stands for ../shared/corpus/. pprof runs from the repo root as
#   pprof -top -symbolize=none <pprof args> <profile>   >   tests/golden/legacy/<name>.txt
# and only the lines from "Showing nodes" on are kept (the header names the file, which differs).
# For jemalloc's own heap_v2 dumps, which pprof cannot read, pprof is given the same dump rewritten
# into pprof's legacy layout by ../shared/corpus/tools/jeheap2legacy.py (corpus jemalloc_c/converted/).
set -euo pipefail
set -f

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
dir=$root/tests/golden/legacy
pprof=${PPROF:-$root/../shared/tools/pprof}
corpus=$root/../shared/corpus
if [[ ! -x $pprof ]]; then
  echo "regen-legacy-goldens: reference pprof not found at $pprof (set PPROF=...)" >&2
  exit 2
fi
cd "$root"
n=0
while IFS=$'\t' read -r name pargs _hargs pprof_profile _hprofile; do
  [[ -z $name || $name == \#* ]] && continue
  [[ $pargs == - ]] && pargs=
  prof=${pprof_profile/#@corpus/$corpus}
  # shellcheck disable=SC2086
  if ! out=$("$pprof" -top -symbolize=none $pargs "$prof" 2>/dev/null); then
    echo "regen-legacy-goldens: pprof failed on $name" >&2
    exit 1
  fi
  printf '%s\n' "$out" | sed -n '/^Showing nodes/,$p' > "$dir/$name.txt"
  if [[ ! -s $dir/$name.txt ]]; then
    echo "regen-legacy-goldens: pprof printed no report for $name" >&2
    exit 1
  fi
  n=$((n + 1))
done < "$dir/cases.txt"
echo "regen-legacy-goldens: wrote $n goldens"

# Then, if a built heapscope is at hand ($HEAPSCOPE, else target/release/heapscope), check that
# pprof reading `heapscope convert`'s output prints every golden: the bridge into pprof works.
hs=${HEAPSCOPE:-$root/target/release/heapscope}
if [[ -x $hs ]]; then
  tmp=$(mktemp -d)
  trap 'rm -rf "$tmp"' EXIT
  bad=0
  while IFS=$'\t' read -r name pargs _hargs _pprof_profile hprofile; do
    [[ -z $name || $name == \#* ]] && continue
    [[ $pargs == - ]] && pargs=
    prof=${hprofile/#@corpus/$corpus}
    "$hs" convert "$prof" -o "$tmp/c.pb.gz"
    # shellcheck disable=SC2086
    if ! "$pprof" -top -symbolize=none $pargs "$tmp/c.pb.gz" 2>/dev/null | sed -n '/^Showing nodes/,$p' \
        | cmp -s - "$dir/$name.txt"; then
      echo "regen-legacy-goldens: pprof on the converted $name differs from the golden" >&2
      bad=1
    fi
  done < "$dir/cases.txt"
  [[ $bad == 0 ]] && echo "regen-legacy-goldens: pprof reads every converted profile the same"
  exit $bad
fi
