package bench

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/persistbench/persistbench/drivers"
)

// hangDriver never becomes ready after a crash.
type hangDriver struct{ *memDriver }

func (h hangDriver) Restart(ctx context.Context) (drivers.Recovery, error) {
	<-ctx.Done()
	return drivers.Recovery{}, ctx.Err()
}

var registerHang sync.Once

// TestNeverReady: a backend that does not come back fails its cell after
// --ready-timeout with the reason, and the next cell still runs and is
// saved.
func TestNeverReady(t *testing.T) {
	registerHang.Do(func() {
		drivers.Register(drivers.Backend{
			Name: "test-hang", Profiles: []string{"none"}, Crashes: []drivers.CrashKind{drivers.CrashKill},
			Open: func(ctx context.Context, cfg drivers.Config) (drivers.Driver, error) {
				return hangDriver{newMemDriver()}, nil
			},
		})
	})
	hang := testCell(t, nil)
	hang.Backend, hang.ReadyTimeout = "test-hang", 300*time.Millisecond
	ok := testCell(t, nil)
	var saves int
	r := &Runner{Progress: NewProgress(nil, false, true), Save: func(*Results) error { saves++; return nil }}
	res := &Results{Schema: Schema}
	start := time.Now()
	if err := r.Run(context.Background(), res, []CellSpec{hang, ok}); err != nil {
		t.Fatal(err)
	}
	if len(res.Cells) != 2 || saves < 2 {
		t.Fatalf("%d cells, %d saves", len(res.Cells), saves)
	}
	c := res.Cells[0]
	if c.Status != StatusFailed || !strings.Contains(c.Error, "not ready after") || !strings.Contains(c.Error, "--ready-timeout") {
		t.Fatalf("hung cell: status %q, error %q", c.Status, c.Error)
	}
	if c.Ops == 0 || len(c.Latency) == 0 {
		t.Fatalf("the hung cell lost what it measured before the crash: ops %d", c.Ops)
	}
	if res.Cells[1].Status != StatusOK || res.Cells[1].Recovery == nil {
		t.Fatalf("the next cell: %s %s", res.Cells[1].Status, res.Cells[1].Error)
	}
	if el := time.Since(start); el > time.Minute {
		t.Fatalf("the timeout did not bound the restart: %s", el)
	}
}
