package flash

import (
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/persistbench/persistbench/reference/vfs"
	"pgregory.net/rapid"
)

// TestDefragKeepsRecordsReadable is the property: whatever the writes and
// deletes, while defrag moves records under them, every live record stays
// readable with its last value (checked on every step and continuously by
// a reader of keys that are never rewritten), and after Close and a cold
// start too.
func TestDefragKeepsRecordsReadable(t *testing.T) {
	var defrags, runs atomic.Int64
	rapid.Check(t, func(rt *rapid.T) {
		o := small(vfs.NewCrash(vfs.CrashOptions{}))
		// 16 blocks for at most ~80 KB live: freed blocks are reused soon,
		// so a record defrag failed to move would be overwritten.
		o.DeviceBytes = 16 * o.WriteBlock
		o.DefragLWMPct = rapid.IntRange(50, 90).Draw(rt, "lwm")
		o.DurableDelete = rapid.Bool().Draw(rt, "durable")
		o.CommitToDevice = rapid.Bool().Draw(rt, "commit")
		o.PostWriteCache = rapid.SampledFrom([]int64{0, 64 << 10}).Draw(rt, "cache")
		s, err := Open(o)
		if err != nil {
			rt.Fatal(err)
		}
		defer s.Close()

		pinned := map[string][]byte{}
		for i := 0; i < 6; i++ {
			k := fmt.Sprintf("pin%d", i)
			pinned[k] = value(k, 0, 300+i*400)
			if err := s.Set([]byte(k), pinned[k]); err != nil {
				rt.Fatal(err)
			}
		}
		stop := make(chan struct{})
		var wg sync.WaitGroup
		var readErr atomic.Value
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				for k, want := range pinned {
					select {
					case <-stop:
						return
					default:
					}
					got, ok, err := s.Get([]byte(k), nil)
					if err != nil || !ok || string(got) != string(want) {
						readErr.CompareAndSwap(nil, fmt.Sprintf("%s: %.20q %v %v", k, got, ok, err))
					}
				}
			}
		}()

		model := map[string][]byte{}
		written := map[string]map[int]bool{} // every version of each key
		version := 0
		key := func(rt *rapid.T) string { return fmt.Sprintf("k%02d", rapid.IntRange(0, 23).Draw(rt, "key")) }
		check := func(rt *rapid.T, k string) {
			got, ok, err := s.Get([]byte(k), nil)
			want, live := model[k]
			if err != nil || ok != live || string(got) != string(want) {
				rt.Fatalf("Get(%s) = %.20q, %v, %v; want %.20q, %v (defrags so far %d)",
					k, got, ok, err, want, live, s.st.defragBlocks.Load())
			}
		}
		set := func(rt *rapid.T, k string, size int) {
			version++
			v := value(k, version, size)
			if err := s.Set([]byte(k), v); err != nil {
				rt.Fatal(err)
			}
			model[k] = v
			if written[k] == nil {
				written[k] = map[int]bool{}
			}
			written[k][version] = true
		}
		rt.Repeat(map[string]func(*rapid.T){
			"set": func(rt *rapid.T) { set(rt, key(rt), rapid.IntRange(200, 3000).Draw(rt, "size")) },
			// A burst of overwrites of a range of keys fills blocks and
			// leaves older ones mostly dead: defrag's food.
			"burst": func(rt *rapid.T) {
				from, n := rapid.IntRange(0, 23).Draw(rt, "from"), rapid.IntRange(1, 40).Draw(rt, "n")
				size := rapid.IntRange(200, 3000).Draw(rt, "size")
				for i := 0; i < n; i++ {
					set(rt, fmt.Sprintf("k%02d", (from+i)%24), size)
				}
			},
			"delete": func(rt *rapid.T) {
				k := key(rt)
				ok, err := s.Delete([]byte(k))
				_, live := model[k]
				if err != nil || ok != live {
					rt.Fatalf("Delete(%s) = %v, %v; want %v", k, ok, err, live)
				}
				delete(model, k)
			},
			"get": func(rt *rapid.T) { check(rt, key(rt)) },
			"": func(rt *rapid.T) {
				if err := s.checkInvariants(); err != nil {
					rt.Fatal(err)
				}
			},
		})
		close(stop)
		wg.Wait()
		if e := readErr.Load(); e != nil {
			rt.Fatalf("a record never rewritten became unreadable during defrag: %s", e)
		}
		for i := 0; i < 24; i++ {
			check(rt, fmt.Sprintf("k%02d", i))
		}
		defrags.Add(s.st.defragBlocks.Load())
		runs.Add(1)
		if err := s.Close(); err != nil {
			rt.Fatal(err)
		}
		if s, err = Open(o); err != nil {
			rt.Fatal(err)
		}
		for i := 0; i < 24; i++ {
			k := fmt.Sprintf("k%02d", i)
			got, ok, err := s.Get([]byte(k), nil)
			want, live := model[k]
			switch {
			case err != nil:
				rt.Fatalf("after cold start: Get(%s): %v", k, err)
			case live && string(got) != string(want):
				rt.Fatalf("after cold start: %s = %.20q, %v; want %.20q", k, got, ok, want)
			case !live && ok && o.DurableDelete:
				rt.Fatalf("after cold start: %s deleted durably, came back", k)
			case !live && ok:
				// A non-durable delete may come back, with a version once written.
				if v, err := parseValue(k, got); err != nil || !written[k][v] {
					rt.Fatalf("after cold start: %s came back as %.20q: %v", k, got, err)
				}
			}
		}
	})
	t.Logf("%d blocks defragged over %d runs", defrags.Load(), runs.Load())
	if defrags.Load() == 0 {
		t.Error("defrag never ran: the property proves nothing")
	}
}

// TestDefragFreesWhenDurable: a defragged block is not reused until the
// copies of its records are on the device, so a crash in between finds the
// originals.
func TestDefragFreesWhenDurable(t *testing.T) {
	fs := vfs.NewCrash(vfs.CrashOptions{})
	o := small(fs)
	o.FlushMax = time.Hour // only full blocks are flushed
	o.DefragLWMPct = 60
	s := mustOpen(t, o)
	// Two blocks of records, then overwrite most of the first block's keys.
	for i := 0; i < 40; i++ {
		mustSet(t, s, fmt.Sprintf("k%02d", i), string(value(fmt.Sprint(i), 0, 700)))
	}
	for i := 0; i < 15; i++ {
		mustSet(t, s, fmt.Sprintf("k%02d", i), string(value(fmt.Sprint(i), 1, 700)))
	}
	waitFor(t, "a defrag", func() bool { return s.st.defragBlocks.Load() > 0 })
	s.mu.Lock()
	pending := len(s.pending)
	for _, b := range s.pending {
		if s.blocks[b].stamp <= s.durable {
			t.Errorf("block %d pending with its moves durable", b)
		}
	}
	s.mu.Unlock()
	if pending == 0 {
		t.Fatal("the defragged block was freed before its moved records were flushed")
	}
	// Crash now: the moved records were only in the buffer.
	s.Abandon()
	fs.PowerCut()
	s = mustOpen(t, o)
	defer s.Close()
	for i := 0; i < 40; i++ {
		k := fmt.Sprintf("k%02d", i)
		if _, ok, err := s.Get([]byte(k), nil); err != nil || !ok {
			t.Fatalf("%s lost: %v", k, err)
		}
	}
}
