package workloads

import (
	"fmt"
	"math/rand/v2"
	"sync/atomic"
)

// Op is one generated operation on the key of index Key.
type Op struct {
	Type OpType
	Key  uint64
}

// Shared is the state the generators of one run share: how many inserts
// were handed out (insert key indexes are records, records+1, …) and the
// cursor of the sequential distribution. Safe for concurrent use.
//
// An insert's index is handed out before the insert is acknowledged, so
// another worker may pick that key for a read while the insert is in
// flight and find it missing; the runner should count such a miss against
// the in-flight insert, not as a loss.
type Shared struct {
	records  uint64
	_        [56]byte // keep the hot counters on their own cache lines
	inserted atomic.Uint64
	_        [56]byte
	cursor   atomic.Uint64
	_        [56]byte
}

// NewShared returns the shared state of a run over records loaded keys
// (indexes 0..records-1). It panics when records < 1.
func NewShared(records int64) *Shared {
	if records < 1 {
		panic(fmt.Sprintf("workloads: NewShared: records must be at least 1, got %d", records))
	}
	return &Shared{records: uint64(records)}
}

// Inserted returns how many insert indexes were handed out.
func (s *Shared) Inserted() int64 { return int64(s.inserted.Load()) }

// Keys returns the number of key indexes in use: records plus Inserted.
func (s *Shared) Keys() int64 { return int64(s.records + s.inserted.Load()) }

// Generator produces the operations of one worker. It is not safe for
// concurrent use; give each worker its own, all sharing one Shared. Next
// and ValueSize do not allocate.
type Generator struct {
	src    rand.PCG
	rng    *rand.Rand
	shared *Shared
	cum    [NumOpTypes]float64 // cumulative mix; an op is the first with u < cum
	keys   keyChooser
	sizes  sizeChooser
}

// NewGenerator returns a generator for s seeded with seed; workers should
// get distinct seeds. Key indexes are counted from shared's record count
// (normally s.Records); a nil shared gets a private NewShared(s.Records).
// It panics when s does not validate.
func (s *Spec) NewGenerator(seed uint64, shared *Shared) *Generator {
	if err := s.Validate(); err != nil {
		panic(err)
	}
	if shared == nil {
		shared = NewShared(s.Records)
	}
	g := &Generator{
		shared: shared,
		keys:   newKeyChooser(s.Keys, shared.records),
		sizes:  newSizeChooser(s.Value.Size),
	}
	g.src.Seed(mix64(seed), mix64(seed^0xda3e39cb94b95bdb))
	g.rng = rand.New(&g.src)
	m := s.Mix.Normalized()
	var acc float64
	last := 0
	for op, w := range m {
		acc += w
		g.cum[op] = acc
		if w > 0 {
			last = op
		}
	}
	for op := last; op < NumOpTypes; op++ {
		g.cum[op] = 2 // beyond any u, whatever the rounding of acc
	}
	return g
}

// Next returns the next operation. An insert takes the next index from
// Shared; the other operations pick an existing index in
// [0, records+Inserted) with the spec's key distribution.
func (g *Generator) Next() Op {
	u := g.rng.Float64()
	t := OpType(0)
	for u >= g.cum[t] {
		t++
	}
	if t == Insert {
		return Op{Type: Insert, Key: g.shared.records + g.shared.inserted.Add(1) - 1}
	}
	n := g.shared.records + g.shared.inserted.Load()
	return Op{Type: t, Key: g.keys.next(g.rng, n, g.shared)}
}

// ValueSize returns the size of the next value to write.
func (g *Generator) ValueSize() int { return g.sizes.next(g.rng) }

// sizeChooser draws value sizes from a SizeDist.
type sizeChooser struct {
	min, span int       // uniform over [min, min+span)
	sizes     []int     // weighted: sizes[i] with cum[i] ...
	cum       []float64 // ... cumulative normalised weights
}

func newSizeChooser(d SizeDist) sizeChooser {
	if len(d.Choices) == 0 {
		return sizeChooser{min: d.Min, span: d.Max - d.Min + 1}
	}
	var sum, acc float64
	for _, c := range d.Choices {
		sum += c.Weight
	}
	s := sizeChooser{sizes: make([]int, len(d.Choices)), cum: make([]float64, len(d.Choices))}
	last := 0
	for i, c := range d.Choices {
		acc += c.Weight
		s.sizes[i], s.cum[i] = c.Size, acc/sum
		if c.Weight > 0 {
			last = i
		}
	}
	for i := last; i < len(s.cum); i++ {
		s.cum[i] = 2 // beyond any u, whatever the rounding of acc
	}
	return s
}

func (s *sizeChooser) next(r *rand.Rand) int {
	if s.sizes == nil {
		if s.span == 1 {
			return s.min
		}
		return s.min + r.IntN(s.span)
	}
	u := r.Float64()
	i := 0
	for u >= s.cum[i] {
		i++
	}
	return s.sizes[i]
}
