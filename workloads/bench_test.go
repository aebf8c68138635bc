package workloads

import (
	"math/rand/v2"
	"strconv"
	"testing"
)

// BenchmarkZipfian draws scrambled zipfian keys over 1M records.
func BenchmarkZipfian(b *testing.B) {
	r := rand.New(rand.NewPCG(1, 2))
	c := newKeyChooser(KeyDist{Distribution: Zipfian}, 1_000_000)
	b.ReportAllocs()
	var sink uint64
	for b.Loop() {
		sink += c.next(r, 1_000_000, nil)
	}
	_ = sink
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "draws/s")
}

// BenchmarkGeneratorNext is the per-operation cost a worker pays, for each
// key distribution, with the default preset's mix (10% inserts, so the
// key count grows while it runs).
func BenchmarkGeneratorNext(b *testing.B) {
	for _, d := range []Distribution{Uniform, Zipfian, Latest, Sequential, Hotspot} {
		b.Run(d.String(), func(b *testing.B) {
			s, err := Preset(DefaultWorkload)
			if err != nil {
				b.Fatal(err)
			}
			s.Keys.Distribution = d
			g := s.NewGenerator(1, nil)
			b.ReportAllocs()
			var sink uint64
			for b.Loop() {
				sink += g.Next().Key + uint64(g.ValueSize())
			}
			_ = sink
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "ops/s")
		})
	}
}

func BenchmarkKey(b *testing.B) {
	buf := make([]byte, 0, 32)
	b.ReportAllocs()
	i := uint64(0)
	for b.Loop() {
		buf = Key(buf[:0], i)
		i++
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "keys/s")
}

func BenchmarkEncodeValue(b *testing.B) {
	for _, size := range []int{128, 1024, 8192} {
		b.Run(byteSize(size), func(b *testing.B) {
			buf := make([]byte, 0, size)
			b.SetBytes(int64(size))
			b.ReportAllocs()
			v := uint64(0)
			for b.Loop() {
				buf = EncodeValue(buf[:0], v, v, size, DefaultCompressible)
				v++
			}
		})
	}
}

func BenchmarkCheckValue(b *testing.B) {
	v := EncodeValue(nil, 7, 1, 1024, DefaultCompressible)
	b.SetBytes(int64(len(v)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := CheckValue(7, v); err != nil {
			b.Fatal(err)
		}
	}
}

func byteSize(n int) string {
	if n%1024 == 0 {
		return strconv.Itoa(n/1024) + "KiB"
	}
	return strconv.Itoa(n) + "B"
}
