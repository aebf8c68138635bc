package reference

import (
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"
)

// The crash tests' model. Each writer owns its keys, so a key's operations
// form one sequence whose order the test knows; at most the last one of a
// writer is in flight when the process dies.

// keyOp is one Set or Delete of a key, as its writer saw it.
type keyOp struct {
	del     bool
	value   string
	acked   bool      // the store acknowledged it before the process died
	ackedAt time.Time // fake clock
	ackSeq  int64     // global order of acknowledgements
	durable bool      // known durable: prefill, or acknowledged before a rewrite began
}

// keyHist is the history of one key; ops[0] is the prefill when there was one.
type keyHist struct {
	key string
	ops []keyOp
}

// crashValue is a self-describing value: key, version, then a padding whose
// length varies from a few bytes to a few pages (compressible, so RDB's
// LZF path runs), so a torn or foreign value never passes for a real one.
func crashValue(key string, ver int, pad int) string {
	return key + "#" + strconv.Itoa(ver) + "#" + strings.Repeat(string(rune('a'+ver%26)), pad)
}

// version parses crashValue; ok is false for anything crashValue for this
// key cannot have written.
func version(key, v string) (int, bool) {
	rest, ok := strings.CutPrefix(v, key+"#")
	if !ok {
		return 0, false
	}
	num, _, ok := strings.Cut(rest, "#")
	if !ok {
		return 0, false
	}
	n, err := strconv.Atoi(num)
	return n, err == nil
}

// states returns the indexes j of h.ops such that the key's state after
// ops[0..j] is what was recovered (-1: before any op, the key absent), or
// an error when no op could have left that value (a torn or foreign
// record). torn reports a value that is op j's with some bytes zeroed: a
// record whose middle page did not reach the disk, which Load must never
// replay (the AOF's batch checksums catch it).
func (h *keyHist) states(v string, present bool) (js []int, torn bool, err error) {
	if present {
		j, ok := version(h.key, v)
		if ok && j >= 0 && j < len(h.ops) && !h.ops[j].del && h.ops[j].value == v {
			return []int{j}, false, nil
		}
		for i, op := range h.ops { // the zeros may cover the version too
			if !op.del && zeroed(op.value, v) {
				js = append(js, i)
			}
		}
		if len(js) > 0 {
			return js, true, nil
		}
		what := "beyond the ops made"
		if ok && j >= 0 && j < len(h.ops) {
			what = fmt.Sprintf("op %d was a set of %d bytes%s", j, len(h.ops[j].value), firstDiff(h.ops[j].value, v))
			if h.ops[j].del {
				what = fmt.Sprintf("op %d was a delete", j)
			}
		}
		return nil, false, fmt.Errorf("key %s: recovered %d bytes %.40q that no write made (%s; %d ops)", h.key, len(v), v, what, len(h.ops))
	}
	js = []int{-1}
	for j, op := range h.ops {
		if op.del {
			js = append(js, j)
		}
	}
	return js, false, nil
}

// zeroed reports whether got is want with some bytes replaced by zeros.
func zeroed(want, got string) bool {
	if len(want) != len(got) {
		return false
	}
	for i := range len(want) {
		if got[i] != want[i] && got[i] != 0 {
			return false
		}
	}
	return true
}

// lossRule says which acknowledged operations must survive a crash.
type lossRule struct {
	// window: an acknowledged op older than this at the crash must survive
	// (0: every acknowledged op must).
	window time.Duration
	// durableOnly: only ops known durable must survive (rdb).
	durableOnly bool
}

// mustSurvive is the last op of h that the rule says must survive, -1 if none.
func (h *keyHist) mustSurvive(r lossRule, cut time.Time) int {
	for j := len(h.ops) - 1; j >= 0; j-- {
		op := h.ops[j]
		switch {
		case op.durable:
			return j
		case !op.acked || r.durableOnly:
		case r.window == 0 || cut.Sub(op.ackedAt) > r.window:
			return j
		}
	}
	return -1
}

// lastAcked is the last acknowledged op of h, -1 if none.
func (h *keyHist) lastAcked() int {
	for j := len(h.ops) - 1; j >= 0; j-- {
		if h.ops[j].acked || h.ops[j].durable {
			return j
		}
	}
	return -1
}

// verdict is what the model made of one recovered state.
type verdict struct {
	errs       []string
	lostKeys   int           // keys recovered older than their last acknowledged op
	lostWindow time.Duration // the crash minus the oldest lost acknowledgement
}

func (v *verdict) errorf(format string, args ...any) {
	if len(v.errs) < 6 {
		v.errs = append(v.errs, fmt.Sprintf(format, args...))
	}
}

// check compares a recovered state with the histories under rule r.
func check(hists []*keyHist, got map[string]string, r lossRule, cut time.Time) verdict {
	var v verdict
	known := make(map[string]bool, len(hists))
	for _, h := range hists {
		known[h.key] = true
		val, present := got[h.key]
		js, torn, err := h.states(val, present)
		if err != nil {
			v.errorf("%v", err)
			continue
		}
		hi, lo := len(h.ops)-1, h.mustSurvive(r, cut)
		best := -2
		for _, j := range js {
			if j <= hi {
				best = max(best, j)
			}
		}
		switch {
		case best == -2:
			v.errorf("key %s: recovered state of op %v beyond the %d ops made", h.key, js, len(h.ops))
			continue
		case best < lo:
			v.errorf("key %s: recovered the state after op %d, but op %d (%s) had to survive",
				h.key, best, lo, h.describe(lo, cut))
		case torn:
			v.errorf("key %s: recovered op %d's value with zeroed bytes (a torn record loaded as data)%s", h.key, best, firstDiff(h.ops[best].value, val))
		}
		if la := h.lastAcked(); best < la {
			v.lostKeys++
			for j := best + 1; j <= la; j++ {
				if op := h.ops[j]; op.acked {
					v.lostWindow = max(v.lostWindow, cut.Sub(op.ackedAt))
					break
				}
			}
		}
	}
	var unknown []string
	for k := range got {
		if !known[k] {
			unknown = append(unknown, k)
		}
	}
	if len(unknown) > 0 {
		sort.Strings(unknown)
		v.errorf("%d keys no writer wrote, e.g. %.40q", len(unknown), unknown[0])
	}
	return v
}

func (h *keyHist) describe(j int, cut time.Time) string {
	op := h.ops[j]
	kind := "set"
	if op.del {
		kind = "delete"
	}
	switch {
	case op.durable && !op.acked:
		return kind + ", prefilled"
	case op.durable:
		return fmt.Sprintf("%s acknowledged %v before the crash, durable before a rewrite", kind, cut.Sub(op.ackedAt))
	}
	return fmt.Sprintf("%s acknowledged %v before the crash", kind, cut.Sub(op.ackedAt))
}

// stateAt is the state a snapshot at epoch e holds: base, then every write
// the recorder saw with an epoch below e.
func stateAt(base map[string]string, rec *recorder, e uint64) map[string]string {
	out := make(map[string]string, len(base))
	for k, v := range base {
		out[k] = v
	}
	rec.mu.Lock()
	defer rec.mu.Unlock()
	for _, le := range rec.log {
		if le.epoch >= e {
			continue
		}
		if le.del {
			delete(out, le.key)
		} else {
			out[le.key] = le.value
		}
	}
	return out
}

func sameState(a, b map[string]string) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if w, ok := b[k]; !ok || w != v {
			return false
		}
	}
	return true
}

// firstDiff says where got departs from want and what it holds there.
func firstDiff(want, got string) string {
	for i := 0; i < min(len(want), len(got)); i++ {
		if want[i] != got[i] {
			n := 0
			for i+n < len(got) && got[i+n] != want[i+n] {
				n++
			}
			return fmt.Sprintf(", differing from byte %d for %d bytes (%.8q)", i, n, got[i:])
		}
	}
	return ""
}
