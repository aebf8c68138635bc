package flash

import "fmt"

func (s *Store) debugState() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := fmt.Sprintf("seq=%d durable=%d free=%v pending=%v sealed=%d urgent=%v stuck=%v reserve=%d", s.seq, s.durable, s.free, s.pending, len(s.sealed), s.urgent, s.defragStuck, s.reserve)
	for _, b := range s.pending {
		out += fmt.Sprintf(" stamp[%d]=%d", b, s.blocks[b].stamp)
	}
	if c := s.cur; c != nil {
		out += fmt.Sprintf(" cur{block=%d used=%d mark=%d}", c.block, c.used, c.mark)
	}
	for i := range s.blocks {
		out += fmt.Sprintf(" [%d st=%d live=%d]", i, s.blocks[i].status, s.blocks[i].live)
	}
	return out
}

// checkInvariants verifies, under the store's lock, that no index entry
// names a block that is free or waiting to be freed, and that each block's
// live bytes are the sum of the entries naming it.
func (s *Store) checkInvariants() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	live := make([]int64, len(s.blocks))
	for i := range s.idx.shards {
		for d, e := range s.idx.shards[i].m {
			b := e.block()
			if st := s.blocks[b].status; st == statusFree || st == statusPending || st == statusHeader {
				return fmt.Errorf("digest %x names block %d in status %d", d, b, st)
			}
			live[b] += int64(e.size())
		}
	}
	for b := range s.blocks {
		if live[b] != s.blocks[b].live {
			return fmt.Errorf("block %d: live %d, entries add up to %d", b, s.blocks[b].live, live[b])
		}
	}
	return nil
}
