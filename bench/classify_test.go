package bench

import (
	"testing"
	"time"

	"pgregory.net/rapid"

	"github.com/persistbench/persistbench/workloads"
)

// TestClassifyMatchesHistory drives a real Ledger through a random history
// of one key — acknowledged writes and deletes, then at most one write in
// flight at the crash, as the runner produces — picks what the backend
// could return, and checks Classify against an oracle that reasons from the
// whole history rather than from the ledger's two words.
func TestClassifyMatchesHistory(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		l := NewLedger(time.Now())
		const key = 42
		type event struct {
			version uint64
			del     bool
		}
		var acked []event
		n := rapid.IntRange(0, 6).Draw(t, "acked")
		for i := 0; i < n; i++ {
			del := rapid.Bool().Draw(t, "del")
			v, ok := l.Begin(key, del)
			if !ok {
				t.Fatal("key busy with nothing in flight")
			}
			l.Ack(key, v, del, time.Now())
			acked = append(acked, event{v, del})
		}
		var inflight *event
		if rapid.Bool().Draw(t, "inflight") {
			del := rapid.Bool().Draw(t, "inflightDel")
			v, _ := l.Begin(key, del)
			if rapid.Bool().Draw(t, "failed") {
				l.Fail(key)
			}
			inflight = &event{v, del}
		}
		// What the backend returns: absent, one of the values ever written,
		// a version never written, or garbage.
		var written []uint64
		for _, e := range acked {
			if !e.del {
				written = append(written, e.version)
			}
		}
		if inflight != nil && !inflight.del {
			written = append(written, inflight.version)
		}
		choice := rapid.IntRange(0, 3).Draw(t, "returned")
		found, version, corrupt := false, uint64(0), false
		switch {
		case choice == 1 && len(written) > 0:
			found, version = true, rapid.SampledFrom(written).Draw(t, "version")
		case choice == 2:
			found, version = true, uint64(n)+5
		case choice == 3:
			found, version, corrupt = true, 1, true
		}
		var verr error
		if corrupt {
			verr = workloads.ErrCorrupt
		}
		got := Classify(l.Get(key), found, version, verr)

		// The oracle.
		var last *event
		if len(acked) > 0 {
			last = &acked[len(acked)-1]
		}
		var want Outcome
		switch {
		case corrupt || (found && version > uint64(n)+1) || (found && inflight == nil && version > uint64(n)):
			want = OutcomeCorrupt
		case !found && (last == nil || last.del):
			want = OutcomeAbsent
			if inflight != nil && !inflight.del {
				want = OutcomeIndeterminateLost
			}
		case !found:
			want = OutcomeLost
			if inflight != nil && inflight.del {
				want = OutcomeIndeterminateKept
			}
		case inflight != nil && version == inflight.version:
			want = OutcomeIndeterminateKept
		case last != nil && !last.del && version == last.version:
			want = OutcomeOK
			if inflight != nil {
				want = OutcomeIndeterminateLost
			}
		case last != nil && last.del:
			want = OutcomeResurrected
		default:
			want = OutcomeStale
		}
		if got != want {
			t.Fatalf("history %+v in flight %+v, returned found=%v v%d corrupt=%v: Classify = %d, oracle %d",
				acked, inflight, found, version, corrupt, got, want)
		}
	})
}
