#!/bin/sh
# Times `heapscope symbolize` on 100k unique addresses of a large binary.
#   bench/symbolize_100k.sh [BINARY ...]
# Default binaries: librustc_driver (~150 MB, symbol table only: the
# fallback path) and heapscope's own debug test binary (full DWARF), plus
# node when present. Prints one line per binary: size, addresses,
# wall time and peak RSS of the whole `heapscope symbolize` run.
set -eu
cd "$(dirname "$0")/.."
cargo build --release --quiet --example addr_profile
hs=target/release/heapscope
gen=target/release/examples/addr_profile
n=${N:-100000}
if [ $# -eq 0 ]; then
  set -- $(ls ~/.rustup/toolchains/*/lib/librustc_driver-*.so 2>/dev/null | head -1) \
         $(ls -S target/debug/deps/symbolize-* 2>/dev/null | grep -v '\.d$' | head -1) \
         $(command -v node || true)
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
for bin in "$@"; do
  [ -f "$bin" ] || continue
  "$gen" "$bin" "$n" "$tmp/p.pb.gz" 2>"$tmp/gen.err"
  size=$(du -m "$bin" | cut -f1)
  /usr/bin/time -f '%e s wall, %M KiB peak RSS' "$hs" symbolize "$tmp/p.pb.gz" \
     --binary "$bin" -o "$tmp/out.pb.gz" 2>"$tmp/time.err" || true
  printf '%s (%s MB): %s; %s\n' "$bin" "$size" "$(cat "$tmp/gen.err")" "$(tail -1 "$tmp/time.err")"
  grep -h 'warning' "$tmp/time.err" | cut -c1-200 || true
done
