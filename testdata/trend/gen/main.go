// Command gen makes the heap profiles under testdata/trend: series whose
// shape is known by construction, and pairs of runs of one workload for
// the false-alarm and detection rates of `heapscope check`.
//
//	go run ./testdata/trend/gen series -out DIR [-memprofilerate N]
//	go run ./testdata/trend/gen check  -out FILE [-grow 1.25]
//
// series: 8 rounds; after each round a GC and a heap profile
// (DIR/snap-1.pb.gz ... snap-8.pb.gz). Every site below has its own
// shape across the rounds:
//
//	leakSite     +6 MiB of 4 KiB objects every round, never freed     grows
//	cacheSite    2 KiB objects, +8 MiB a round up to 32 MiB (round 4),
//	             then new entries evict old ones                       plateau
//	sawSite      16 MiB of 64 KiB objects held in odd rounds, freed
//	             in even ones                                          oscillates
//	stepSite     12 MiB of 256 KiB objects allocated once, round 4     step
//	churnSite    a patternless number of 16 KiB objects each round
//	             (churnLevels), the previous round's set freed         churn
//	flatSite     4 MiB of 1 MiB objects allocated at start             flat
//
// check: a steady workload of a dozen sites, objects of 48 B to 6 MiB,
// one heap profile at the end. -grow scales the site of sixteen 4 MiB
// objects (fourMiBSite): -grow 1.25 is a real +25% there (twenty).
// check_rates.sh runs it many times and checks the pairs.
package main

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"runtime/pprof"
	"time"
)

//go:noinline
func leakSite(n, size int) [][]byte {
	out := make([][]byte, n)
	for i := range out {
		out[i] = make([]byte, size)
	}
	return out
}

//go:noinline
func cacheSite(n, size int) [][]byte {
	out := make([][]byte, n)
	for i := range out {
		out[i] = make([]byte, size)
	}
	return out
}

//go:noinline
func sawSite(n, size int) [][]byte {
	out := make([][]byte, n)
	for i := range out {
		out[i] = make([]byte, size)
	}
	return out
}

//go:noinline
func stepSite(n, size int) [][]byte {
	out := make([][]byte, n)
	for i := range out {
		out[i] = make([]byte, size)
	}
	return out
}

//go:noinline
func churnSite(n, size int) [][]byte {
	out := make([][]byte, n)
	for i := range out {
		out[i] = make([]byte, size)
	}
	return out
}

//go:noinline
func flatSite(n, size int) [][]byte {
	out := make([][]byte, n)
	for i := range out {
		out[i] = make([]byte, size)
	}
	return out
}

const (
	KiB = 1 << 10
	MiB = 1 << 20
)

func writeProfile(path string) {
	runtime.GC()
	runtime.GC()
	f, err := os.Create(path)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	if err := pprof.WriteHeapProfile(f); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	f.Close()
}

// The number of live 8 KiB objects of the churn site in each round: no
// trend, no regular swing.
var churnLevels = []int{1750, 3500, 500, 750, 3250, 2250, 250, 1500}

func series(out string) {
	if err := os.MkdirAll(out, 0o755); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	var leak, cache, saw, step, churn, flat [][]byte
	flat = flatSite(4, MiB)
	for round := 1; round <= 8; round++ {
		leak = append(leak, leakSite(6*MiB/(4*KiB), 4*KiB)...)
		fresh := cacheSite(8*MiB/(2*KiB), 2*KiB)
		cache = append(cache, fresh...)
		if max := 32 * MiB / (2 * KiB); len(cache) > max {
			cache = append([][]byte(nil), cache[len(cache)-max:]...)
		}
		if round%2 == 1 {
			saw = sawSite(16*MiB/(64*KiB), 64*KiB)
		} else {
			saw = nil
		}
		if round == 4 {
			step = stepSite(12*MiB/(256*KiB), 256*KiB)
		}
		churn = churnSite(churnLevels[round-1], 16*KiB)
		writeProfile(filepath.Join(out, fmt.Sprintf("snap-%d.pb.gz", round)))
		time.Sleep(150 * time.Millisecond)
	}
	runtime.KeepAlive(leak)
	runtime.KeepAlive(cache)
	runtime.KeepAlive(saw)
	runtime.KeepAlive(step)
	runtime.KeepAlive(churn)
	runtime.KeepAlive(flat)
}

// A dozen sites, each in its own function so each has its own flat node.
//
//go:noinline
func s48(n int) [][]byte {
	size := 48
	out := make([][]byte, n)
	for i := range out {
		out[i] = make([]byte, size)
	}
	return out
}

//go:noinline
func s256(n int) [][]byte {
	size := 256
	out := make([][]byte, n)
	for i := range out {
		out[i] = make([]byte, size)
	}
	return out
}

//go:noinline
func s1k(n int) [][]byte {
	size := KiB
	out := make([][]byte, n)
	for i := range out {
		out[i] = make([]byte, size)
	}
	return out
}

//go:noinline
func s4k(n int) [][]byte {
	size := 4 * KiB
	out := make([][]byte, n)
	for i := range out {
		out[i] = make([]byte, size)
	}
	return out
}

//go:noinline
func s16k(n int) [][]byte {
	size := 16 * KiB
	out := make([][]byte, n)
	for i := range out {
		out[i] = make([]byte, size)
	}
	return out
}

//go:noinline
func s64k(n int) [][]byte {
	size := 64 * KiB
	out := make([][]byte, n)
	for i := range out {
		out[i] = make([]byte, size)
	}
	return out
}

//go:noinline
func s128k(n int) [][]byte {
	size := 128 * KiB
	out := make([][]byte, n)
	for i := range out {
		out[i] = make([]byte, size)
	}
	return out
}

//go:noinline
func s512k(n int) [][]byte {
	size := 512 * KiB
	out := make([][]byte, n)
	for i := range out {
		out[i] = make([]byte, size)
	}
	return out
}

//go:noinline
func s1m(n int) [][]byte {
	size := MiB
	out := make([][]byte, n)
	for i := range out {
		out[i] = make([]byte, size)
	}
	return out
}

//go:noinline
func s2m(n int) [][]byte {
	size := 2 * MiB
	out := make([][]byte, n)
	for i := range out {
		out[i] = make([]byte, size)
	}
	return out
}

//go:noinline
func fourMiBSite(n int) [][]byte {
	size := 4 * MiB
	out := make([][]byte, n)
	for i := range out {
		out[i] = make([]byte, size)
	}
	return out
}

//go:noinline
func s6m(n int) [][]byte {
	size := 6 * MiB
	out := make([][]byte, n)
	for i := range out {
		out[i] = make([]byte, size)
	}
	return out
}

func check(out string, grow float64) {
	var live [][][]byte
	live = append(live, s48(40000), s256(8000), s1k(4000), s4k(1000), s16k(256),
		s64k(64), s128k(32), s512k(8), s1m(4), s2m(2), s6m(1))
	live = append(live, fourMiBSite(int(16*grow+0.5)))
	// Garbage: short-lived objects the profile must not keep.
	for i := 0; i < 200; i++ {
		_ = s4k(100)
	}
	writeProfile(out)
	runtime.KeepAlive(live)
}

func main() {
	if len(os.Args) < 2 {
		fmt.Fprintln(os.Stderr, "usage: gen series|check [flags]")
		os.Exit(2)
	}
	fs := flag.NewFlagSet(os.Args[1], flag.ExitOnError)
	out := fs.String("out", "", "output folder (series) or file (check)")
	rate := fs.Int("memprofilerate", 512*1024, "runtime.MemProfileRate")
	grow := fs.Float64("grow", 1, "scale of the 4 MiB site (check)")
	fs.Parse(os.Args[2:])
	runtime.MemProfileRate = *rate
	if *out == "" {
		fmt.Fprintln(os.Stderr, "-out is required")
		os.Exit(2)
	}
	switch os.Args[1] {
	case "series":
		series(*out)
	case "check":
		check(*out, *grow)
	default:
		fmt.Fprintln(os.Stderr, "unknown mode", os.Args[1])
		os.Exit(2)
	}
}
