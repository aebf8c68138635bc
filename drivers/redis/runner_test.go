package redis

import (
	"context"
	"testing"
	"time"

	"github.com/persistbench/persistbench/bench"
	"github.com/persistbench/persistbench/drivers"
	"github.com/persistbench/persistbench/workloads"
)

// runnerCell is a small cell of the ycsb-a workload (reads and updates, no
// inserts or deletes: the key count stays Records).
func runnerCell(t *testing.T, p drivers.Profile, records int64, d time.Duration, crash drivers.CrashKind) bench.CellSpec {
	t.Helper()
	redisServer(t)
	w, err := workloads.Preset("ycsb-a")
	if err != nil {
		t.Fatal(err)
	}
	w.Records = records
	w.Value.Size = workloads.FixedSize(100)
	spec := bench.CellSpec{
		Backend: "redis", Profile: p, Workload: w, Records: records, Repeat: 1,
		Duration: d, Warmup: 200 * time.Millisecond, Conns: 4, Pipeline: 1,
		Crash: crash, Seed: time.Now().UnixNano() & (1<<53 - 1),
	}
	t.Logf("seed %d", spec.Seed)
	if err := spec.Validate(); err != nil {
		t.Fatal(err)
	}
	return spec
}

func runCell(t *testing.T, spec bench.CellSpec) bench.Cell {
	t.Helper()
	r := &bench.Runner{Progress: bench.NewProgress(nil, false, true)}
	cell := r.RunCell(context.Background(), spec)
	if cell.Status != bench.StatusOK {
		t.Fatalf("cell %s: %s", cell.Status, cell.Error)
	}
	return cell
}

// TestProfilesThroughRunner: each profile starts, serves a short workload
// through the runner and reports its server-side figures.
func TestProfilesThroughRunner(t *testing.T) {
	for _, name := range Profiles {
		t.Run(name, func(t *testing.T) {
			p := builtin(t, name)
			cell := runCell(t, runnerCell(t, p, 5000, time.Second, drivers.CrashNone))
			if cell.Ops == 0 || cell.ThroughputOps <= 0 || cell.Latency["read"] == nil || cell.Latency["update"] == nil {
				t.Fatalf("no client figures: ops %d, throughput %g, latency %v", cell.Ops, cell.ThroughputOps, cell.Latency)
			}
			if cell.BackendVersion == "" {
				t.Error("no server version recorded")
			}
			want := map[string]string{"appendonly": yesNo(p.AOF), "save": savePoints(p.Save)}
			if p.AOF {
				want["appendfsync"] = p.Fsync
			}
			for k, v := range want {
				if cell.Config[k] != v {
					t.Errorf("config %s = %q, want %q", k, cell.Config[k], v)
				}
			}
			if cell.Memory == nil || cell.Memory.RSSPeakBytes == nil || *cell.Memory.RSSPeakBytes <= 0 {
				t.Errorf("no RSS: %+v (missing %v)", cell.Memory, cell.Missing)
			}
			if cell.Pauses == nil || cell.Pauses.ForkCount == nil {
				t.Errorf("no fork count: %+v (missing %v)", cell.Pauses, cell.Missing)
			}
			st := cell.Storage
			if st == nil || st.BytesWritten == nil || st.DiskBytesFinal == nil {
				t.Fatalf("no storage figures: %+v (missing %v)", st, cell.Missing)
			}
			if p.AOF && *st.BytesWritten == 0 {
				t.Errorf("an AOF profile wrote 0 bytes (/proc/<pid>/io write_bytes)")
			}
			if len(cell.Timeline) == 0 {
				t.Error("no timeline")
			}
		})
	}
}

// TestRDBForkAndLoss: with a save point that fires every second or two,
// forks show up as events and in the pauses; a kill loses the writes
// acknowledged since the last snapshot began, and keeps the rest.
func TestRDBForkAndLoss(t *testing.T) {
	p := builtin(t, "rdb")
	p.Save = []drivers.SavePoint{{Seconds: 1, Changes: 1}}
	cell := runCell(t, runnerCell(t, p, 5000, 3*time.Second, drivers.CrashKill))
	var forks, snapshots int
	for _, e := range cell.Events {
		switch e.Kind {
		case "fork":
			if e.DurationUS <= 0 {
				t.Errorf("fork event without a duration: %+v", e)
			}
			forks++
		case "snapshot":
			snapshots++
		}
	}
	if forks == 0 || snapshots == 0 {
		t.Fatalf("%d fork and %d snapshot events; events: %+v", forks, snapshots, cell.Events)
	}
	pa := cell.Pauses
	if pa == nil || pa.ForkCount == nil || *pa.ForkCount == 0 || pa.ForkMaxUS == nil || *pa.ForkMaxUS <= 0 {
		t.Fatalf("pauses %+v", pa)
	}
	rec := cell.Recovery
	if rec == nil {
		t.Fatalf("no recovery; missing %v", cell.Missing)
	}
	t.Logf("forks %d (max %.0f µs), lost %d, recovered %d, loss window %v ms", *pa.ForkCount, *pa.ForkMaxUS,
		rec.LostAckedWrites, rec.RecordsRecovered, deref(rec.LostWindowMS))
	if rec.LostAckedWrites == 0 {
		t.Fatal("rdb lost nothing on kill: the writes after the last snapshot should be gone")
	}
	if rec.RecordsRecovered == 0 {
		t.Fatal("rdb recovered nothing: the snapshots should have kept the loaded keys")
	}
	if rec.CorruptRecords != 0 {
		t.Fatalf("%d corrupt records", rec.CorruptRecords)
	}
}

// TestAOFAlwaysKillLosesNothing: appendfsync always acknowledges only what
// is in the AOF; a kill loses none of it, and recovery of the N keys
// returns N keys.
func TestAOFAlwaysKillLosesNothing(t *testing.T) {
	const n = 5000
	cell := runCell(t, runnerCell(t, builtin(t, "aof-always"), n, 1500*time.Millisecond, drivers.CrashKill))
	rec := cell.Recovery
	if rec == nil {
		t.Fatalf("no recovery; missing %v", cell.Missing)
	}
	t.Logf("recovery %.1f ms, recovered %d, lost %d, in flight kept %d lost %d", rec.RecoveryMS, rec.RecordsRecovered,
		rec.LostAckedWrites, rec.IndeterminateKept, rec.IndeterminateLost)
	if rec.LostAckedWrites != 0 || rec.CorruptRecords != 0 || rec.StaleReads != 0 {
		t.Fatalf("aof-always lost %d, stale %d, corrupt %d", rec.LostAckedWrites, rec.StaleReads, rec.CorruptRecords)
	}
	if rec.RecordsRecovered != n {
		t.Fatalf("recovered %d records, want %d", rec.RecordsRecovered, n)
	}
	if cell.Ops == 0 {
		t.Fatal("no operation ran before the kill")
	}
}

func deref(p *float64) float64 {
	if p == nil {
		return -1
	}
	return *p
}
