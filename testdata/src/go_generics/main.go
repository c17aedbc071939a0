// generics: allocates through generic functions and methods whose type
// arguments are interfaces with methods, functions and structs (so the
// shape names the runtime records carry parentheses and nested brackets),
// and through closures inside generic functions and methods. Every
// allocation is recorded (runtime.MemProfileRate = 1); the heap profile is
// written to the file named by the first argument (default heap.pb.gz).
package main

import (
	"os"
	"runtime"
	"runtime/pprof"
	"strconv"
)

func init() { runtime.MemProfileRate = 1 }

// Iter is an interface type argument with methods: its shape name is
// `go.shape.interface { At() int; Err() error }`.
type Iter[T any] interface {
	At() T
	Err() error
}

type counter struct{ n int }

func (c *counter) At() int    { c.n++; return c.n }
func (c *counter) Err() error { return nil }

var (
	sinkInts   [][]int
	sinkStrs   [][]string
	sinkBoxes  []any
	sinkFuncs  [][]func(int) string
	sinkPairs  []any
	sinkNested [][]byte
)

// New collects n values from an interface-typed iterator.
//
//go:noinline
func New[T any, I Iter[T]](it I, n int) []T {
	out := make([]T, 0, n)
	for i := 0; i < n; i++ {
		out = append(out, it.At())
	}
	if it.Err() != nil {
		return nil
	}
	return out
}

// Map applies f to each element; f's type is a type argument, so its
// shape is `go.shape.func(int) string`.
//
//go:noinline
func Map[T, U any, F ~func(T) U](in []T, f F) []U {
	out := make([]U, len(in))
	for i, v := range in {
		out[i] = f(v)
	}
	return out
}

// Box holds slices of T; Fill allocates through a closure inside a
// generic method.
type Box[T any] struct{ items [][]T }

//go:noinline
func (b *Box[T]) Fill(rounds, size int, gen func(int) T) {
	grow := func(k int) []T {
		s := make([]T, k)
		for i := range s {
			s[i] = gen(i)
		}
		return s
	}
	for i := 0; i < rounds; i++ {
		b.items = append(b.items, grow(size))
	}
}

// Pair has a struct type argument with a function field.
type Pair[K comparable, V any] struct {
	Key K
	Val V
}

// Collect builds pairs through a closure inside a generic function.
//
//go:noinline
func Collect[K comparable, V any](keys []K, val func(K) V) []*Pair[K, V] {
	var out []*Pair[K, V]
	add := func(k K) {
		out = append(out, &Pair[K, V]{Key: k, Val: val(k)})
	}
	for _, k := range keys {
		add(k)
	}
	return out
}

// Nested: a generic function instantiated with a generic interface of a
// generic interface.
//
//go:noinline
func Nested[I Iter[Iter[int]]](it I, n int) [][]byte {
	var out [][]byte
	for i := 0; i < n; i++ {
		if it.Err() == nil {
			out = append(out, make([]byte, 256))
		}
	}
	return out
}

type iterOfIter struct{}

func (iterOfIter) At() Iter[int] { return &counter{} }
func (iterOfIter) Err() error    { return nil }

func main() {
	for i := 0; i < 40; i++ {
		sinkInts = append(sinkInts, New[int, Iter[int]](&counter{}, 512))
	}
	ints := New[int, Iter[int]](&counter{}, 64)
	for i := 0; i < 30; i++ {
		sinkStrs = append(sinkStrs, Map[int, string, func(int) string](ints, strconv.Itoa))
	}
	bi := &Box[int]{}
	bi.Fill(50, 128, func(i int) int { return i * 2 })
	sinkBoxes = append(sinkBoxes, bi)
	bf := &Box[func(int) string]{}
	bf.Fill(20, 64, func(int) func(int) string { return strconv.Itoa })
	sinkBoxes = append(sinkBoxes, bf)
	type cfg struct {
		name string
		f    func() error
	}
	bc := &Box[cfg]{}
	bc.Fill(10, 32, func(i int) cfg { return cfg{name: strconv.Itoa(i)} })
	sinkBoxes = append(sinkBoxes, bc)
	keys := make([]string, 300)
	for i := range keys {
		keys[i] = "k" + strconv.Itoa(i)
	}
	sinkPairs = append(sinkPairs, Collect(keys, func(k string) func() int { return func() int { return len(k) } }))
	sinkPairs = append(sinkPairs, Collect(ints, func(k int) interface{ Len() int } { return nil }))
	sinkNested = Nested[Iter[Iter[int]]](iterOfIter{}, 200)

	runtime.GC()
	out := "heap.pb.gz"
	if len(os.Args) > 1 {
		out = os.Args[1]
	}
	f, err := os.Create(out)
	if err != nil {
		panic(err)
	}
	if err := pprof.Lookup("heap").WriteTo(f, 0); err != nil {
		panic(err)
	}
	if err := f.Close(); err != nil {
		panic(err)
	}
}
