package aerospike

import (
	"strings"
	"testing"
	"time"

	"github.com/persistbench/persistbench/drivers"
)

func TestDefragEvents(t *testing.T) {
	var last int64
	now := time.Unix(0, 0)
	steps := []struct {
		reads, writes int64
		want          int
		detail        string
	}{
		{0, 0, 0, ""},
		{4, 2, 1, "4 write blocks defragmented (2 rewritten)"},
		{4, 2, 0, ""},
		{9, 5, 1, "5 write blocks"},
		{1, 0, 0, ""}, // counters restart after a cold start
		{3, 1, 1, "2 write blocks"},
	}
	for i, s := range steps {
		ev := defragEvents(&last, NamespaceStats{DefragReads: s.reads, DefragWrites: s.writes}, now)
		if len(ev) != s.want {
			t.Fatalf("step %d: %d events, want %d", i, len(ev), s.want)
		}
		if s.want == 1 && (ev[0].Kind != "defrag" || !strings.Contains(ev[0].Detail, s.detail)) {
			t.Errorf("step %d: event %+v, want defrag %q", i, ev[0], s.detail)
		}
	}
}

func TestRegistered(t *testing.T) {
	b, err := drivers.Lookup("aerospike")
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{"none", "flash", "flash-commit"} {
		if !b.Offers(p) {
			t.Errorf("backend does not offer %s", p)
		}
	}
	if b.Offers("rdb") {
		t.Error("backend offers rdb")
	}
	if err := b.CanCrash(drivers.CrashKill, false); err != nil {
		t.Error(err)
	}
	if err := b.CanCrash(drivers.CrashPowerLoss, false); err == nil {
		t.Error("power-loss accepted")
	}
}
