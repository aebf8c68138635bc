package reference

import (
	"fmt"
	"io"
	"time"

	"github.com/persistbench/persistbench/reference/aof"
	"github.com/persistbench/persistbench/reference/rdb"
)

// cron checks the save points and the AOF rewrite rule ten times a second,
// as Redis's serverCron does, and starts a background snapshot or rewrite
// when one is due and none is running.
func (s *Store) cron() {
	defer close(s.done)
	t := time.NewTicker(cronEvery)
	defer t.Stop()
	for {
		select {
		case <-s.quit:
			return
		case <-t.C:
		}
		if s.childBusy.Load() {
			continue
		}
		if s.saveDue() {
			_ = s.BGSave()
		} else if s.rewriteDue() {
			_ = s.BGRewriteAOF()
		}
	}
}

func (s *Store) saveDue() bool {
	if len(s.p.Save) == 0 {
		return false
	}
	s.mu.Lock()
	since, failed := time.Since(s.lastSave), s.lastSaveFailed
	dirty := s.writes() - s.writesAtSave
	s.mu.Unlock()
	if failed && since < bgsaveRetry {
		return false
	}
	return rdb.ShouldSave(s.p.Save, since, dirty)
}

func (s *Store) rewriteDue() bool {
	if s.aof == nil || s.p.RewritePercent <= 0 {
		return false
	}
	return aof.ShouldRewrite(s.aof.Size(), s.aof.BaseSize(), s.p.RewritePercent, s.p.RewriteMinBytes)
}

// errBusy is returned when a snapshot or rewrite is already running.
var errBusy = fmt.Errorf("reference: a background snapshot or rewrite is already running")

func (s *Store) startChild() bool {
	if !s.childBusy.CompareAndSwap(false, true) {
		return false
	}
	s.children.Add(1)
	return true
}

func (s *Store) endChild() {
	s.childBusy.Store(false)
	s.children.Done()
}

// BGSave starts a point-in-time snapshot to dump.rdb in the background
// (Redis's BGSAVE): the snapshot epoch is taken at once, without stopping
// writers, and the file is written as temp-<id>.rdb, fsynced and renamed.
func (s *Store) BGSave() error {
	if !s.startChild() {
		return errBusy
	}
	start := time.Now()
	writesAtStart := s.writes()
	snap, err := s.DB.BeginSnapshot()
	if err != nil {
		s.endChild()
		return err
	}
	go func() {
		defer s.endChild()
		st, err := s.writeRDB(snap)
		d := time.Since(start)
		s.mu.Lock()
		if err == nil {
			s.lastSave, s.writesAtSave, s.lastSaveFailed = start, writesAtStart, false
			s.st.Snapshots++
			s.st.SnapshotBytes += st.Bytes
			s.st.LastSnapshot = d
		} else {
			s.lastSave, s.lastSaveFailed = time.Now(), true
			s.st.SnapshotsFailed++
		}
		s.mu.Unlock()
		if s.abandoned.Load() {
			return
		}
		detail := fmt.Sprintf("%d keys, %d bytes", st.Keys, st.Bytes)
		if err != nil {
			detail = "failed: " + err.Error()
		}
		s.p.OnEvent("snapshot", start, d, detail)
	}()
	return nil
}

func (s *Store) writeRDB(snap *Snapshot) (rdb.SaveStats, error) {
	defer snap.Close()
	opts := rdb.Options{Compress: s.p.RDBCompression, Ctime: time.Now(), UsedMem: s.DB.Stats().SlabBytes}
	return rdb.Save(s.fs, s.dir, DumpName, opts, func(enc *rdb.Encoder) error {
		if err := enc.SelectDB(0, uint64(s.DB.Len()), 0); err != nil {
			return err
		}
		return snap.Each(enc.Set)
	})
}

// BGRewriteAOF rewrites the append-only file in the background (Redis's
// BGREWRITEAOF): a new incr file takes writes at once, the new base is
// written from a point-in-time snapshot (RESP, or RDB with the preamble),
// then the manifest switches to it and the old files go.
func (s *Store) BGRewriteAOF() error {
	if s.aof == nil {
		return fmt.Errorf("reference: no append-only file to rewrite")
	}
	if !s.startChild() {
		return errBusy
	}
	if _, err := s.aof.BeginRewriteNext(); err != nil {
		s.endChild()
		return err
	}
	snap, err := s.DB.BeginSnapshot()
	if err != nil {
		_ = s.aof.AbortRewrite()
		s.endChild()
		return err
	}
	go func() {
		defer s.endChild()
		defer snap.Close()
		err := s.aof.FinishRewrite(func(w io.Writer) error { return s.writeBase(w, snap) })
		if err != nil {
			_ = s.aof.AbortRewrite()
			return
		}
		s.mu.Lock()
		s.st.Rewrites++
		s.mu.Unlock()
	}()
	return nil
}

func (s *Store) writeBase(w io.Writer, snap *Snapshot) error {
	if s.p.Preamble {
		enc, err := rdb.NewEncoder(w, rdb.Options{Compress: s.p.RDBCompression, AOFBase: true, Ctime: time.Now()})
		if err != nil {
			return err
		}
		if err := enc.SelectDB(0, uint64(s.DB.Len()), 0); err != nil {
			return err
		}
		if err := snap.Each(enc.Set); err != nil {
			return err
		}
		return enc.Close()
	}
	bw := aof.NewBaseWriter(w)
	if err := snap.Each(bw.Set); err != nil {
		return err
	}
	return bw.Flush()
}
