#!/usr/bin/env bash
# Times heapscope against go tool pprof, plain gzip inflation and ISA-L
# inflation (the fastest inflate here) on synthetic Go heap profiles.
# See bench/README.md.
#
#   bench/run.sh                      all cases: 1mb 20mb 150mb diff trend
#   bench/run.sh 20mb                 one size
#   bench/run.sh --runs 3 --no-pprof-150 1mb 20mb 150mb
set -euo pipefail

usage() {
  cat <<'EOF'
usage: bench/run.sh [options] [CASE...]
  CASE            1mb 20mb 150mb diff trend (default: all; diff and trend run
                  only if `heapscope help` lists those subcommands)
  --runs N        timed runs per tool and case (default 5)
  --pprof-runs N  runs for pprof only (default: same as --runs)
  --no-pprof      do not time pprof at all
  --no-pprof-150  do not time pprof on the 150mb profile (~3 min, ~10 GB a run)
  --no-build      use the binaries already in target/release
  --no-isal       do not time ISA-L inflation (needs pip; installed into
                  bench/out/venv on first use)
  -h, --help      this help
Profiles are generated once into bench/out/ (kept between runs; delete them to
regenerate). Results: bench/out/results-<time>.tsv and a table on stdout.
Env: PPROF (default ../shared/tools/pprof), HEAPSCOPE (default target/release/heapscope).
EOF
}

runs=5
pprof_runs=
no_pprof=0
no_pprof_150=0
build=1
isal=1
cases=()
while (($#)); do
  case $1 in
    --runs) runs=$2; shift ;;
    --pprof-runs) pprof_runs=$2; shift ;;
    --no-pprof) no_pprof=1 ;;
    --no-pprof-150) no_pprof_150=1 ;;
    --no-build) build=0 ;;
    --no-isal) isal=0 ;;
    -h | --help) usage; exit 0 ;;
    1mb | 20mb | 150mb | diff | trend) cases+=("$1") ;;
    *) echo "bench/run.sh: unknown argument: $1" >&2; usage >&2; exit 2 ;;
  esac
  shift
done
((${#cases[@]})) || cases=(1mb 20mb 150mb diff trend)
pprof_runs=${pprof_runs:-$runs}

root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
out=bench/out
hs=${HEAPSCOPE:-target/release/heapscope}
gen=target/release/examples/synth_profile
pprof=${PPROF:-../shared/tools/pprof}
measure=(python3 bench/measure.py)

# ---- build
if ((build)); then
  echo "== building (release)"
  cargo build --release --quiet --bin heapscope --example synth_profile
fi
mkdir -p "$out"

# ---- ISA-L (python-isal's igzip), the fastest inflate on this machine
venv=$out/venv
if ((isal)) && ! "$venv/bin/python" -c 'import isal' 2>/dev/null; then
  echo "== installing python-isal into $venv"
  if ! { python3 -m venv "$venv" && "$venv/bin/pip" install --quiet isal; }; then
    echo "bench/run.sh: could not install isal (pip install isal); timing without it" >&2
    isal=0
  fi
fi

# ---- profiles
# Each size has its own seed. The diff and trend profiles are other snapshots
# of the 20mb profile's program (same functions and locations, other samples).
generate() { # FILE GENERATOR-ARGS...
  local file=$1
  shift
  if [[ ! -s $file ]]; then
    echo "== generating $file"
    "$gen" --out "$file.tmp" "$@"
    mv "$file.tmp" "$file"
  fi
}
profile() { # SIZE -> path, generating it if needed
  local seed
  case $1 in 1mb) seed=1 ;; 20mb) seed=2 ;; 150mb) seed=3 ;; esac
  generate "$out/synth_$1.pb.gz" --size "$1" --seed "$seed" >&2
  echo "$out/synth_$1.pb.gz"
}

has_subcommand() { "$hs" help 2>/dev/null | grep -Eq "^[[:space:]]+$1([[:space:]]|$)"; }

# ---- timing
results=$out/results-$(date +%Y%m%d-%H%M%S).tsv
: >"$results"
errlog=$out/last-stderr.txt

measure() { # CASE TOOL RUN CMD...
  local case=$1 tool=$2 run=$3
  shift 3
  local m wall rss code
  m=$("${measure[@]}" run --stderr "$errlog" -- "$@")
  IFS=$'\t' read -r wall rss code <<<"$m"
  printf '%s\t%s\t%s\t%s\n' "$case" "$tool" "$run" "$m" >>"$results"
  if [[ $code == 0 ]]; then
    printf '   %-14s %-9s run %d: %7.3f s %9d KiB\n' "$case" "$tool" "$run" "$wall" "$rss"
  else
    printf '   %-14s %-9s run %d: exit %s: %s\n' "$case" "$tool" "$run" "$code" "$(head -n1 "$errlog")"
  fi
}

# bench CASE FILES -- HEAPSCOPE-ARGS -- PPROF-ARGS (empty: no pprof)
# Runs the tools alternately, $runs rounds; inflation is `gzip -dc FILES`
# and ISA-L's `python -m isal.igzip -d -c FILES`.
bench() {
  local case=$1
  shift
  local files=() hs_args=() pp_args=()
  while [[ $1 != -- ]]; do files+=("$1"); shift; done
  shift
  while [[ $1 != -- ]]; do hs_args+=("$1"); shift; done
  shift
  pp_args=("$@")
  echo "== $case: ${files[*]}"
  cat "${files[@]}" >/dev/null # warm the page cache
  local r
  for ((r = 1; r <= runs; r++)); do
    measure "$case" heapscope "$r" "$hs" "${hs_args[@]}"
    if ((${#pp_args[@]})) && ((r <= pprof_runs)); then
      measure "$case" pprof "$r" "$pprof" "${pp_args[@]}"
    fi
    measure "$case" inflate "$r" gzip -dc "${files[@]}"
    if ((isal)); then
      measure "$case" isal "$r" "$venv/bin/python" -m isal.igzip -d -c "${files[@]}"
    fi
  done
}

for c in "${cases[@]}"; do
  case $c in
    1mb | 20mb | 150mb)
      f=$(profile "$c")
      pp=(-top "$f")
      if ((no_pprof)) || { [[ $c == 150mb ]] && ((no_pprof_150)); }; then pp=(); fi
      bench "$c" "$f" -- top "$f" -- "${pp[@]}"
      ;;
    diff)
      if ! has_subcommand diff; then
        echo "== diff: skipped (heapscope has no diff subcommand yet)"
        continue
      fi
      a=$(profile 20mb)
      b=$out/synth_20mb_b.pb.gz
      generate "$b" --size 20mb --program-seed 2 --seed 12
      pp=(-top "-diff_base=$a" "$b")
      ((no_pprof)) && pp=()
      bench diff-20mb "$a" "$b" -- diff "$a" "$b" -- "${pp[@]}"
      ;;
    trend)
      if ! has_subcommand trend; then
        echo "== trend: skipped (heapscope has no trend subcommand yet)"
        continue
      fi
      files=()
      for i in 0 1 2 3 4 5 6 7 8 9; do
        f=$out/trend/synth_20mb_t$i.pb.gz
        mkdir -p "$out/trend"
        generate "$f" --size 20mb --program-seed 2 --seed $((100 + i))
        files+=("$f")
      done
      # pprof has no trend report: time only heapscope and inflation
      bench trend-10x20mb "${files[@]}" -- trend "${files[@]}" --
      ;;
  esac
done

python3 bench/measure.py report "$results"
