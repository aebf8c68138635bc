package bench

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/persistbench/persistbench/drivers"
)

// DefaultReadyTimeout bounds a restart when the cell does not say.
const DefaultReadyTimeout = 2 * time.Minute

// crash crashes the backend while the workers are busy, then ends the
// measured window at the crash.
func (c *cellRun) crash(ctx context.Context, el time.Duration) {
	c.crashed.Store(true)
	c.crashEl = el
	// Stop first: the workers issue no new request, and the requests in
	// flight now are the ones the crash interrupts (a worker that kept
	// retrying against a dead backend would fill the ledger with failed
	// writes that were never really in flight at the crash).
	c.stop(el)
	t0 := time.Now()
	c.crashEl = t0.Sub(c.runStart) // the crash's moment: writes acknowledged before it may be lost
	if c.server == nil {
		c.crashErr = fmt.Errorf("backend %s cannot be crashed: %w", c.spec.Backend, drivers.ErrUnsupported)
	} else {
		c.crashErr = c.server.Crash(ctx, c.spec.Crash)
	}
	c.addEvent(t0, "crash", time.Since(t0), string(c.spec.Crash))
}

// afterRun restarts a crashed backend, times its recovery and verifies
// every key the ledger knows; it also fills the storage, memory and pause
// figures.
func (r *Runner) afterRun(ctx context.Context, c *cellRun, cell *Cell) error {
	defer c.fillServerFigures(cell)
	if !c.crashed.Load() {
		if c.spec.Crash == "" || c.spec.Crash == drivers.CrashNone {
			cell.Missing["recovery"] = "no crash was requested (--crash none)"
		} else {
			cell.Missing["recovery"] = "the run ended before the crash time"
		}
		return nil
	}
	timeout := c.spec.ReadyTimeout
	if timeout <= 0 {
		timeout = DefaultReadyTimeout
	}
	r.Progress.Phase("recover", 0)
	rctx, cancel := context.WithTimeout(ctx, timeout)
	t0 := time.Now()
	rec, err := c.server.Restart(rctx)
	cancel()
	r.Progress.Done()
	if err != nil {
		if errors.Is(err, context.DeadlineExceeded) {
			return fmt.Errorf("recover: the backend was not ready after %s (--ready-timeout): %w", timeout, err)
		}
		return fmt.Errorf("recover: %w", err)
	}
	ready := time.Since(t0)
	c.addEvent(time.Now(), "ready", ready, "")
	res := &Recovery{Crash: string(c.spec.Crash), CrashAtMS: ms(c.crashEl), RecoveryMS: ms(rec.Loaded)}
	if rec.Loaded <= 0 {
		res.RecoveryMS = ms(ready)
	}
	if rec.Answering > 0 {
		res.AnsweringMS = ptr(ms(rec.Answering))
	}
	if rec.FirstRead > 0 {
		res.FirstReadMS = ptr(ms(rec.FirstRead))
	}
	r.Progress.Phase("verify", 0)
	err = c.verify(ctx, res)
	r.Progress.Done()
	if err != nil {
		return fmt.Errorf("verify: %w", err)
	}
	cell.Recovery = res
	return nil
}

func ms(d time.Duration) float64 { return float64(d) / 1e6 }
