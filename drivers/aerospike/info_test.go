package aerospike

import (
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/persistbench/persistbench/drivers"
)

func readSample(t *testing.T, name string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", "info", name))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// TestParseNamespace reads captured `namespace/test` responses of a 7.1
// file-backed namespace, a 7.1 memory namespace and a 6.x two-device one
// (old field names, counters summed over devices).
func TestParseNamespace(t *testing.T) {
	cases := []struct {
		file string
		want NamespaceStats
	}{
		{"namespace-flash-7.1.txt", NamespaceStats{Objects: 20000, Tombstones: 0, DataUsedBytes: 2880000, DataTotalBytes: 1 << 30,
			IndexUsedBytes: 1280000, CacheReadPct: 12, DefragReads: 2, DefragWrites: 1, WriteQ: 0, DefragQ: 0, WblockWrites: 3,
			ClientWriteSuccess: 20000, ClientDeleteSuccess: 120, ClientReadSuccess: 9985}},
		{"namespace-memory-7.1.txt", NamespaceStats{Objects: 1000, DataUsedBytes: 136000, DataTotalBytes: 1 << 30,
			IndexUsedBytes: 64000, CacheReadPct: 0, DefragReads: 0, DefragWrites: 0, WriteQ: 0, DefragQ: 0, WblockWrites: 0,
			ClientWriteSuccess: 1000, ClientDeleteSuccess: 0, ClientReadSuccess: 0}},
		{"namespace-device-6.x.txt", NamespaceStats{Objects: 500, Tombstones: 3, DataUsedBytes: 72000, DataTotalBytes: 1 << 30,
			IndexUsedBytes: 32000, CacheReadPct: 40, DefragReads: 6, DefragWrites: 3, WriteQ: 3, DefragQ: -1, WblockWrites: 11,
			ClientWriteSuccess: 600, ClientDeleteSuccess: 100, ClientReadSuccess: 50}},
	}
	for _, c := range cases {
		got, err := ParseNamespace(readSample(t, c.file))
		if err != nil {
			t.Fatalf("%s: %v", c.file, err)
		}
		if got != c.want {
			t.Errorf("%s:\n got %+v\nwant %+v", c.file, got, c.want)
		}
	}
}

func TestParseNamespaceMissing(t *testing.T) {
	for _, s := range []string{"", "  ", "type=unknown"} {
		if _, err := ParseNamespace(s); !errors.Is(err, ErrNamespaceMissing) {
			t.Errorf("ParseNamespace(%q) = %v, want ErrNamespaceMissing", s, err)
		}
	}
}

func TestNamespaceStatsKeys(t *testing.T) {
	ns, err := ParseNamespace(readSample(t, "namespace-flash-7.1.txt"))
	if err != nil {
		t.Fatal(err)
	}
	st := ns.Stats()
	want := drivers.Stats{drivers.StatKeys: 20000, StatDataUsedBytes: 2880000, StatIndexUsedBytes: 1280000,
		StatDefragReads: 2, StatDefragWrites: 1, StatWriteQ: 0, StatCacheReadPct: 12, StatTombstones: 0}
	for k, v := range want {
		if st[k] != v {
			t.Errorf("%s = %v, want %v", k, st[k], v)
		}
	}
	if len(st) != len(want) {
		t.Errorf("Stats has %d keys, want %d: %v", len(st), len(want), st)
	}
	// An absent figure is left out rather than reported as 0.
	if _, ok := (NamespaceStats{Objects: 1, DataUsedBytes: -1}).Stats()[StatDataUsedBytes]; ok {
		t.Error("absent data_used_bytes reported")
	}
}

func TestParseStatistics(t *testing.T) {
	in := ParseInfo(readSample(t, "statistics.txt"))
	for name, want := range map[string]int64{"cluster_size": 1, "client_connections": 6, "uptime": 42, "heap_mapped_kbytes": 98304} {
		if got, ok := in.Int(name); !ok || got != want {
			t.Errorf("%s = %d (%v), want %d", name, got, ok, want)
		}
	}
	if in["cluster_integrity"] != "true" {
		t.Errorf("cluster_integrity = %q", in["cluster_integrity"])
	}
	if _, ok := in.Int("cluster_key"); ok {
		t.Error("cluster_key (hex) parsed as an integer")
	}
}

func TestParseEdition(t *testing.T) {
	cases := []struct {
		in     string
		want   Edition
		commit bool
	}{
		{readSample(t, "edition-community.txt"), EditionCommunity, false},
		{readSample(t, "edition-enterprise.txt"), EditionEnterprise, true},
		{readSample(t, "asd-version-community.txt"), EditionCommunity, false},
		{"Aerospike Federal Edition", EditionEnterprise, true},
		{"", EditionUnknown, true},
	}
	for _, c := range cases {
		got := ParseEdition(c.in)
		if got != c.want {
			t.Errorf("ParseEdition(%q) = %s, want %s", c.in, got, c.want)
		}
		ok, why := got.CommitToDevice()
		if ok != c.commit || (!ok && why == "") {
			t.Errorf("%s.CommitToDevice() = %v, %q", got, ok, why)
		}
	}
}

func FuzzParseNamespace(f *testing.F) {
	for _, name := range []string{"namespace-flash-7.1.txt", "namespace-memory-7.1.txt", "namespace-device-6.x.txt", "statistics.txt"} {
		b, err := os.ReadFile(filepath.Join("testdata", "info", name))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(string(b))
	}
	f.Fuzz(func(t *testing.T, s string) {
		ns, err := ParseNamespace(s)
		if err == nil && ns.Objects < 0 {
			t.Fatalf("no error but objects %d", ns.Objects)
		}
		_ = ns.Stats()
	})
}
