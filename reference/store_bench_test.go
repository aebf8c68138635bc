package reference

import (
	"bufio"
	"flag"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"golang.org/x/sys/unix"

	"github.com/persistbench/persistbench/reference/aof"
	"github.com/persistbench/persistbench/reference/vfs"
)

var recoveryKeys = flag.Int("recovery-keys", 500_000, "BenchmarkRecovery: keys of 100-byte values in the files recovered")

// BenchmarkRecovery measures recovery through OpenStore — dump.rdb (rdb),
// an AOF of SET records (aof), an AOF whose base is an RDB (preamble) —
// read cold (the files dropped from the page cache first, as after a power
// cut), against a raw sequential read of the same files, cold too, and
// against redis-server loading the same directory when it is installed
// (from its start until it answers PING, which it does only once loaded).
// The snapshot's cost to clients is BenchmarkSnapshot's.
//
//	go test ./reference -run '^$' -bench Recovery -benchtime 3x [-recovery-keys N]
func BenchmarkRecovery(b *testing.B) {
	for _, tc := range []struct {
		name  string
		p     Persistence
		redis []string
	}{
		{"rdb", Persistence{Save: fastSave, RDBCompression: true}, []string{"--appendonly", "no"}},
		{"aof", aofPersistence(aof.FsyncNo, false), []string{"--appendonly", "yes"}},
		{"preamble", aofPersistence(aof.FsyncNo, true), []string{"--appendonly", "yes"}},
	} {
		b.Run(tc.name, func(b *testing.B) {
			dir := b.TempDir()
			files, bytes := writeRecoveryFiles(b, dir, tc.p, *recoveryKeys)
			mb := float64(bytes) / 1e6
			var keys int64
			for b.Loop() {
				b.StopTimer()
				dropCache(b, files)
				b.StartTimer()
				s, err := OpenStore(dir, Options{}, tc.p)
				if err != nil {
					b.Fatal(err)
				}
				keys = s.Len()
				b.StopTimer()
				s.Close()
				b.StartTimer()
			}
			load := b.Elapsed().Seconds() / float64(b.N)
			if keys != int64(*recoveryKeys) {
				b.Fatalf("recovered %d keys, wrote %d", keys, *recoveryKeys)
			}
			raw := rawRead(b, files)
			b.ReportMetric(mb/load, "MB/s")
			b.ReportMetric(mb/raw, "raw-MB/s")
			b.ReportMetric(raw/load, "x-raw")
			b.ReportMetric(mb, "MB")
			if rs, ok := redisLoad(b, dir, files, tc.redis); ok {
				b.ReportMetric(mb/rs, "redis-MB/s")
				b.ReportMetric(rs/load, "x-redis")
			}
		})
	}
}

// writeRecoveryFiles writes n keys of 100 random-ish bytes through a Store
// in dir (with a rewrite half way for an AOF, a BGSave for rdb), closes it
// and returns the files recovery reads and their size.
func writeRecoveryFiles(b *testing.B, dir string, p Persistence, n int) ([]string, int64) {
	b.Helper()
	p.RewritePercent, p.Save = 0, nil // one rewrite or snapshot, where this function says
	s, err := OpenStore(dir, Options{}, p)
	if err != nil {
		b.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(1, 2))
	value := make([]byte, 100)
	var k []byte
	for i := range n {
		for j := range value {
			value[j] = byte('a' + rng.IntN(16)) // half the entropy: LZF has something to do
		}
		k = benchKey(k[:0], i)
		if err := s.Set(k, value); err != nil {
			b.Fatal(err)
		}
		if i == n/2 && p.AOF {
			if err := s.BGRewriteAOF(); err != nil {
				b.Fatal(err)
			}
			waitChild(b, s)
		}
	}
	if !p.AOF {
		if err := s.BGSave(); err != nil {
			b.Fatal(err)
		}
		waitChild(b, s)
	}
	if err := s.Close(); err != nil {
		b.Fatal(err)
	}
	var files []string
	var size int64
	err = filepath.Walk(dir, func(path string, fi os.FileInfo, err error) error {
		if err != nil || fi.IsDir() || strings.HasSuffix(path, ".manifest") {
			return err
		}
		files = append(files, path)
		size += fi.Size()
		return nil
	})
	if err != nil {
		b.Fatal(err)
	}
	return files, size
}

// dropCache evicts the files from the page cache (they are clean: synced).
func dropCache(b *testing.B, files []string) {
	for _, name := range files {
		f, err := os.Open(name)
		if err != nil {
			b.Fatal(err)
		}
		_ = unix.Fadvise(int(f.Fd()), 0, 0, unix.FADV_DONTNEED)
		f.Close()
	}
}

// rawRead is the best of three cold sequential reads of the files, in
// seconds.
func rawRead(b *testing.B, files []string) float64 {
	best := 0.0
	buf := make([]byte, 1<<20)
	for range 3 {
		dropCache(b, files)
		start := time.Now()
		for _, name := range files {
			f, err := vfs.Default.Open(name)
			if err != nil {
				b.Fatal(err)
			}
			if _, err := io.CopyBuffer(io.Discard, struct{ io.Reader }{f}, buf); err != nil {
				b.Fatal(err)
			}
			f.Close()
		}
		if d := time.Since(start).Seconds(); best == 0 || d < best {
			best = d
		}
	}
	return best
}

// redisLoad is the best of three cold starts of redis-server on a copy of
// dir until it answers PING, in seconds; false when redis-server is not
// installed.
func redisLoad(b *testing.B, dir string, files []string, args []string) (float64, bool) {
	bin, err := exec.LookPath("redis-server")
	if err != nil {
		b.Logf("no redis-server to compare with: %v", err)
		return 0, false
	}
	best := 0.0
	for range 3 {
		dropCache(b, files)
		d, err := timeRedisStart(bin, dir, args)
		if err != nil {
			b.Fatal(err)
		}
		if best == 0 || d < best {
			best = d
		}
	}
	return best, true
}

func timeRedisStart(bin, dir string, args []string) (float64, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	port := l.Addr().(*net.TCPAddr).Port
	l.Close()
	logf := filepath.Join(os.TempDir(), fmt.Sprintf("persistbench-recovery-%d.log", port))
	defer os.Remove(logf)
	all := append([]string{"--port", strconv.Itoa(port), "--bind", "127.0.0.1", "--daemonize", "no",
		"--dir", dir, "--save", "", "--logfile", logf}, args...)
	cmd := exec.Command(bin, all...)
	start := time.Now()
	if err := cmd.Start(); err != nil {
		return 0, err
	}
	var once sync.Once
	stop := func() { once.Do(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() }) } // by pid
	defer stop()
	for deadline := start.Add(2 * time.Minute); time.Now().Before(deadline); time.Sleep(time.Millisecond) {
		c, err := net.Dial("tcp", fmt.Sprintf("127.0.0.1:%d", port))
		if err != nil {
			continue
		}
		_, _ = c.Write([]byte("*1\r\n$4\r\nPING\r\n"))
		line, _ := bufio.NewReader(c).ReadString('\n')
		c.Close()
		if line == "+PONG\r\n" {
			return time.Since(start).Seconds(), nil
		}
	}
	log, _ := os.ReadFile(logf)
	return 0, fmt.Errorf("redis-server did not answer in 2 minutes\n%s", log)
}
