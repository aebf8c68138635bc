package workloads

import (
	"fmt"
	"slices"
	"sync"
	"testing"
)

func testSpec(dist Distribution, mix Mix, size SizeDist) *Spec {
	return &Spec{Name: "test", Records: 10_000, Mix: mix, Value: ValueSpec{Size: size, Compressible: 0.5},
		Keys: KeyDist{Distribution: dist}, Phases: defaultPhases()}
}

func TestGeneratorMix(t *testing.T) {
	s, err := Preset("mixed")
	if err != nil {
		t.Fatal(err)
	}
	seed := uint64(7)
	t.Logf("seed %d", seed)
	shared := NewShared(s.Records)
	g := s.NewGenerator(seed, shared)
	N := draws(500_000)
	var counts [NumOpTypes]int
	next := uint64(s.Records)
	for range N {
		op := g.Next()
		counts[op.Type]++
		n := uint64(s.Records) + uint64(shared.Inserted())
		switch {
		case op.Type == Insert && op.Key != next:
			t.Fatalf("insert of key %d, want the next index %d", op.Key, next)
		case op.Type == Insert:
			next++
		case op.Key >= n:
			t.Fatalf("%v of key %d, beyond the %d keys in use", op.Type, op.Key, n)
		}
	}
	for op, c := range counts {
		checkShare(t, OpType(op).String(), c, N, s.Mix[op], 0)
	}
	if got := shared.Inserted(); got != int64(counts[Insert]) || shared.Keys() != s.Records+got {
		t.Errorf("Inserted() = %d, Keys() = %d; %d inserts generated", got, shared.Keys(), counts[Insert])
	}
}

// Concurrent workers (run with -race) hand out every insert index once.
func TestGeneratorConcurrentInserts(t *testing.T) {
	s := testSpec(Zipfian, Mix{Read: 1, Insert: 1}, FixedSize(100))
	shared := NewShared(s.Records)
	const workers, ops = 4, 20_000
	keys := make([][]uint64, workers)
	var wg sync.WaitGroup
	for w := range workers {
		wg.Go(func() {
			g := s.NewGenerator(uint64(w), shared)
			for range ops {
				if op := g.Next(); op.Type == Insert {
					keys[w] = append(keys[w], op.Key)
				}
			}
		})
	}
	wg.Wait()
	all := slices.Concat(keys...)
	slices.Sort(all)
	for i, k := range all {
		if k != uint64(s.Records)+uint64(i) {
			t.Fatalf("insert keys not contiguous from %d: position %d holds %d", s.Records, i, k)
		}
	}
	if int64(len(all)) != shared.Inserted() {
		t.Errorf("%d inserts generated, Inserted() = %d", len(all), shared.Inserted())
	}
}

func TestGeneratorDeterministic(t *testing.T) {
	s := testSpec(Zipfian, Mix{Read: 1, Update: 1, Delete: 1}, SizeDist{Min: 100, Max: 200})
	run := func(seed uint64) []Op {
		g := s.NewGenerator(seed, nil)
		ops := make([]Op, 100)
		for i := range ops {
			ops[i] = g.Next()
			ops[i].Key += uint64(g.ValueSize()) << 40
		}
		return ops
	}
	if !slices.Equal(run(1), run(1)) {
		t.Error("two generators with seed 1 differ")
	}
	if slices.Equal(run(1), run(2)) {
		t.Error("generators with seeds 1 and 2 are equal")
	}
}

func TestValueSizes(t *testing.T) {
	r := testRand(t, 8)
	tests := []struct {
		name string
		d    SizeDist
	}{
		{"fixed", FixedSize(1024)},
		{"uniform", SizeDist{Min: 100, Max: 109}},
		{"weighted", SizeDist{Choices: []SizeChoice{{100, 6}, {1000, 0}, {2000, 3}, {4000, 1}}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := newSizeChooser(tt.d)
			N := draws(200_000)
			counts := map[int]int{}
			for range N {
				counts[c.next(r)]++
			}
			switch {
			case len(tt.d.Choices) > 0:
				var sum float64
				for _, ch := range tt.d.Choices {
					sum += ch.Weight
				}
				for _, ch := range tt.d.Choices {
					checkShare(t, fmt.Sprintf("size %d", ch.Size), counts[ch.Size], N, ch.Weight/sum, 0)
				}
			case tt.d.Min == tt.d.Max:
				if counts[tt.d.Min] != N {
					t.Errorf("fixed size %d: got %v", tt.d.Min, counts)
				}
			default:
				var c []int
				for size := tt.d.Min; size <= tt.d.Max; size++ {
					c = append(c, counts[size])
				}
				if len(counts) != len(c) {
					t.Errorf("sizes outside %d..%d: %v", tt.d.Min, tt.d.Max, counts)
				}
				checkChiSquare(t, "uniform sizes", c, N)
			}
		})
	}
}

func TestGeneratorDoesNotAllocate(t *testing.T) {
	sizes := SizeDist{Choices: []SizeChoice{{100, 1}, {200, 1}}}
	for _, d := range []Distribution{Uniform, Zipfian, Latest, Sequential, Hotspot} {
		g := testSpec(d, Mix{1, 1, 1, 1, 1}, sizes).NewGenerator(1, nil)
		if a := testing.AllocsPerRun(10_000, func() { g.Next(); g.ValueSize() }); a != 0 {
			t.Errorf("%v: %.2f allocations per Next+ValueSize, want 0", d, a)
		}
	}
}

func TestGeneratorPanics(t *testing.T) {
	for name, f := range map[string]func(){
		"NewShared(0)":          func() { NewShared(0) },
		"NewGenerator(invalid)": func() { (&Spec{Name: "bad"}).NewGenerator(1, nil) },
	} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("%s did not panic", name)
				}
			}()
			f()
		}()
	}
}
