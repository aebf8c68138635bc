// Package bench is the runner: it turns a list of CellSpecs into Results by
// driving each backend through its phases — load, run (after a warm-up),
// and, when asked, crash, recover and verify — while a ledger remembers
// every acknowledged write and a timeline collects per-interval figures.
//
// The hot path takes no lock: each connection (worker) owns its
// histograms; interval histograms reach the timeline over a channel once
// per interval; the ledger is lock-free.
package bench

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/persistbench/persistbench/drivers"
)

// Runner runs cells one after another.
type Runner struct {
	Progress *Progress
	// OutDir receives the .hgrm files; empty writes none.
	OutDir string
	// Save is called with the results after every finished cell, so an
	// interrupted plan keeps what it measured.
	Save func(*Results) error
}

// Run measures every cell into res (appending), saving after each one. It
// returns an error only when saving fails; a failed cell is recorded in the
// results with its error.
func (r *Runner) Run(ctx context.Context, res *Results, cells []CellSpec) error {
	for i, spec := range cells {
		if ctx.Err() != nil {
			res.Interrupted = true
			break
		}
		r.Progress.Printf("[%d/%d] %s", i+1, len(cells), spec.Name())
		cell := r.RunCell(ctx, spec)
		if cell.Status == StatusInterrupted {
			res.Interrupted = true
		}
		res.Cells = append(res.Cells, cell)
		if err := r.save(res); err != nil {
			return err
		}
	}
	res.Finished = time.Now().UTC()
	hostJitter(res)
	return r.save(res)
}

// hostJitter summarises the cells' jitter floors for the whole run: the
// worst p99.9 and the worst wake-up.
func hostJitter(res *Results) {
	for _, c := range res.Cells {
		if c.Host == nil {
			continue
		}
		if res.Host.JitterP999US == nil || *res.Host.JitterP999US < c.Host.JitterP999US {
			res.Host.JitterP999US = ptr(c.Host.JitterP999US)
		}
		if res.Host.JitterMaxUS == nil || *res.Host.JitterMaxUS < c.Host.JitterMaxUS {
			res.Host.JitterMaxUS = ptr(c.Host.JitterMaxUS)
		}
	}
}

func (r *Runner) save(res *Results) error {
	if r.Save == nil {
		return nil
	}
	return r.Save(res)
}

// Cell statuses.
const (
	StatusOK          = "ok"
	StatusFailed      = "failed"
	StatusInterrupted = "interrupted"
)

// RunCell measures one cell. It never panics on a backend failure: the
// returned cell carries the status and the error.
func (r *Runner) RunCell(ctx context.Context, spec CellSpec) Cell {
	cell := newCell(spec)
	if err := r.runCell(ctx, spec, &cell); err != nil {
		cell.Status, cell.Error = StatusFailed, err.Error()
		if ctx.Err() != nil && errors.Is(err, context.Canceled) {
			cell.Status = StatusInterrupted
		}
		r.Progress.Printf("  %s: %s", cell.Status, err)
	} else if ctx.Err() != nil {
		cell.Status = StatusInterrupted
	}
	return cell
}

func newCell(spec CellSpec) Cell {
	w := spec.Workload
	mode := "closed"
	if spec.Rate > 0 {
		mode = "open"
	}
	return Cell{
		Backend: spec.Backend, Profile: spec.Profile.Name, Workload: w.Name,
		Records: spec.Records, Repeat: spec.Repeat, Status: StatusOK,
		Settings: Settings{
			Mode: mode, Conns: spec.Conns, Pipeline: spec.Pipeline, RateOps: spec.Rate,
			DurationMS: spec.Duration.Milliseconds(), WarmupMS: spec.Warmup.Milliseconds(),
			ValueSize: w.Value.Size.String(), KeyDist: w.Keys.Distribution.String(), Mix: w.MixString(),
			Crash: string(spec.Crash), CrashAt: spec.CrashAt, Seed: spec.Seed,
			IntervalMS: spec.tick().Milliseconds(),
		},
		Latency: map[string]*Latency{},
		Missing: map[string]string{},
	}
}

func (r *Runner) runCell(ctx context.Context, spec CellSpec, cell *Cell) error {
	backend, err := drivers.Lookup(spec.Backend)
	if err != nil {
		return err
	}
	dataDir, cleanup, err := cellDataDir(spec)
	if err != nil {
		return err
	}
	defer cleanup()
	drv, err := backend.Open(ctx, drivers.Config{
		Profile: spec.Profile, DataDir: dataDir, Addr: spec.Addr, Password: spec.Password,
		Conns: spec.Conns, Options: spec.Options, Seed: spec.Seed, Crash: spec.Crash,
		LogicalBytesHint: spec.Records * (keyBytes + int64(sizeMean(spec.Workload.Value.Size))),
	})
	if err != nil {
		return fmt.Errorf("open %s with profile %s: %w", spec.Backend, spec.Profile.Name, err)
	}
	defer drv.Close()
	info := drv.Info()
	cell.BackendVersion, cell.Config = info.Version, info.Config
	for k, v := range info.Missing {
		cell.Missing[k] = v
	}
	c, err := newCellRun(spec, drv, dataDir)
	if err != nil {
		return err
	}
	if err := r.load(ctx, c, cell); err != nil {
		return err
	}
	if err := r.runPhase(ctx, c, cell); err != nil {
		return err
	}
	if err := r.afterRun(ctx, c, cell); err != nil {
		return err
	}
	return r.writeHgrms(c, cell)
}

// cellDataDir returns the directory the backend keeps its files in.
func cellDataDir(spec CellSpec) (string, func(), error) {
	if spec.Addr != "" {
		return "", func() {}, nil
	}
	if spec.DataDir != "" {
		name := fmt.Sprintf("%s-%s-%s-%s-r%d", spec.Backend, spec.Profile.Name, spec.Workload.Name, FormatCount(spec.Records), spec.Repeat)
		dir := filepath.Join(spec.DataDir, name)
		if err := os.RemoveAll(dir); err != nil {
			return "", nil, fmt.Errorf("--data-dir: %w", err)
		}
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return "", nil, fmt.Errorf("--data-dir: %w", err)
		}
		return dir, func() {}, nil
	}
	dir, err := os.MkdirTemp("", "persistbench-")
	if err != nil {
		return "", nil, fmt.Errorf("create a data directory: %w", err)
	}
	return dir, func() { os.RemoveAll(dir) }, nil
}

func (r *Runner) writeHgrms(c *cellRun, cell *Cell) error {
	if r.OutDir == "" {
		return nil
	}
	for op, h := range c.merged {
		if h == nil || h.TotalCount() == 0 {
			continue
		}
		name := hgrmName(cell, op)
		if err := writeHgrm(filepath.Join(r.OutDir, name), h); err != nil {
			return err
		}
		if cell.Files == nil {
			cell.Files = map[string]string{}
		}
		cell.Files["hgrm_"+op] = name
	}
	return nil
}
