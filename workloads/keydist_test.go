package workloads

import (
	"cmp"
	"fmt"
	"math"
	"slices"
	"testing"
)

func TestUniformKeys(t *testing.T) {
	r := testRand(t, 2)
	const n = 1000
	c := newKeyChooser(KeyDist{Distribution: Uniform}, n)
	counts := make([]int, n)
	N := draws(1_000_000)
	for range N {
		counts[c.next(r, n, nil)]++
	}
	checkChiSquare(t, "uniform over 1000 keys", counts, N)
}

func TestHotspotKeys(t *testing.T) {
	r := testRand(t, 3)
	const n = 100_000
	c := newKeyChooser(KeyDist{Distribution: Hotspot, HotFraction: 0.2, HotOps: 0.8}, n)
	N := draws(1_000_000)
	var hot, hotLow, coldLow int
	for range N {
		k := c.next(r, n, nil)
		switch {
		case k >= n:
			t.Fatalf("key %d out of [0, %d)", k, n)
		case k < 20_000:
			hot++
			hotLow += b2i(k < 10_000)
		default:
			coldLow += b2i(k < 60_000)
		}
	}
	checkShare(t, "hot 20% of the keys", hot, N, 0.8, 0)
	checkShare(t, "lower half of the hot keys, of hot draws", hotLow, hot, 0.5, 0)
	checkShare(t, "lower half of the cold keys, of cold draws", coldLow, N-hot, 0.5, 0)
}

// Latest counts zipfian ranks back from the newest key: the newest keys
// get the shares the hottest zipfian ranks get, and an insert makes the
// new key the hottest.
func TestLatestKeys(t *testing.T) {
	r := testRand(t, 4)
	const records = 100_000
	c := newKeyChooser(KeyDist{Distribution: Latest}, records)
	for _, n := range []uint64{records, records + 1, records + 5000} {
		N := draws(500_000)
		var newest, newest1pct int
		for range N {
			k := c.next(r, n, nil)
			if k >= n {
				t.Fatalf("key %d out of [0, %d)", k, n)
			}
			newest += b2i(k == n-1)
			newest1pct += b2i(k >= n-n/100)
		}
		z := newZipfian(0.99, n)
		checkShare(t, fmt.Sprintf("n=%d newest key", n), newest, N, 1/z.zetan, 0)
		checkShare(t, fmt.Sprintf("n=%d newest 1%%", n), newest1pct, N, grayCDF(&z, n/100), 0)
	}
}

// The scrambled zipfian keeps YCSB's skew but spreads the hot keys over the
// whole range instead of the first indexes.
func TestScrambledZipfianKeys(t *testing.T) {
	r := testRand(t, 5)
	const n = 100_000
	c := newKeyChooser(KeyDist{Distribution: Zipfian}, n)
	counts := make([]int, n)
	N := draws(2_000_000)
	for range N {
		counts[c.next(r, n, nil)]++
	}
	byCount := make([]uint64, n)
	for i := range byCount {
		byCount[i] = uint64(i)
	}
	slices.SortFunc(byCount, func(a, b uint64) int { return cmp.Compare(counts[b], counts[a]) })

	// The hottest key is where rank 0 hashes to; its share is rank 0's
	// plus that of every other rank hashing there: exact for the first
	// million ranks, the rest spread evenly.
	z := newZipfian(0.99, scrambledItems)
	hot := fnv64(0) % n
	if byCount[0] != hot {
		t.Errorf("hottest key %d, want %d = fnv64(0) mod %d", byCount[0], hot, n)
	}
	const exact = 1_000_000
	var p float64
	for i := uint64(0); i < exact; i++ {
		if fnv64(i)%n == hot {
			p += grayCDF(&z, i+1) - grayCDF(&z, i)
		}
	}
	p += (1 - grayCDF(&z, exact)) / n
	checkShare(t, "hottest key", counts[hot], N, p, 0)

	// Skew survives: the hottest 1% of keys carry at least what the
	// hottest 1000 ranks of the item space carry.
	var top int
	for _, k := range byCount[:n/100] {
		top += counts[k]
	}
	if floor := grayCDF(&z, n/100); float64(top)/float64(N) < floor-5*math.Sqrt(floor*(1-floor)/float64(N)) {
		t.Errorf("hottest 1%% of keys got %.4f of the draws, want at least %.4f", float64(top)/float64(N), floor)
	}

	// Spread: the 100 hottest keys are uniform over the range (mean n/2,
	// σ = n/√(12·100)), not bunched at the start.
	var sum float64
	for _, k := range byCount[:100] {
		sum += float64(k)
	}
	mean, sigma := sum/100, n/math.Sqrt(12*100)
	if math.Abs(mean-n/2) > 5*sigma {
		t.Errorf("mean index of the 100 hottest keys %.0f, want %d ± %.0f", mean, n/2, 5*sigma)
	}
	if slices.Max(byCount[:100]) < n/2 {
		t.Errorf("the 100 hottest keys all sit in the lower half of the range")
	}
}

// Inserts must not re-deal the hot keys: they stay put while the key count
// grows within the capacity (here 20k, after the first insert).
func TestScrambledZipfianStableUnderInserts(t *testing.T) {
	r := testRand(t, 6)
	const records = 10_000
	c := newKeyChooser(KeyDist{Distribution: Zipfian}, records)
	hottest := func(n uint64, k int) []uint64 {
		counts := map[uint64]int{}
		for range draws(300_000) {
			counts[c.next(r, n, nil)]++
		}
		keys := make([]uint64, 0, len(counts))
		for key := range counts {
			keys = append(keys, key)
		}
		slices.SortFunc(keys, func(a, b uint64) int { return cmp.Compare(counts[b], counts[a]) })
		return keys[:k]
	}
	before := hottest(records+1, 5)
	after := hottest(records+8000, 10)
	for _, k := range before {
		if !slices.Contains(after, k) {
			t.Errorf("hot key %d (of %v at %d keys) is not among the 10 hottest %v at %d keys", k, before, records+1, after, records+8000)
		}
	}
}

func TestSequentialKeys(t *testing.T) {
	shared := NewShared(5)
	spec := &Spec{Name: "seq", Records: 5, Mix: Mix{Read: 1}, Value: ValueSpec{Size: FixedSize(100)},
		Keys: KeyDist{Distribution: Sequential}, Phases: defaultPhases()}
	a, b := spec.NewGenerator(1, shared), spec.NewGenerator(2, shared)
	var got []uint64
	for i := range 12 {
		g := a
		if i%3 == 2 {
			g = b // the cursor is shared: b continues where a stopped
		}
		got = append(got, g.Next().Key)
	}
	want := []uint64{0, 1, 2, 3, 4, 0, 1, 2, 3, 4, 0, 1}
	if !slices.Equal(got, want) {
		t.Errorf("sequential keys %v, want %v", got, want)
	}
}

func TestFNV64(t *testing.T) {
	// FNV-1a 64 of the 8 little-endian bytes, as YCSB's fnvhash64 (before
	// its Math.abs): 0 hashes to the FNV-1a of eight zero bytes.
	if got, want := fnv64(0), uint64(0xa8c7f832281a39c5); got != want {
		t.Errorf("fnv64(0) = %#x, want %#x", got, want)
	}
}
