package serverproc

import (
	"errors"
	"io"
	"os"
	"strings"
	"sync"
)

// TailBuffer keeps the last max bytes written to it; it is safe for
// concurrent use.
type TailBuffer struct {
	mu  sync.Mutex
	max int
	buf []byte
}

// NewTailBuffer returns a TailBuffer that keeps the last max bytes.
func NewTailBuffer(max int) *TailBuffer { return &TailBuffer{max: max} }

// Write keeps the tail of b; it never fails.
func (t *TailBuffer) Write(b []byte) (int, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.buf = append(t.buf, b...)
	if over := len(t.buf) - t.max; over > 0 {
		t.buf = append(t.buf[:0], t.buf[over:]...)
	}
	return len(b), nil
}

// String returns the bytes kept.
func (t *TailBuffer) String() string {
	t.mu.Lock()
	defer t.mu.Unlock()
	return string(t.buf)
}

// LogTailLines is how much of the server's own output a start error quotes.
const LogTailLines = 12

// LastWords is what the process printed (stdout and stderr, where config
// errors go) and what it logged to logPath since offset, for a start
// error to quote.
func (p *Process) LastWords(logPath string, offset int64) string {
	var parts []string
	if out := LastLines(p.Output(), LogTailLines); out != "" {
		parts = append(parts, "its output:\n"+indent(out))
	}
	if log := LogTail(logPath, offset, LogTailLines); log != "" {
		parts = append(parts, "the last lines of "+logPath+":\n"+indent(log))
	}
	if len(parts) == 0 {
		return "it printed and logged nothing"
	}
	return strings.Join(parts, "\n")
}

// LogTail returns the last n lines of path written after offset (at most
// 1 MiB of it), "" when it cannot be read.
func LogTail(path string, offset int64, n int) string {
	f, err := os.Open(path)
	if err != nil {
		return ""
	}
	defer f.Close()
	if _, err := f.Seek(offset, io.SeekStart); err != nil {
		return ""
	}
	b, err := io.ReadAll(io.LimitReader(f, 1<<20))
	if err != nil && !errors.Is(err, io.EOF) {
		return ""
	}
	return LastLines(string(b), n)
}

// LastLines returns the last n lines of s, trimmed.
func LastLines(s string, n int) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.TrimSpace(strings.Join(lines, "\n"))
}

// FileSize is the size of path, 0 when it does not exist: the offset a
// log has before a start.
func FileSize(path string) int64 {
	fi, err := os.Stat(path)
	if err != nil {
		return 0
	}
	return fi.Size()
}

func indent(s string) string {
	return "  " + strings.ReplaceAll(s, "\n", "\n  ")
}
