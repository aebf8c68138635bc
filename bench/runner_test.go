package bench

import (
	"context"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/persistbench/persistbench/drivers"
	"github.com/persistbench/persistbench/workloads"
)

var (
	memMu      sync.Mutex
	memLatest  *memDriver
	registerMu sync.Once
)

// registerMem registers the "test-mem" backend once; Options "drop" and
// "flip" make it misbehave every N writes.
func registerMem() {
	registerMu.Do(func() {
		drivers.Register(drivers.Backend{
			Name: "test-mem", Profiles: []string{"none"}, Crashes: []drivers.CrashKind{drivers.CrashKill},
			Open: func(ctx context.Context, cfg drivers.Config) (drivers.Driver, error) {
				d := newMemDriver()
				d.dropEvery, _ = strconv.Atoi(cfg.Options["drop"])
				d.flipEvery, _ = strconv.Atoi(cfg.Options["flip"])
				memMu.Lock()
				memLatest = d
				memMu.Unlock()
				return d, nil
			},
		})
	})
}

func testCell(t testing.TB, opts map[string]string) CellSpec {
	registerMem()
	w, err := workloads.Preset("mixed")
	if err != nil {
		t.Fatal(err)
	}
	w.Records = 2000
	w.Value.Size = workloads.FixedSize(128)
	p, _ := drivers.LookupProfile("none")
	return CellSpec{
		Backend: "test-mem", Profile: p, Workload: w, Records: 2000, Repeat: 1,
		Duration: 400 * time.Millisecond, Warmup: 100 * time.Millisecond,
		Conns: 4, Pipeline: 1, Crash: drivers.CrashKill, Seed: 7, Options: opts,
	}
}

func runTestCell(t *testing.T, spec CellSpec) (Cell, *memDriver) {
	t.Helper()
	if err := spec.Validate(); err != nil {
		t.Fatal(err)
	}
	r := &Runner{Progress: NewProgress(nil, false, true)}
	cell := r.RunCell(context.Background(), spec)
	if cell.Status != StatusOK {
		t.Fatalf("cell %s: %s", cell.Status, cell.Error)
	}
	memMu.Lock()
	defer memMu.Unlock()
	return cell, memLatest
}

// TestVerifyCatchesBrokenBackend: a backend that drops or corrupts some
// acknowledged writes is caught with the exact counts, with and without
// pipelining.
func TestVerifyCatchesBrokenBackend(t *testing.T) {
	cases := []struct {
		name     string
		opts     map[string]string
		pipeline int
	}{
		{"honest", nil, 1},
		{"drop every 100th", map[string]string{"drop": "100"}, 1},
		{"flip every 100th", map[string]string{"flip": "100"}, 1},
		{"drop pipelined", map[string]string{"drop": "100"}, 8},
		{"flip pipelined", map[string]string{"flip": "97"}, 8},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			spec := testCell(t, tc.opts)
			spec.Pipeline = tc.pipeline
			cell, d := runTestCell(t, spec)
			rec := cell.Recovery
			if rec == nil {
				t.Fatalf("no recovery figures; missing: %v", cell.Missing)
			}
			lost, stale, corrupt := d.counts()
			if rec.LostAckedWrites != lost+stale || rec.StaleReads != stale || rec.CorruptRecords != corrupt {
				t.Fatalf("verifier: lost %d stale %d corrupt %d; truth: lost %d stale %d corrupt %d",
					rec.LostAckedWrites, rec.StaleReads, rec.CorruptRecords, lost+stale, stale, corrupt)
			}
			if tc.opts != nil && lost+stale+corrupt == 0 {
				t.Fatalf("the broken backend broke nothing: the test proves nothing")
			}
			if rec.ResurrectedDeletes != 0 {
				t.Fatalf("resurrected deletes %d from a backend that never resurrects", rec.ResurrectedDeletes)
			}
			if (lost+stale > 0) != (rec.LostWindowMS != nil) {
				t.Fatalf("loss window %v with %d lost", rec.LostWindowMS, lost+stale)
			}
			if cell.Ops == 0 || cell.ThroughputOps <= 0 || len(cell.Latency) == 0 || len(cell.Timeline) == 0 {
				t.Fatalf("no figures: ops %d, throughput %g, latency %v, timeline %d", cell.Ops, cell.ThroughputOps, cell.Latency, len(cell.Timeline))
			}
		})
	}
}

// TestOpenLoopRate: an open-loop run completes about rate × duration
// operations and times latency from the scheduled start.
func TestOpenLoopRate(t *testing.T) {
	spec := testCell(t, nil)
	spec.Rate, spec.Duration, spec.Warmup, spec.Crash = 2000, time.Second, 0, drivers.CrashNone
	cell, _ := runTestCell(t, spec)
	if cell.Settings.Mode != "open" {
		t.Fatalf("mode %q", cell.Settings.Mode)
	}
	want := spec.Rate * spec.Duration.Seconds()
	if got := float64(cell.Ops); got < 0.5*want || got > 1.1*want {
		t.Fatalf("open loop at %g ops/s for %s completed %g ops, want about %g", spec.Rate, spec.Duration, got, want)
	}
	if cell.Recovery != nil || cell.Missing["recovery"] == "" {
		t.Fatalf("no crash was asked: recovery %v, missing %q", cell.Recovery, cell.Missing["recovery"])
	}
}

func TestClassify(t *testing.T) {
	acked := func(v uint64) Entry { return Entry{AckedVersion: v, AttemptedVersion: v} }
	cases := []struct {
		name    string
		e       Entry
		found   bool
		version uint64
		bad     bool
		want    Outcome
	}{
		{"ok", acked(3), true, 3, false, OutcomeOK},
		{"lost", acked(3), false, 0, false, OutcomeLost},
		{"stale", acked(3), true, 2, false, OutcomeStale},
		{"corrupt", acked(3), true, 3, true, OutcomeCorrupt},
		{"future version", acked(3), true, 9, false, OutcomeCorrupt},
		{"never written, absent", Entry{}, false, 0, false, OutcomeAbsent},
		{"never written, present", Entry{}, true, 1, false, OutcomeCorrupt},
		{"deleted, absent", Entry{AckedVersion: 4, AckedDelete: true, AttemptedVersion: 4, AttemptedDelete: true}, false, 0, false, OutcomeAbsent},
		{"deleted, back", Entry{AckedVersion: 4, AckedDelete: true, AttemptedVersion: 4, AttemptedDelete: true}, true, 3, false, OutcomeResurrected},
		{"in-flight write kept", Entry{AckedVersion: 2, AttemptedVersion: 3}, true, 3, false, OutcomeIndeterminateKept},
		{"in-flight write lost", Entry{AckedVersion: 2, AttemptedVersion: 3}, true, 2, false, OutcomeIndeterminateLost},
		{"in-flight delete kept", Entry{AckedVersion: 2, AttemptedVersion: 3, AttemptedDelete: true}, false, 0, false, OutcomeIndeterminateKept},
		{"in-flight insert lost", Entry{AttemptedVersion: 1}, false, 0, false, OutcomeIndeterminateLost},
		{"in-flight insert kept", Entry{AttemptedVersion: 1}, true, 1, false, OutcomeIndeterminateKept},
	}
	for _, tc := range cases {
		var verr error
		if tc.bad {
			verr = workloads.ErrCorrupt
		}
		if got := Classify(tc.e, tc.found, tc.version, verr); got != tc.want {
			t.Errorf("%s: Classify = %d, want %d", tc.name, got, tc.want)
		}
	}
}
