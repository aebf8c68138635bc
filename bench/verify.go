package bench

import (
	"context"
	"sync"
	"sync/atomic"
	"time"

	"github.com/persistbench/persistbench/drivers"
	"github.com/persistbench/persistbench/workloads"
)

// Outcome is the verdict on one key after recovery, in the vocabulary of
// Jepsen's set checker.
type Outcome uint8

const (
	OutcomeAbsent            Outcome = iota // never written and not there, or deleted and not there
	OutcomeOK                               // the last acknowledged version is there
	OutcomeLost                             // the last acknowledged write is missing (absent or older)
	OutcomeStale                            // lost, and an older acknowledged version came back
	OutcomeCorrupt                          // the payload fails its checksum or is not a version ever written
	OutcomeResurrected                      // an acknowledged delete came back
	OutcomeIndeterminateKept                // an unacknowledged (in-flight) write survived
	OutcomeIndeterminateLost                // an unacknowledged write did not survive; the acknowledged state is there
)

// Classify judges one key: e is the ledger's entry, found whether the
// backend returned a value, version the value's version and verr its
// payload check error.
func Classify(e Entry, found bool, version uint64, verr error) Outcome {
	if found && verr != nil {
		return OutcomeCorrupt
	}
	acked, attempted := e.AckedVersion, e.AttemptedVersion
	if found && (version == 0 || version > attempted) {
		return OutcomeCorrupt
	}
	indeterminate := attempted > acked
	switch {
	case !found && (acked == 0 || e.AckedDelete):
		// Expected absence, unless a newer attempted write should be there;
		// it was never acknowledged, so its loss is allowed.
		if indeterminate && !e.AttemptedDelete {
			return OutcomeIndeterminateLost
		}
		return OutcomeAbsent
	case !found:
		if indeterminate && e.AttemptedDelete {
			return OutcomeIndeterminateKept // the in-flight delete landed
		}
		return OutcomeLost
	case version == acked && !e.AckedDelete:
		if indeterminate {
			return OutcomeIndeterminateLost
		}
		return OutcomeOK
	case version > acked:
		return OutcomeIndeterminateKept
	case e.AckedDelete:
		return OutcomeResurrected
	default: // version < acked, acked is a value
		return OutcomeStale
	}
}

// verifyBatch is the pipeline depth of the verify phase.
const verifyBatch = 64

// verify reads back every key the ledger knows, in parallel, and counts the
// outcomes into res.
func (c *cellRun) verify(ctx context.Context, res *Recovery) error {
	start := time.Now()
	n := c.spec.Records + c.shared.Inserted()
	conns := int64(c.spec.Conns)
	var counts [OutcomeIndeterminateLost + 1]atomic.Int64
	var oldestLost atomic.Int64
	oldestLost.Store(-1)
	var firstErr firstError
	var wg sync.WaitGroup
	for w := int64(0); w < conns; w++ {
		lo, hi := n*w/conns, n*(w+1)/conns
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := c.verifyRange(ctx, lo, hi, &counts, &oldestLost); err != nil {
				firstErr.set(err)
			}
		}()
	}
	wg.Wait()
	if err := firstErr.get(); err != nil {
		return err
	}
	res.RecordsRecovered = counts[OutcomeOK].Load() + counts[OutcomeStale].Load() +
		counts[OutcomeResurrected].Load() + counts[OutcomeIndeterminateKept].Load() + counts[OutcomeIndeterminateLost].Load()
	res.LostAckedWrites = counts[OutcomeLost].Load() + counts[OutcomeStale].Load()
	res.StaleReads = counts[OutcomeStale].Load()
	res.CorruptRecords = counts[OutcomeCorrupt].Load()
	res.ResurrectedDeletes = counts[OutcomeResurrected].Load()
	res.IndeterminateKept = counts[OutcomeIndeterminateKept].Load()
	res.IndeterminateLost = counts[OutcomeIndeterminateLost].Load()
	if o := oldestLost.Load(); o >= 0 {
		crash := c.runStart.Add(c.crashEl).Sub(c.ledger.Epoch())
		// A write acknowledged while the crash was under way can be lost
		// too; its window is 0, not negative.
		res.LostWindowMS = ptr(ms(max(crash-time.Duration(o), 0)))
	}
	res.VerifyMS = ms(time.Since(start))
	return nil
}

func (c *cellRun) verifyRange(ctx context.Context, lo, hi int64, counts *[OutcomeIndeterminateLost + 1]atomic.Int64, oldestLost *atomic.Int64) error {
	ops := make([]drivers.Op, 0, verifyBatch)
	for k := lo; k < hi; {
		if err := ctx.Err(); err != nil {
			return err
		}
		ops = ops[:0]
		first := k
		for ; k < hi && len(ops) < verifyBatch; k++ {
			ops = append(ops, drivers.Op{Kind: drivers.OpGet, Key: workloads.Key(nil, uint64(k))})
		}
		if err := c.readBatch(ctx, ops); err != nil {
			return err
		}
		for i := range ops {
			key := uint64(first) + uint64(i)
			if ops[i].Err != nil {
				return ops[i].Err
			}
			e := c.ledger.Get(key)
			var ver uint64
			var verr error
			if ops[i].Found {
				ver, verr = workloads.CheckValue(key, ops[i].Value)
			}
			o := Classify(e, ops[i].Found, ver, verr)
			counts[o].Add(1)
			if o == OutcomeLost || o == OutcomeStale {
				at := int64(e.AckedAt)
				for {
					cur := oldestLost.Load()
					if (cur >= 0 && cur <= at) || oldestLost.CompareAndSwap(cur, at) {
						break
					}
				}
			}
		}
	}
	return nil
}

func (c *cellRun) readBatch(ctx context.Context, ops []drivers.Op) error {
	if c.pipe != nil {
		return c.pipe.Pipeline(ctx, ops)
	}
	for i := range ops {
		v, found, err := c.drv.Get(ctx, ops[i].Key, nil)
		ops[i].Value, ops[i].Found, ops[i].Err = v, found, err
	}
	return nil
}
