#!/usr/bin/env bash
# Runs one fuzz target for a while (default 30 minutes) on nightly Rust,
# seeding its corpus first. Needs `cargo install cargo-fuzz` and
# `rustup toolchain install nightly`.
#
#   fuzz/run.sh TARGET [SECONDS]     e.g. fuzz/run.sh http 1800
#
# Targets: decode legacy legacy_go_heap legacy_tcmalloc legacy_jemalloc
# legacy_java elf http. The log ends with libFuzzer's final statistics
# (stat::number_of_executed_units); a crash leaves its input in
# fuzz/artifacts/TARGET/ and a non-zero exit.
#
# -detect_leaks=0: LeakSanitizer reports the scoped inflate thread's
# allocations as leaked when the thread exits during the leak check (a
# false positive); memory growth is bounded by -rss_limit_mb instead.
set -euo pipefail
cd "$(dirname "$0")"
target=${1:?usage: fuzz/run.sh TARGET [SECONDS]}
secs=${2:-1800}
python3 seed.py "$target"
extra=()
# HTTP framing is what the http target adds over decode; whole 100k-frame
# profiles would spend its time in the decoder the decode target covers.
[ "$target" = http ] && extra+=(-max_len=65536)
exec cargo +nightly fuzz run "$target" "corpus/$target" -- \
  -max_total_time="$secs" -detect_leaks=0 -rss_limit_mb=2048 -timeout=10 \
  -print_final_stats=1 "${extra[@]}"
