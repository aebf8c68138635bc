package bench

import (
	"fmt"
	"io"
	"sync"
	"time"

	"github.com/schollz/progressbar/v3"
)

// Progress tells the user what a long run is doing: a bar per phase on a
// terminal, a plain line every few seconds when output is piped, nothing
// when quiet. It is safe for concurrent use.
type Progress struct {
	mu    sync.Mutex
	w     io.Writer
	tty   bool
	quiet bool

	bar      *progressbar.ProgressBar
	label    string
	lastLine time.Time
}

// plainEvery is how often a piped run prints a progress line.
const plainEvery = 5 * time.Second

// NewProgress writes progress to w (usually stderr); tty selects the bar.
func NewProgress(w io.Writer, tty, quiet bool) *Progress {
	return &Progress{w: w, tty: tty, quiet: quiet || w == nil}
}

// Printf prints a status line (not when quiet).
func (p *Progress) Printf(format string, args ...any) {
	if p == nil || p.quiet {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	p.clearBar()
	fmt.Fprintf(p.w, format+"\n", args...)
}

// Phase starts showing a phase of known length (0 when unknown).
func (p *Progress) Phase(label string, total time.Duration) {
	if p == nil || p.quiet {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	p.clearBar()
	p.label, p.lastLine = label, time.Now()
	if !p.tty {
		fmt.Fprintf(p.w, "%s ...\n", label)
		return
	}
	max := int64(total / time.Millisecond)
	if max <= 0 {
		max = -1 // spinner
	}
	p.bar = progressbar.NewOptions64(max,
		progressbar.OptionSetWriter(p.w),
		progressbar.OptionSetDescription(label),
		progressbar.OptionSetWidth(24),
		progressbar.OptionThrottle(200*time.Millisecond),
		progressbar.OptionClearOnFinish(),
		progressbar.OptionSetElapsedTime(true),
		progressbar.OptionSetPredictTime(false),
	)
}

// Update reports the state of the current phase.
func (p *Progress) Update(elapsed time.Duration, opsPerSec float64, p99 time.Duration) {
	if p == nil || p.quiet {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	status := fmt.Sprintf("%s  %s ops/s  p99 %s", p.label, FormatRate(opsPerSec), FormatDuration(p99))
	if p.bar != nil {
		p.bar.Describe(status)
		_ = p.bar.Set64(int64(elapsed / time.Millisecond))
		return
	}
	if !p.tty && time.Since(p.lastLine) >= plainEvery {
		p.lastLine = time.Now()
		fmt.Fprintf(p.w, "%s  %s elapsed\n", status, elapsed.Round(100*time.Millisecond))
	}
}

func (p *Progress) clearBar() {
	if p.bar != nil {
		_ = p.bar.Finish()
		p.bar = nil
	}
}

// Done ends the current phase.
func (p *Progress) Done() {
	if p == nil || p.quiet {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	p.clearBar()
}

// FormatRate prints ops/s compactly: 950, 12.3k, 1.25M.
func FormatRate(r float64) string {
	switch {
	case r >= 1e6:
		return fmt.Sprintf("%.2fM", r/1e6)
	case r >= 1e4:
		return fmt.Sprintf("%.1fk", r/1e3)
	}
	return fmt.Sprintf("%.0f", r)
}

// FormatDuration prints a latency with about three significant digits.
func FormatDuration(d time.Duration) string {
	switch {
	case d <= 0:
		return "—"
	case d < time.Microsecond:
		return fmt.Sprintf("%dns", d.Nanoseconds())
	case d < time.Millisecond:
		return fmt.Sprintf("%.0fµs", float64(d)/1e3)
	case d < time.Second:
		return fmt.Sprintf("%.2fms", float64(d)/1e6)
	}
	return fmt.Sprintf("%.2fs", d.Seconds())
}
