package vfs

import (
	"strings"
	"testing"
	"time"
)

func TestCrashWriteback(t *testing.T) {
	pages := func(c string, n int) string { return strings.Repeat(c, n*PageSize) }
	tests := []struct {
		name      string
		writeback time.Duration
		steps     func(t *testing.T, fs *CrashFS, clk *fakeClock)
		want      string // content of /d/a after the cut
	}{
		{
			name:      "older than the interval: written back, entry too",
			writeback: 30 * time.Second,
			steps: func(t *testing.T, fs *CrashFS, clk *fakeClock) {
				writeFile(t, fs, "/d/a", "hello", false)
				clk.Advance(31 * time.Second)
			},
			want: "hello",
		},
		{
			name:      "exactly the interval old: written back",
			writeback: 30 * time.Second,
			steps: func(t *testing.T, fs *CrashFS, clk *fakeClock) {
				writeFile(t, fs, "/d/a", "hello", false)
				clk.Advance(30 * time.Second)
			},
			want: "hello",
		},
		{
			name:      "younger than the interval: lost",
			writeback: 30 * time.Second,
			steps: func(t *testing.T, fs *CrashFS, clk *fakeClock) {
				writeFile(t, fs, "/d/a", "hello", false)
				clk.Advance(29 * time.Second)
			},
			want: absent,
		},
		{
			name:      "0 means the default 30 s",
			writeback: 0,
			steps: func(t *testing.T, fs *CrashFS, clk *fakeClock) {
				writeFile(t, fs, "/d/a", "hello", false)
				clk.Advance(DefaultWriteback + time.Second)
			},
			want: "hello",
		},
		{
			name:      "negative means never",
			writeback: -1,
			steps: func(t *testing.T, fs *CrashFS, clk *fakeClock) {
				writeFile(t, fs, "/d/a", "hello", false)
				clk.Advance(time.Hour)
			},
			want: absent,
		},
		{
			name:      "a page rewritten after it expired keeps its content of then",
			writeback: 30 * time.Second,
			steps: func(t *testing.T, fs *CrashFS, clk *fakeClock) {
				durableFile(t, fs, "/d/a", "aaaa")
				f, err := fs.OpenReadWrite("/d/a")
				must(t, err)
				_, err = f.WriteAt([]byte("bbbb"), 0)
				must(t, err)
				clk.Advance(10 * time.Second)
				_, err = f.WriteAt([]byte("cc"), 0) // the page stays dirty since 0 s
				must(t, err)
				clk.Advance(25 * time.Second)
				_, err = f.WriteAt([]byte("d"), 0) // written back at 30 s as "ccbb", dirty again
				must(t, err)
				clk.Advance(time.Second)
			},
			want: "ccbb",
		},
		{
			name:      "an appended stream keeps what the flusher wrote at 30 s",
			writeback: 30 * time.Second,
			steps: func(t *testing.T, fs *CrashFS, clk *fakeClock) {
				durableFile(t, fs, "/d/a", "")
				for i := range 45 {
					appendFile(t, fs, "/d/a", pages(string(rune('A'+i%26)), 1), false)
					clk.Advance(time.Second)
				}
			},
			// dirty since 0 s; the append at 30 s finds the file expired
			// and writes back pages 0..29; dirty again since 30 s, it has
			// not expired at the cut at 45 s.
			want: func() string {
				var b strings.Builder
				for i := range 30 {
					b.WriteString(pages(string(rune('A'+i%26)), 1))
				}
				return b.String()
			}(),
		},
		{
			name:      "a truncate ages like a write",
			writeback: 30 * time.Second,
			steps: func(t *testing.T, fs *CrashFS, clk *fakeClock) {
				durableFile(t, fs, "/d/a", pages("a", 2))
				f, err := fs.OpenReadWrite("/d/a")
				must(t, err)
				must(t, f.Truncate(10))
				clk.Advance(31 * time.Second)
			},
			want: pages("a", 1)[:10],
		},
		{
			name:      "a remove ages like a write",
			writeback: 30 * time.Second,
			steps: func(t *testing.T, fs *CrashFS, clk *fakeClock) {
				durableFile(t, fs, "/d/a", "hello")
				must(t, fs.Remove("/d/a"))
				clk.Advance(31 * time.Second)
			},
			want: absent,
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			clk := newFakeClock()
			fs := NewCrash(CrashOptions{Writeback: tc.writeback, Clock: clk.Now})
			must(t, fs.MkdirAll("/d", 0o755))
			tc.steps(t, fs, clk)
			fs.PowerCut()
			got, ok := content(t, fs, "/d/a")
			if !ok {
				got = absent
			}
			if got != tc.want {
				t.Errorf("/d/a = %.40q (%d bytes), want %.40q (%d bytes)", got, len(got), tc.want, len(tc.want))
			}
		})
	}
}
