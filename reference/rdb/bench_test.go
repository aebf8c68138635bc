package rdb

import (
	"flag"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"sync"
	"testing"

	"github.com/persistbench/persistbench/reference/vfs"
)

// Sizes of the benchmark snapshot. The defaults keep `go test -bench .`
// quick; the figures worth quoting use -rdb.keys=1000000.
var (
	benchKeys  = flag.Int("rdb.keys", 100000, "keys in the benchmark snapshot")
	benchValue = flag.Int("rdb.value", 100, "value size in bytes in the benchmark snapshot")
)

func TestMain(m *testing.M) {
	code := m.Run()
	if benchDir != "" {
		os.RemoveAll(benchDir)
	}
	os.Exit(code)
}

var (
	benchOnce sync.Once
	benchDir  string
	benchFile string
	benchErr  error
)

// benchKey formats key i as "key:%012d" into dst (no allocation).
func benchKey(dst []byte, i int) []byte {
	dst = append(dst[:0], "key:000000000000"...)
	for j := len(dst) - 1; i > 0 && j >= 4; j, i = j-1, i/10 {
		dst[j] = byte('0' + i%10)
	}
	return dst
}

// benchValues are 256 random values of -rdb.value bytes, cycled through.
func benchValues() [][]byte {
	rng := rand.New(rand.NewPCG(3, 3))
	vs := make([][]byte, 256)
	for i := range vs {
		vs[i] = []byte(randomBytes(rng, *benchValue))
	}
	return vs
}

// snapshotFile writes (once per test binary) an uncompressed snapshot of
// -rdb.keys keys through Save on the OS file system.
func snapshotFile(b *testing.B) (string, int64) {
	benchOnce.Do(func() {
		benchDir, benchErr = os.MkdirTemp("", "rdb-bench-")
		if benchErr != nil {
			return
		}
		vs := benchValues()
		_, benchErr = Save(vfs.Default, benchDir, "dump.rdb", Options{}, func(e *Encoder) error {
			if err := e.SelectDB(0, uint64(*benchKeys), 0); err != nil {
				return err
			}
			var k []byte
			for i := range *benchKeys {
				k = benchKey(k, i)
				if err := e.Set(k, vs[i%len(vs)]); err != nil {
					return err
				}
			}
			return nil
		})
		benchFile = filepath.Join(benchDir, "dump.rdb")
	})
	if benchErr != nil {
		b.Fatal(benchErr)
	}
	fi, err := os.Stat(benchFile)
	if err != nil {
		b.Fatal(err)
	}
	return benchFile, fi.Size()
}

// BenchmarkEncode: one op is one Set into an encoder writing to io.Discard;
// allocs/op must stay 0 (no allocation per key).
func BenchmarkEncode(b *testing.B) {
	vs := benchValues()
	text := []byte(fmt.Sprintf("%-*s", *benchValue, "persistbench value persistbench value persistbench value"))
	for _, c := range []struct {
		name     string
		compress bool
		values   [][]byte
	}{
		{"plain", false, vs},
		{"lzf-random", true, vs},
		{"lzf-text", true, [][]byte{text}},
	} {
		b.Run(c.name, func(b *testing.B) {
			enc, err := NewEncoder(io.Discard, Options{Compress: c.compress})
			if err != nil {
				b.Fatal(err)
			}
			var k []byte
			b.SetBytes(int64(len(benchKey(nil, 0)) + *benchValue))
			b.ReportAllocs()
			i := 0
			for b.Loop() {
				k = benchKey(k, i)
				if err := enc.Set(k, c.values[i%len(c.values)]); err != nil {
					b.Fatal(err)
				}
				i++
			}
			b.ReportMetric(float64(i)/b.Elapsed().Seconds(), "keys/s")
			b.ReportMetric(float64(enc.Written())/float64(i), "file-B/key")
		})
	}
}

// BenchmarkDecode: one op loads the whole snapshot from the OS file system
// (page cache warm), CRC verified. MB/s compares with BenchmarkRawRead.
func BenchmarkDecode(b *testing.B) {
	path, size := snapshotFile(b)
	b.SetBytes(size)
	b.ReportAllocs()
	var keys int64
	for b.Loop() {
		info, err := Load(vfs.Default, path, func(k, v []byte, exp int64) error { return nil })
		if err != nil || !info.ChecksumVerified {
			b.Fatalf("load: %v, checksum verified %v", err, info.ChecksumVerified)
		}
		keys += info.Keys
	}
	b.ReportMetric(float64(keys)/b.Elapsed().Seconds(), "keys/s")
}

// BenchmarkRawRead: one op reads the same file sequentially through the
// same FS in reads of the decoder's largest buffer, doing nothing else:
// the ceiling BenchmarkDecode is measured against.
func BenchmarkRawRead(b *testing.B) {
	path, size := snapshotFile(b)
	buf := make([]byte, readBufMax)
	b.SetBytes(size)
	for b.Loop() {
		f, err := vfs.Default.Open(path)
		if err != nil {
			b.Fatal(err)
		}
		var n int64
		for {
			m, err := f.Read(buf)
			n += int64(m)
			if err == io.EOF {
				break
			}
			if err != nil {
				b.Fatal(err)
			}
		}
		f.Close()
		if n != size {
			b.Fatalf("read %d of %d bytes", n, size)
		}
	}
}
