package fsyncprobe

import (
	"errors"
	"sync"
	"sync/atomic"
	"time"
)

// Writers runs n acknowledged writes from the given number of goroutines:
// each takes the next index i (1 to n, each once) and calls write(w, i),
// where w is its own number (0 to writers-1). It returns the wall time
// until the last write returned. After a write fails no new ones start;
// the errors are joined.
//
// It is the harness the probe runs in, and the one a benchmark runs the
// store it compares with the probe in, so that both see the same load.
func Writers(writers, n int, write func(w, i int) error) (time.Duration, error) {
	var (
		next   atomic.Int64
		failed atomic.Bool
		wg     sync.WaitGroup
		mu     sync.Mutex
		errs   []error
	)
	start := time.Now()
	for w := range max(writers, 1) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for !failed.Load() {
				i := int(next.Add(1))
				if i > n {
					return
				}
				if err := write(w, i); err != nil {
					failed.Store(true)
					mu.Lock()
					errs = append(errs, err)
					mu.Unlock()
					return
				}
			}
		}()
	}
	wg.Wait()
	return time.Since(start), errors.Join(errs...)
}
