package redis

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func readInfo(t testing.TB, name string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", "info", name+".txt"))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func TestParseInfo(t *testing.T) {
	m := parseInfo(readInfo(t, "bgsave-running"))
	ints := map[string]int64{"rdb_bgsave_in_progress": 1, "latest_fork_usec": 3456, "total_forks": 1, "rdb_saves": 1}
	for k, want := range ints {
		if got, ok := m.int(k); !ok || got != want {
			t.Errorf("%s = %d (%v), want %d", k, got, ok, want)
		}
	}
	if got := m.keys(); got != 2_000_000 {
		t.Errorf("keys %d, want 2000000", got)
	}
	if _, ok := m.int("no_such_field"); ok {
		t.Error("an absent field reads as present")
	}
	if _, ok := m.int("mem_allocator"); ok {
		t.Error("a text field reads as a number")
	}
	if v, ok := m.float("used_cpu_user"); !ok || v <= 0 {
		t.Errorf("used_cpu_user %g (%v)", v, ok)
	}
	if got := parseInfo(readInfo(t, "fresh")).keys(); got != 0 {
		t.Errorf("fresh server: keys %d, want 0 (no db0 line)", got)
	}
	cases := map[string]info{
		"":                         {},
		"# Server\r\n":             {},
		"a:1\r\nb:two:parts\r\n":   {"a": "1", "b": "two:parts"},
		"no colon\nx:\n":           {"x": ""},
		"db0:keys=7,expires=0\r\n": {"db0": "keys=7,expires=0"},
	}
	for in, want := range cases {
		got := parseInfo(in)
		if len(got) != len(want) {
			t.Errorf("parseInfo(%q) = %v, want %v", in, got, want)
			continue
		}
		for k, v := range want {
			if got[k] != v {
				t.Errorf("parseInfo(%q)[%s] = %q, want %q", in, k, got[k], v)
			}
		}
	}
}

func TestParseLatency(t *testing.T) {
	hist, err := parseLatencyHistory([]any{[]any{int64(1795655580), int64(3)}, []any{int64(1795655583), int64(5)}})
	if err != nil || len(hist) != 2 || hist[1].MS != 5 || !hist[1].At.Equal(time.Unix(1795655583, 0)) {
		t.Fatalf("history %v, %v", hist, err)
	}
	latest, err := parseLatencyLatest([]any{[]any{"fork", int64(1795655583), int64(5), int64(5)}})
	if err != nil || len(latest) != 1 || latest[0] != (latestEvent{"fork", 1795655583}) {
		t.Fatalf("latest %v, %v", latest, err)
	}
	bad := []any{
		"not an array",
		[]any{"not a pair"},
		[]any{[]any{int64(1)}},
		[]any{[]any{int64(1), "x"}},
	}
	for _, v := range bad {
		if _, err := parseLatencyHistory(v); err == nil || !strings.HasPrefix(err.Error(), "redis: LATENCY HISTORY") {
			t.Errorf("history of %#v: err %v", v, err)
		}
		if _, err := parseLatencyLatest(v); err == nil || !strings.HasPrefix(err.Error(), "redis: LATENCY LATEST") {
			t.Errorf("latest of %#v: err %v", v, err)
		}
	}
}

// FuzzParseInfo: any reply parses without panicking, and every field of a
// parsed reply survives a render-and-parse round trip.
func FuzzParseInfo(f *testing.F) {
	for _, name := range []string{"fresh", "bgsave-running", "rewrite-running", "after"} {
		f.Add(readInfo(f, name))
	}
	f.Add("db0:keys=x,expires\r\n#\r\n:\r\n")
	f.Fuzz(func(t *testing.T, s string) {
		m := parseInfo(s)
		_ = m.keys()
		var b strings.Builder
		for k, v := range m {
			if strings.ContainsAny(k, "\n:") || strings.ContainsAny(v, "\n") {
				t.Fatalf("field %q = %q holds a separator", k, v)
			}
			b.WriteString(k + ":" + v + "\r\n")
		}
		again := parseInfo(b.String())
		for k, v := range m {
			if again[k] != v {
				t.Fatalf("round trip: %q = %q, then %q", k, v, again[k])
			}
		}
	})
}
