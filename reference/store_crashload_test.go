package reference

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"runtime"
	"slices"
	"sync"
	"time"

	"github.com/persistbench/persistbench/reference/aof"
)

// workload runs the writers and, meanwhile, the test's snapshots and
// rewrites, until the process dies: at an operation armed at random from
// the start, at one armed just before a snapshot or rewrite starts, at a
// random point of the writers' progress, or after the last write.
func (r *crashRun) workload(s *Store, m *mortalFS) {
	total := int64(r.writers * r.ops)
	crashAt := int64(-1)
	children := make([]int64, r.rng.IntN(4))
	armChild := -1
	switch r.rng.IntN(3) {
	case 0:
		crashAt = r.rng.Int64N(total + 1)
	case 1:
		if len(children) == 0 {
			children = append(children, 0)
		}
		armChild = r.rng.IntN(len(children))
	default:
		m.arm(1 + r.rng.Int64N(200))
	}
	for i := range children {
		children[i] = r.rng.Int64N(total)
	}
	slices.Sort(children)

	var wg sync.WaitGroup
	errs := make(chan error, r.writers)
	for w := range r.writers {
		wseed := r.rng.Uint64()
		wg.Go(func() { r.writer(s, m, w, wseed, errs) })
	}
	done := make(chan struct{})
	go func() { wg.Wait(); close(done) }()
	for i, n := range children {
		if !r.waitProgress(m, done, n) {
			break
		}
		if i == armChild {
			m.arm(1 + r.rng.Int64N(40))
		}
		r.startChild(s, m)
		if r.rng.IntN(2) == 0 {
			waitChild(r.t, s) // it completes before the next one, or the crash
		}
	}
	if crashAt >= 0 && r.waitProgress(m, done, crashAt) {
		m.die()
	}
	<-done
	m.die() // after the last write, unless the process died already
	close(errs)
	for err := range errs {
		r.fail("%v", err)
	}
}

// waitProgress waits until the writers did n ops; false when they
// finished first or the process died.
func (r *crashRun) waitProgress(m *mortalFS, done <-chan struct{}, n int64) bool {
	for r.progress.Load() < n {
		if m.isDead() {
			return false
		}
		select {
		case <-done:
			return false
		default:
		}
		time.Sleep(20 * time.Microsecond)
	}
	return !m.isDead()
}

// writer sets and deletes its own keys one at a time and records each op
// in their histories; it stops at the first error or when the process died.
func (r *crashRun) writer(s *Store, m *mortalFS, w int, seed uint64, errs chan<- error) {
	rng := rand.New(rand.NewPCG(seed, uint64(w)))
	// everysec: let the background fsync goroutine run as soon as it is
	// asked to, so that fake time measures the policy, not the scheduler.
	yield := r.p.AOF && r.p.Fsync == aof.FsyncEverysec
	for range r.ops {
		if m.isDead() {
			return
		}
		h := r.hists[w][rng.IntN(r.keys)]
		op := keyOp{del: rng.IntN(6) == 0}
		if !op.del {
			op.value = crashValue(h.key, len(h.ops), r.pad(rng))
		}
		h.ops = append(h.ops, op)
		var err error
		if op.del {
			_, err = s.Delete([]byte(h.key))
		} else {
			err = s.Set([]byte(h.key), []byte(op.value))
		}
		if err != nil {
			if !m.isDead() {
				errs <- fmt.Errorf("writer %d: %s before the crash: %w", w, h.key, err)
			}
			return
		}
		if m.isDead() {
			return // acknowledged by a dead process: no client heard it
		}
		last := &h.ops[len(h.ops)-1]
		last.acked, last.ackedAt, last.ackSeq = true, r.clk.Now(), r.ackSeq.Add(1)
		r.progress.Add(1)
		if err := r.clk.Advance(r.step); err != nil {
			errs <- fmt.Errorf("writer %d: %w", w, err)
			return
		}
		if yield {
			runtime.Gosched()
		}
	}
}

// startChild starts a BGSave (rdb, and now and then with an AOF) or a
// BGRewriteAOF. A rewrite that started made every write acknowledged
// before it durable: its rotation fdatasynced them, under every policy.
func (r *crashRun) startChild(s *Store, m *mortalFS) {
	if !r.p.AOF || (len(r.p.Save) > 0 && r.rng.IntN(2) == 0) || r.rng.IntN(5) == 0 {
		before := s.DB.epoch.Load()
		err := s.BGSave()
		if err == nil {
			r.snaps = append(r.snaps, snapStart{epoch: before + 1, exact: s.DB.epoch.Load() == before+1})
		}
		r.childErr("BGSave", err, m)
		return
	}
	seq := r.ackSeq.Load()
	err := s.BGRewriteAOF()
	if err == nil {
		r.durableSeq = seq
	}
	r.childErr("BGRewriteAOF", err, m)
}

func (r *crashRun) childErr(what string, err error, m *mortalFS) {
	if err != nil && !errors.Is(err, errBusy) && !m.isDead() {
		r.fail("%s before the crash: %v", what, err)
	}
}
