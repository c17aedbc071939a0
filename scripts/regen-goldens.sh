#!/usr/bin/env bash
# Regenerates the `top` goldens in tests/golden/top/ from the reference implementation,
# `go tool pprof` (run through ../shared/tools/pprof, or $PPROF if set).
#
# The case list lives in tests/golden/top/cases.txt (also read by tests/it/conformance.rs):
#   golden_name <TAB> pprof args <TAB> heapscope args <TAB> profiles
# For each case this runs, from inside testdata/ and with TZ=UTC (so the `File:` and `Time:`
# header lines match what heapscope prints when the test runs it the same way):
#   pprof -top <pprof args> <profiles>  >  tests/golden/top/<golden_name>.txt
# and fails if pprof exits non-zero or prints no report. Whatever pprof prints on stderr is
# shown (prefixed with the case name) but not stored. Goldens of cases no longer listed are
# removed.
#
# pprof leaves the order of tied rows (equal flat column and equal name, e.g. the per-function
# rows of one file under -files) unspecified: it follows Go map iteration and changes from run
# to run. So that regenerating does not churn the goldens, the node columns (cum, cum%, name) of
# such rows are written in a canonical order: cum descending, then text. tests/it/conformance.rs
# applies the same rule to both sides before comparing (see its module comment).
#
#   scripts/regen-goldens.sh            # all cases
#   scripts/regen-goldens.sh NAME...    # only these cases (no stale-file cleanup)
#   HEAPSCOPE_BLESS=1 cargo test --test it conformance::   # runs this script
set -euo pipefail
set -f # args in cases.txt are split on spaces, never globbed

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
golden_dir=$root/tests/golden/top
cases=$golden_dir/cases.txt
testdata=$root/testdata
pprof=${PPROF:-$root/../shared/tools/pprof}

if [[ ! -x $pprof ]]; then
  echo "regen-goldens: reference pprof not found at $pprof" >&2
  echo "  (it needs the ../shared checkout beside the repo, or PPROF=/path/to/pprof)" >&2
  exit 2
fi
pprof=$(cd "$(dirname "$pprof")" && pwd)/$(basename "$pprof")

export TZ=UTC
only=("$@")
declare -A seen=()
count=0
lineno=0
tmp=$(mktemp)
trap 'rm -f "$tmp" "$tmp.err"' EXIT

# canonicalize FILE CUM_SORTED: rewrites FILE with tied rows in canonical order (see above)
canonicalize() {
  python3 - "$1" "$2" <<'PY'
import re, sys
path, cum_sorted = sys.argv[1], sys.argv[2] == "1"
HEADER = "      flat  flat%   sum%        cum   cum%"
UNITS = {"kB": 1024.0, "MB": 1024.0**2, "GB": 1024.0**3, "TB": 1024.0**4, "PB": 1024.0**5}

def value(tok):
    m = re.match(r"[-0-9.]*", tok)
    try:
        return float(m.group(0)) * UNITS.get(tok[m.end():], 1.0)
    except ValueError:
        return 0.0

def parse(line):
    """-> (prefix, tail, flat, cum, bare name) or None; prefix = flat flat% sum%."""
    pos, toks, split = 0, [], 0
    for k in range(5):
        while pos < len(line) and line[pos] == " ":
            pos += 1
        end = line.find(" ", pos)
        if end < 0:
            return None
        toks.append(line[pos:end])
        pos = end
        if k == 2:
            split = pos
    name = line[pos:].lstrip(" ").rstrip("\n")
    for suffix in (" (partial-inline)", " (inline)"):
        if name.endswith(suffix):
            name = name[: -len(suffix)]
            break
    return line[:split], line[split:], toks[0], toks[3], name

with open(path, encoding="utf-8", newline="") as f:
    lines = f.read().splitlines(keepends=True)
try:
    h = next(i for i, l in enumerate(lines) if l.rstrip("\n") == HEADER)
except StopIteration:
    sys.exit(0)
rows = [parse(l) for l in lines[h + 1:]]
if cum_sorted or any(r is None for r in rows):
    sys.exit(0)
out, i = lines[: h + 1], 0
while i < len(rows):
    j = i + 1
    while j < len(rows) and rows[j][2] == rows[i][2] and rows[j][4] == rows[i][4]:
        j += 1
    run = rows[i:j]
    nodes = sorted(run, key=lambda r: (-value(r[3]), r[1]))
    out += [pos[0] + node[1] for pos, node in zip(run, nodes)]
    i = j
with open(path, "w", encoding="utf-8", newline="") as f:
    f.write("".join(out))
PY
}

selected() {
  local n
  ((${#only[@]} == 0)) && return 0
  for n in "${only[@]}"; do [[ $n == "$1" ]] && return 0; done
  return 1
}

while IFS= read -r line || [[ -n $line ]]; do
  lineno=$((lineno + 1))
  [[ -z ${line//[[:space:]]/} || $line == \#* ]] && continue
  IFS=$'\t' read -r -a fields <<<"$line"
  if ((${#fields[@]} != 4)); then
    echo "regen-goldens: $cases:$lineno: expected 4 TAB-separated fields, got ${#fields[@]}" >&2
    exit 2
  fi
  name=${fields[0]} pargs=${fields[1]} profs=${fields[3]}
  if [[ ! $name =~ ^[A-Za-z0-9_.-]+$ || $name == cases ]]; then
    echo "regen-goldens: $cases:$lineno: bad golden name '$name'" >&2
    exit 2
  fi
  if [[ -n ${seen[$name]:-} ]]; then
    echo "regen-goldens: $cases:$lineno: duplicate golden name '$name'" >&2
    exit 2
  fi
  seen[$name]=1
  selected "$name" || continue

  args=()
  [[ $pargs != - ]] && read -r -a args <<<"$pargs"
  read -r -a files <<<"$profs"

  status=0
  (cd "$testdata" && "$pprof" -top "${args[@]}" "${files[@]}") >"$tmp" 2>"$tmp.err" || status=$?
  if [[ -s $tmp.err ]]; then
    sed "s/^/  [$name] stderr: /" "$tmp.err" >&2
  fi
  if ((status != 0)); then
    echo "regen-goldens: $name: pprof exited with $status" >&2
    exit 1
  fi
  if ! grep -q '^ *flat  flat%   sum%        cum   cum%$' "$tmp"; then
    echo "regen-goldens: $name: pprof printed no top table:" >&2
    cat "$tmp" >&2
    exit 1
  fi
  cum=0
  for a in "${args[@]}"; do [[ $a == -cum || $a == --cum ]] && cum=1; done
  canonicalize "$tmp" "$cum"
  cat "$tmp" >"$golden_dir/$name.txt" # not cp: keep umask permissions, not mktemp's 0600
  count=$((count + 1))
done <"$cases"

if ((${#only[@]} == 0)); then
  set +f
  for f in "$golden_dir"/*.txt; do
    n=$(basename "$f" .txt)
    [[ $n == cases || -n ${seen[$n]:-} ]] && continue
    echo "regen-goldens: removing stale golden $n.txt" >&2
    rm -f "$f"
  done
  set -f
else
  for n in "${only[@]}"; do
    [[ -n ${seen[$n]:-} ]] || { echo "regen-goldens: no case named '$n'" >&2; exit 2; }
  done
fi
echo "regen-goldens: wrote $count goldens to ${golden_dir#"$root"/}" >&2
