#!/bin/sh
# Rebuilds the symbolization fixtures in this folder from the shared corpus
# (../../../shared/corpus relative to this folder, or $CORPUS).
#
#   rust_heap_demo.debug  the corpus's rust_heap_demo (built from
#                         ../src/rust_jemalloc with `cargo build --release`,
#                         debug = 2), shrunk from 22 MB to ~4 MB: only the
#                         debug sections, symbols and program headers are
#                         kept (objcopy --only-keep-debug), the location lists
#                         and macro info (unused by symbolization) are dropped
#                         and DWARF is zstd-compressed. The build ID is
#                         unchanged, so it still matches ../rust_jemalloc.pb.gz.
#   heapdemo_pie, heapdemo_nopie
#                         the corpus's gperftools binaries, as they are
#                         (g++ -g -O2 of heapdemo.cc, PIE and -no-pie).
#   gperftools_pie.pb.gz, gperftools_nopie.pb.gz
#                         the gperftools 2.10 legacy heap profiles converted to
#                         profile.proto by pprof without symbolizing.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
corpus=${CORPUS:-$here/../../../shared/corpus}
pprof=${PPROF:-$corpus/../tools/pprof}
objcopy --only-keep-debug \
  --remove-section=.debug_loc --remove-section=.debug_macro \
  --remove-section=.debug_gdb_scripts --remove-section=.debug_aranges \
  --compress-debug-sections=zstd \
  "$corpus/rust_jemalloc/rust_heap_demo" "$here/rust_heap_demo.debug"
cp "$corpus/gperftools/heapdemo_pie" "$corpus/gperftools/heapdemo_nopie" "$here/"
chmod u+w "$here/heapdemo_pie" "$here/heapdemo_nopie"
cp "$corpus/cpp_src/heapdemo.cc" "$here/heapdemo.cc"
for p in pie nopie; do
  "$pprof" -proto -symbolize=none "$corpus/gperftools/$p.0001.heap" > "$here/gperftools_$p.pb.gz"
done
