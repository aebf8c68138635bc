package flash

import (
	"strconv"
	"time"
)

// check reads every key after a cold start and judges it against its
// history (see TestCrash), then records the recovered state as a required
// operation of the history, so that the next life's check builds on it.
func (r *crashRun) check(s *Store, tl *tally, where string) {
	r.frontierMu.Lock()
	frontier := r.frontier
	r.frontierMu.Unlock()
	for _, k := range r.keys {
		h := r.hist[k]
		got, ok, err := s.Get([]byte(k), nil)
		if err != nil {
			r.t.Fatalf("%s: Get(%s) after cold start: %v", where, k, err)
		}
		version := -1
		if ok {
			if version, err = parseValue(k, got); err != nil {
				r.t.Fatalf("%s: %s: corrupt value served: %v", where, k, err)
			}
		}
		kMin := r.required(h, frontier)
		v := judge(h, kMin, r.durable, ok, version)
		switch {
		case v == verdictOK:
		case v == verdictResurrected && !r.durable:
			tl.resurrectedNonDurable++
		default:
			r.t.Fatalf("%s: %s recovered as (present=%v version=%d): %s; history %s (required from #%d, frontier %v)",
				where, k, ok, version, v, fmtHistory(h), kMin, frontier.Format(time.StampMicro))
		}
		if last := lastAcked(h); last >= 0 && v == verdictOK && !r.commit && !reflects(h, last, ok, version) {
			tl.lostInWindow++
		}
		tl.acked += countAcked(h)
		r.hist[k] = append(h, op{del: !ok, version: max(version, 0), acked: true, recovered: true})
	}
}

// required is the index of the last operation that must have survived:
// with CommitToDevice the last acknowledged one; without, the last one
// acknowledged no later than the flush frontier (it was appended before the
// frontier, so the flush that reported it covered it); and never before the
// state an earlier cold start recovered. -1 means none.
func (r *crashRun) required(h []op, frontier time.Time) int {
	kMin := -1
	for i, o := range h {
		switch {
		case o.recovered:
			kMin = i
		case !o.acked:
		case r.commit || !o.at.After(frontier):
			kMin = i
		}
	}
	return kMin
}

type verdict string

const (
	verdictOK          verdict = "ok"
	verdictResurrected verdict = "a deleted version came back"
	verdictLost        verdict = "an acknowledged write is lost"
	verdictUnknown     verdict = "a version never written"
)

// judge decides whether the recovered state (present, version) is allowed.
// Allowed: the state after some operation at index >= kMin (the required
// one survived, and maybe later ones, acknowledged or in flight). Without
// durable deletes, also: once a delete follows the last required set, that
// set's record may be gone (defrag drops records the index no longer
// names), so the key may be absent or show any older version (a
// resurrection). With durable deletes a resurrection is a violation: the
// tombstone outlives every older version.
func judge(h []op, kMin int, durable, present bool, version int) verdict {
	lastReqSet := -1
	for i := 0; i <= kMin; i++ {
		if !h[i].del {
			lastReqSet = i
		}
	}
	deletedAfter := func(from int) bool {
		for i := from + 1; i < len(h); i++ {
			if h[i].del {
				return true
			}
		}
		return false
	}
	if !present {
		if kMin < 0 || deletedAfter(kMin-1) || (!durable && deletedAfter(lastReqSet)) {
			return verdictOK
		}
		return verdictLost
	}
	at := position(h, version)
	switch {
	case at < 0:
		return verdictUnknown
	case at >= kMin:
		return verdictOK
	case deletedAfter(lastReqSet) || deletedAfter(at):
		return verdictResurrected
	}
	return verdictLost
}

// position is the index of the last operation that set version, or -1.
func position(h []op, version int) int {
	at := -1
	for i, o := range h {
		if !o.del && o.version == version {
			at = i
		}
	}
	return at
}

func lastAcked(h []op) int {
	for i := len(h) - 1; i >= 0; i-- {
		if h[i].acked {
			return i
		}
	}
	return -1
}

// reflects reports whether the recovered state is that of h[i] or of a
// later operation.
func reflects(h []op, i int, present bool, version int) bool {
	if present {
		return position(h, version) >= i
	}
	for j := i; j < len(h); j++ {
		if h[j].del {
			return true
		}
	}
	return false
}

func countAcked(h []op) int {
	n := 0
	for _, o := range h {
		if o.acked && !o.recovered {
			n++
		}
	}
	return n
}

func fmtHistory(h []op) string {
	out := ""
	for i, o := range h {
		s := "set"
		if o.del {
			s = "del"
		}
		flag := ""
		switch {
		case o.recovered:
			flag = "(recovered)"
		case !o.acked:
			flag = "(in flight)"
		}
		out += " #" + strconv.Itoa(i) + ":" + s + strconv.Itoa(o.version) + flag
		if o.acked && !o.recovered {
			out += "@" + o.at.Format("05.000000")
		}
	}
	return out
}
