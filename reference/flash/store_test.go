package flash

import (
	"errors"
	"fmt"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/persistbench/persistbench/reference/vfs"
)

func TestSetGetDelete(t *testing.T) {
	for _, durable := range []bool{false, true} {
		for _, commit := range []bool{false, true} {
			t.Run(fmt.Sprintf("durable=%v/commit=%v", durable, commit), func(t *testing.T) {
				o := small(vfs.NewCrash(vfs.CrashOptions{}))
				o.DurableDelete, o.CommitToDevice = durable, commit
				s := mustOpen(t, o)
				defer s.Close()
				steps := []struct {
					op, k, v string
					want     string
					ok       bool
				}{
					{"set", "a", "1", "1", true},
					{"set", "b", "2", "2", true},
					{"set", "a", "11", "11", true},
					{"del", "a", "", "", false},
					{"get", "b", "", "2", true},
					{"del", "zz", "", "", false},
					{"set", "a", "111", "111", true},
					{"set", "e", "", "", true},
				}
				for i, st := range steps {
					switch st.op {
					case "set":
						mustSet(t, s, st.k, st.v)
					case "del":
						if _, err := s.Delete([]byte(st.k)); err != nil {
							t.Fatalf("step %d: Delete: %v", i, err)
						}
					}
					wantGet(t, s, st.k, st.want, st.ok)
				}
				if n := s.Len(); n != 3 {
					t.Fatalf("Len = %d, want 3", n)
				}
				if ok, _ := s.Delete([]byte("b")); !ok {
					t.Fatal("Delete(b) = false, want true")
				}
				if ok, _ := s.Delete([]byte("b")); ok {
					t.Fatal("second Delete(b) = true, want false")
				}
			})
		}
	}
}

// TestReopen fills several blocks, closes, and checks a cold start finds
// every last version and no deleted key.
func TestReopen(t *testing.T) {
	for _, durable := range []bool{false, true} {
		t.Run(fmt.Sprintf("durable=%v", durable), func(t *testing.T) {
			fs := vfs.NewCrash(vfs.CrashOptions{})
			o := small(fs)
			o.DurableDelete = durable
			s := mustOpen(t, o)
			want := map[string]string{}
			for i := 0; i < 600; i++ {
				k := fmt.Sprintf("k%03d", i%150)
				v := string(value(k, i, 100+i%300))
				mustSet(t, s, k, v)
				want[k] = v
			}
			for i := 0; i < 150; i += 7 {
				k := fmt.Sprintf("k%03d", i)
				if _, err := s.Delete([]byte(k)); err != nil {
					t.Fatal(err)
				}
				delete(want, k)
			}
			if err := s.Close(); err != nil {
				t.Fatal(err)
			}
			s = mustOpen(t, o)
			defer s.Close()
			cs := s.ColdStart()
			if !cs.Cold || cs.BlocksUsed == 0 || cs.RecordsScanned < int64(len(want)) {
				t.Fatalf("cold start %+v", cs)
			}
			resurrected := 0
			for i := 0; i < 150; i++ {
				k := fmt.Sprintf("k%03d", i)
				got, ok, err := s.Get([]byte(k), nil)
				if err != nil {
					t.Fatal(err)
				}
				w, live := want[k]
				switch {
				case live && (!ok || string(got) != w):
					t.Fatalf("%s = %.20q, %v; want %.20q", k, got, ok, w)
				case !live && ok:
					resurrected++
				}
			}
			if durable && resurrected > 0 {
				t.Fatalf("%d deleted keys came back with durable deletes", resurrected)
			}
			if !durable && resurrected == 0 {
				t.Fatal("no deleted key came back with non-durable deletes: the test proves nothing")
			}
			t.Logf("resurrected %d of %d deleted keys; %+v", resurrected, 22, cs)
		})
	}
}

func TestOptionErrors(t *testing.T) {
	fs := vfs.NewCrash(vfs.CrashOptions{})
	cases := []struct {
		name string
		edit func(*Options)
		want string
	}{
		{"no dir", func(o *Options) { o.Dir = "" }, "Dir is empty"},
		{"no size", func(o *Options) { o.DeviceBytes = 0 }, "DeviceBytes is 0"},
		{"odd block", func(o *Options) { o.WriteBlock = 10000 }, "multiple of 4 KiB"},
		{"huge block", func(o *Options) { o.WriteBlock = 32 << 20; o.DeviceBytes = 128 << 20 }, "16 MiB"},
		{"few blocks", func(o *Options) { o.DeviceBytes = 3 * o.WriteBlock }, "at least 4"},
		{"lwm", func(o *Options) { o.DefragLWMPct = 100 }, "DefragLWMPct"},
		{"cache", func(o *Options) { o.PostWriteCache = -1 }, "PostWriteCache"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			o := small(fs)
			o.Dir = "/" + strings.ReplaceAll(c.name, " ", "-")
			c.edit(&o)
			_, err := Open(o)
			if err == nil || !strings.Contains(err.Error(), c.want) || !strings.HasPrefix(err.Error(), "flash: ") {
				t.Fatalf("Open: %v; want an error with %q", err, c.want)
			}
		})
	}
	// Reopening with another geometry is refused.
	o := small(fs)
	s := mustOpen(t, o)
	s.Close()
	o.WriteBlock *= 2
	if _, err := Open(o); err == nil || !strings.Contains(err.Error(), "write blocks of") {
		t.Fatalf("Open with another block size: %v", err)
	}
}

func TestTooLarge(t *testing.T) {
	s := mustOpen(t, small(vfs.NewCrash(vfs.CrashOptions{})))
	defer s.Close()
	big := make([]byte, 16<<10)
	if err := s.Set([]byte("k"), big); !errors.Is(err, ErrTooLarge) {
		t.Fatalf("Set of a block-sized value: %v, want ErrTooLarge", err)
	}
	fits := make([]byte, 16<<10-blockHeaderSize-recordHeaderSize-1)
	if err := s.Set([]byte("k"), fits); err != nil {
		t.Fatalf("Set of the largest value: %v", err)
	}
	got, ok, err := s.Get([]byte("k"), nil)
	if err != nil || !ok || len(got) != len(fits) {
		t.Fatalf("Get = %d bytes, %v, %v", len(got), ok, err)
	}
}

// TestDigestCollision forces every key onto one digest: a read never
// returns another key's value.
func TestDigestCollision(t *testing.T) {
	o := small(vfs.NewCrash(vfs.CrashOptions{}))
	o.digest = func([]byte) digest { return digest{1, 2} }
	s := mustOpen(t, o)
	defer s.Close()
	mustSet(t, s, "a", "1")
	mustSet(t, s, "b", "2")
	wantGet(t, s, "b", "2", true)
	if v, ok, err := s.Get([]byte("a"), nil); !errors.Is(err, ErrDigestCollision) || ok {
		t.Fatalf("Get(a) = %q, %v, %v; want ErrDigestCollision", v, ok, err)
	}
}

// TestWriteError: a failing device write fails the writers waiting on it
// and every later write, with the cause wrapped.
func TestWriteError(t *testing.T) {
	efs := vfs.NewErrorFS(vfs.NewCrash(vfs.CrashOptions{}))
	o := small(efs)
	o.CommitToDevice = true
	s := mustOpen(t, o)
	defer s.Close()
	mustSet(t, s, "a", "1")
	efs.Inject(vfs.Fault{Op: vfs.OpWrite, Path: DeviceFile, Err: syscall.EIO})
	err := s.Set([]byte("b"), []byte("2"))
	if !errors.Is(err, syscall.EIO) || !strings.HasPrefix(err.Error(), "flash: write block") {
		t.Fatalf("Set with a failing device: %v", err)
	}
	if err := s.Set([]byte("c"), []byte("3")); !errors.Is(err, syscall.EIO) {
		t.Fatalf("Set after the failure: %v", err)
	}
	wantGet(t, s, "a", "1", true)
}

// TestClosed: operations after Close and Abandon fail with ErrClosed.
func TestClosed(t *testing.T) {
	for _, abandon := range []bool{false, true} {
		s := mustOpen(t, small(vfs.NewCrash(vfs.CrashOptions{})))
		if abandon {
			s.Abandon()
		} else if err := s.Close(); err != nil {
			t.Fatal(err)
		}
		if err := s.Set([]byte("a"), nil); !errors.Is(err, ErrClosed) {
			t.Fatalf("abandon=%v: Set after close: %v", abandon, err)
		}
		if _, err := s.Delete([]byte("a")); !errors.Is(err, ErrClosed) {
			t.Fatalf("abandon=%v: Delete after close: %v", abandon, err)
		}
		if err := s.Close(); !errors.Is(err, ErrClosed) {
			t.Fatalf("abandon=%v: second Close: %v", abandon, err)
		}
	}
}

// TestDeviceFull: live data that fills the device stops client writes
// with ErrDeviceFull instead of blocking for ever.
func TestDeviceFull(t *testing.T) {
	s := mustOpen(t, small(vfs.NewCrash(vfs.CrashOptions{})))
	defer s.Close()
	v := make([]byte, 1000)
	var err error
	done := make(chan struct{})
	go func() {
		defer close(done)
		for i := 0; i < 10000 && err == nil; i++ {
			err = s.Set([]byte(fmt.Sprint(i)), v)
		}
	}()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		t.Fatal("writes into a full device hang")
	}
	if !errors.Is(err, ErrDeviceFull) {
		t.Fatalf("writing 10 MB into a 512 KiB device: %v", err)
	}
	st := s.Stats()
	if st.BlocksFree > int64(s.reserve) {
		t.Fatalf("device full with %d free blocks (reserve %d)", st.BlocksFree, s.reserve)
	}
	t.Logf("full after %d records: %+v", st.Records, st)
}
