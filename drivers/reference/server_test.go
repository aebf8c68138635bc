package reference

import (
	"context"
	"crypto/rand"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/persistbench/persistbench/drivers"
)

func TestInfo(t *testing.T) {
	for _, tc := range []struct {
		profile string
		crash   drivers.CrashKind
		want    map[string]string // config entries; "" means absent
	}{
		{"none", "", map[string]string{OptShards: "16", "save": "", "appendonly": "", "crash-model": ""}},
		{"rdb", "", map[string]string{"save": "5 1 1 10000", "rdbcompression": "true", "appendonly": ""}},
		{"aof-always", drivers.CrashKill, map[string]string{"appendonly": "yes", "appendfsync": "always",
			"aof-use-rdb-preamble": "false", "auto-aof-rewrite-percentage": "100", "save": "",
			"crash-model": "real disk mirrored into a crash-simulating model (vfs.Mirror)"}},
		{"aof-preamble", "", map[string]string{"appendfsync": "everysec", "aof-use-rdb-preamble": "true"}},
	} {
		d := open(t, drivers.Config{Profile: profile(t, tc.profile), Crash: tc.crash, Options: map[string]string{OptShards: "16"}})
		info := d.Info()
		if info.Backend != Backend || info.Profile != tc.profile || info.Version != Version {
			t.Errorf("%s: Info = %+v", tc.profile, info)
		}
		base := drivers.CapPipeline | drivers.CapStats | drivers.CapEvents
		crashes := drivers.CapCrashKill | drivers.CapCrashPowerLoss
		// Crashes need the crash model, which a crash-free Config does not make.
		canCrash := tc.crash != "" && tc.profile != "none"
		if !info.Caps.Has(base) || info.Caps.Has(crashes) != canCrash || info.Missing["engine_rss_bytes"] == "" {
			t.Errorf("%s: caps %b (crash %q), missing %v", tc.profile, info.Caps, tc.crash, info.Missing)
		}
		for k, want := range tc.want {
			if got, ok := info.Config[k]; got != want || ok != (want != "") {
				t.Errorf("%s: config %s = %q (present %v), want %q", tc.profile, k, got, ok, want)
			}
		}
	}
}

// TestStatsKeys: the figures each profile reports; disk and fsync figures
// only where there is a disk, copy-on-write figures once a snapshot ran.
func TestStatsKeys(t *testing.T) {
	ctx := context.Background()
	always := []string{drivers.StatKeys, StatLiveBytes, StatSlabBytes, StatGarbageBytes, StatCompactions,
		drivers.StatSnapshots, drivers.StatRSSBytes}
	aofKeys := []string{drivers.StatRewrites, drivers.StatFsyncs, drivers.StatDelayedFsyncs}
	value := make([]byte, 100)
	for _, name := range []string{"none", "rdb", "aof-everysec"} {
		d := open(t, drivers.Config{Profile: profile(t, name)})
		for i := range 1000 {
			rand.Read(value) // incompressible: the snapshot's bytes are the values'
			if err := d.Set(ctx, fmt.Appendf(nil, "k%d", i), value); err != nil {
				t.Fatal(err)
			}
		}
		st, err := d.Stats(ctx)
		if err != nil {
			t.Fatal(err)
		}
		for _, k := range always {
			if _, ok := st[k]; !ok {
				t.Errorf("%s: no %s in %v", name, k, st)
			}
		}
		if _, ok := st[drivers.StatBytesWritten]; ok != (name != "none") {
			t.Errorf("%s: %s present %v in %v", name, drivers.StatBytesWritten, ok, st)
		}
		for _, k := range aofKeys { // AOF figures: absent, not zero, without an AOF
			if _, ok := st[k]; ok != (name == "aof-everysec") {
				t.Errorf("%s: %s present %v in %v", name, k, ok, st)
			}
		}
		if st[drivers.StatSnapshots] != 0 {
			t.Errorf("%s: %g snapshots before any", name, st[drivers.StatSnapshots])
		}
		if st[drivers.StatKeys] != 1000 || st[StatLiveBytes] < 100_000 || st[drivers.StatRSSBytes] < st[StatLiveBytes] {
			t.Errorf("%s: Stats = %v", name, st)
		}
		if _, ok := st[drivers.StatCOWPeakBytes]; ok {
			t.Errorf("%s: COW peak reported before any snapshot: %v", name, st)
		}
		if name == "aof-everysec" && st[drivers.StatBytesWritten] < 100_000 {
			t.Errorf("%s: bytes written %g after 100 kB of values", name, st[drivers.StatBytesWritten])
		}
		if name != "rdb" {
			continue
		}
		s := d.st.(memStore).Store
		if err := s.BGSave(); err != nil {
			t.Fatal(err)
		}
		waitSnapshots(t, d, 1)
		st, _ = d.Stats(ctx)
		if _, ok := st[drivers.StatCOWPeakBytes]; !ok || st[drivers.StatSnapshots] != 1 || st[drivers.StatBytesWritten] < 100_000 {
			t.Errorf("rdb after a snapshot: %v", st)
		}
	}
	// A rewrite takes a snapshot of the engine too, but it is a rewrite.
	d := open(t, drivers.Config{Profile: profile(t, "aof-no")})
	s := d.st.(memStore).Store
	if err := s.BGRewriteAOF(); err != nil {
		t.Fatal(err)
	}
	for deadline := time.Now().Add(10 * time.Second); s.AOFStats().Rewrites < 1; time.Sleep(5 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("the rewrite did not complete in 10 s")
		}
	}
	st, _ := d.Stats(ctx)
	if st[drivers.StatSnapshots] != 0 || st[drivers.StatRewrites] != 1 {
		t.Errorf("aof-no after a rewrite: %v", st)
	}
}

// waitSnapshots waits until the engine completed n snapshots.
func waitSnapshots(t *testing.T, d *Driver, n int64) {
	t.Helper()
	s := d.st.(memStore).Store
	for deadline := time.Now().Add(10 * time.Second); s.PersistStats().Snapshots < n; time.Sleep(5 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("snapshot %d did not complete in 10 s: %+v", n, s.PersistStats())
		}
	}
}

// TestEvents: with the rdb profile's save points (1 s, 10000 changes)
// the cron snapshots by itself and reports it; a rewrite is reported too.
func TestEvents(t *testing.T) {
	ctx := context.Background()
	d := open(t, drivers.Config{Profile: profile(t, "rdb")})
	for i := range 10_001 {
		if err := d.Set(ctx, fmt.Appendf(nil, "k%d", i), []byte("v")); err != nil {
			t.Fatal(err)
		}
	}
	var got []drivers.Event
	for deadline := time.Now().Add(5 * time.Second); !slices.ContainsFunc(got, isSnapshot); time.Sleep(20 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("no snapshot event 5 s after 10001 writes: %v", got)
		}
		got = append(got, d.Events()...)
	}
	e := got[slices.IndexFunc(got, isSnapshot)]
	if e.Duration <= 0 || e.At.IsZero() || !strings.Contains(e.Detail, "10001 keys") {
		t.Fatalf("snapshot event %+v", e)
	}
	if more := d.Events(); slices.ContainsFunc(more, isSnapshot) {
		t.Fatalf("Events returned the snapshot twice: %v", more)
	}

	a := open(t, drivers.Config{Profile: profile(t, "aof-everysec")})
	if err := a.Set(ctx, []byte("k"), []byte("v")); err != nil {
		t.Fatal(err)
	}
	if err := a.st.(memStore).BGRewriteAOF(); err != nil {
		t.Fatal(err)
	}
	for deadline := time.Now().Add(5 * time.Second); !slices.ContainsFunc(got, isKind("rewrite")); time.Sleep(5 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("no rewrite event: %v", got)
		}
		got = append(got, a.Events()...)
	}
}

func isSnapshot(e drivers.Event) bool { return e.Kind == "snapshot" }

func isKind(kind string) func(drivers.Event) bool {
	return func(e drivers.Event) bool { return e.Kind == kind }
}
