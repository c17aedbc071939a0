#!/usr/bin/env bash
# Builds the static heapscope: one x86_64-unknown-linux-musl executable with
# no dynamic loader and no shared libraries, stripped, into OUT_DIR.
#
#   scripts/dist.sh OUT_DIR
#
# It installs what it needs when missing: Debian's musl-tools (musl-gcc, for
# the C parts of ring and jemalloc) with apt-get, and the Rust target with
# rustup. The build is `cargo build --release --locked` for the musl target,
# with jemalloc as the allocator (Cargo.toml, src/main.rs), symbols and debug
# info left out, and the build machine's paths remapped so that they do not
# end up in the binary. Env: CARGO (default cargo).
set -euo pipefail

if (($# != 1)) || [[ $1 == -* ]]; then
  echo "usage: scripts/dist.sh OUT_DIR" >&2
  exit 2
fi
out=$1
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
target=x86_64-unknown-linux-musl
cargo=${CARGO:-cargo}
max_bytes=$((15 * 1024 * 1024))

# ---- tools
if ! command -v musl-gcc >/dev/null; then
  echo "== installing musl-tools (apt-get)"
  sudo=()
  if (($(id -u) != 0)); then sudo=(sudo); fi
  apt=("${sudo[@]}" apt-get -o DPkg::Lock::Timeout=600 -y -q --no-install-recommends)
  if ! "${apt[@]}" install musl-tools; then
    "${sudo[@]}" apt-get -o DPkg::Lock::Timeout=600 -q update
    "${apt[@]}" install musl-tools
  fi
fi
if ! rustup target list --installed | grep -qx "$target"; then
  echo "== adding the Rust target $target (rustup)"
  rustup target add "$target"
fi

# ---- build
echo "== building heapscope for $target"
cargo_home=${CARGO_HOME:-$HOME/.cargo}
# Unit separator between flags, so that paths with spaces survive.
flags=("--remap-path-prefix=$root=heapscope" "--remap-path-prefix=$cargo_home=cargo")
export CARGO_ENCODED_RUSTFLAGS
CARGO_ENCODED_RUSTFLAGS=$(IFS=$'\x1f'; echo "${flags[*]}")
export CC_x86_64_unknown_linux_musl=musl-gcc
export CARGO_PROFILE_RELEASE_STRIP=symbols
export CARGO_PROFILE_RELEASE_DEBUG=false
"$cargo" build --release --locked --target "$target" --bin heapscope

# ---- check and copy
bin=target/$target/release/heapscope
size=$(stat -c %s "$bin")
if ((size > max_bytes)); then
  echo "scripts/dist.sh: $bin is $size bytes, over the 15 MiB limit" >&2
  exit 1
fi
if command -v file >/dev/null; then
  desc=$(file -b "$bin")
  case $desc in
    *"dynamically linked"* | *interpreter*)
      echo "scripts/dist.sh: $bin is not static: $desc" >&2
      exit 1
      ;;
  esac
fi
mkdir -p "$out"
cp "$bin" "$out/heapscope.tmp.$$"
mv "$out/heapscope.tmp.$$" "$out/heapscope"
echo "== $out/heapscope: $size bytes, $("$out/heapscope" --version)"
if command -v sha256sum >/dev/null; then sha256sum "$out/heapscope"; fi
