package workloads

import "math/rand/v2"

// scrambledItems is the item space of the scrambled zipfian, as in YCSB's
// ScrambledZipfianGenerator (ITEM_COUNT = 10^10): ranks are drawn over it
// and hashed onto the keys, so that hot keys are spread over the key range
// instead of being the first few indexes.
const scrambledItems = 10_000_000_000

// keyChooser picks an existing key index in [0, n) for reads, updates,
// read-modify-writes and deletes. One per Generator; not goroutine-safe.
//
//   - uniform: every key equally likely.
//   - zipfian: YCSB's scrambled zipfian. A rank is drawn over scrambledItems
//     and hashed (FNV-1a 64 of its 8 little-endian bytes, as YCSB's
//     fnvhash64) modulo a capacity; draws that land on a key not inserted
//     yet are drawn again. The capacity starts at the loaded record count
//     and doubles whenever the keys outgrow it, so which keys are hot stays
//     fixed while inserts fill the capacity (a plain "hash mod n" would
//     re-deal the hot keys on every insert). YCSB does the same with a
//     capacity of records plus expected inserts.
//   - latest: YCSB's SkewedLatestGenerator: a zipfian rank over all n keys
//     counted back from the newest, so recently inserted keys are hottest.
//   - sequential: keys 0, 1, 2, … wrapping at n, one cursor shared by all
//     the generators of a run so that together they walk the keys in order.
//   - hotspot: YCSB's HotspotIntegerGenerator: the lowest hot-fraction of
//     the indexes get hot-ops of the operations, uniformly; the rest get
//     the remainder, uniformly.
type keyChooser struct {
	dist        Distribution
	zipf        zipfian
	capacity    uint64
	hotFraction float64
	hotOps      float64
}

func newKeyChooser(k KeyDist, records uint64) keyChooser {
	k = k.withDefaults()
	c := keyChooser{dist: k.Distribution, hotFraction: k.HotFraction, hotOps: k.HotOps}
	switch k.Distribution {
	case Zipfian:
		c.zipf = newZipfian(k.Theta, scrambledItems)
		c.capacity = records
	case Latest:
		c.zipf = newZipfian(k.Theta, records)
	}
	return c
}

// next returns a key index in [0, n); n >= 1.
func (c *keyChooser) next(r *rand.Rand, n uint64, shared *Shared) uint64 {
	switch c.dist {
	case Zipfian:
		return c.scrambled(r, n)
	case Latest:
		c.zipf.resize(n)
		return n - 1 - c.zipf.rank(r.Float64())
	case Sequential:
		return (shared.cursor.Add(1) - 1) % n
	case Hotspot:
		return c.hotspot(r, n)
	}
	return r.Uint64N(n)
}

func (c *keyChooser) scrambled(r *rand.Rand, n uint64) uint64 {
	for c.capacity < n {
		c.capacity *= 2
	}
	for {
		if k := fnv64(c.zipf.rank(r.Float64())) % c.capacity; k < n {
			return k
		}
	}
}

func (c *keyChooser) hotspot(r *rand.Rand, n uint64) uint64 {
	hot := max(uint64(float64(n)*c.hotFraction), 1)
	if hot >= n {
		return r.Uint64N(n)
	}
	if r.Float64() < c.hotOps {
		return r.Uint64N(hot)
	}
	return hot + r.Uint64N(n-hot)
}

// fnv64 is FNV-1a 64 over the 8 little-endian bytes of v.
func fnv64(v uint64) uint64 {
	h := uint64(0xcbf29ce484222325)
	for range 8 {
		h ^= v & 0xff
		h *= 0x100000001b3
		v >>= 8
	}
	return h
}
