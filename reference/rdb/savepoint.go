package rdb

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// SavePoint is one Redis save point (`save <seconds> <changes>`): snapshot
// when at least Changes writes happened and more than Seconds passed since
// the last successful save.
type SavePoint struct {
	Seconds int
	Changes int
}

// ParseSave parses the value of Redis's save directive: pairs of seconds
// and changes separated by spaces, e.g. "3600 1 300 100 60 10000" (the
// Redis default). "" (or the config file's `""`) means no save points.
// As Redis's config check: seconds must be at least 1, changes at least 0.
func ParseSave(s string) ([]SavePoint, error) {
	f := strings.Fields(s)
	if len(f) == 0 || (len(f) == 1 && f[0] == `""`) {
		return nil, nil
	}
	if len(f)%2 != 0 {
		return nil, fmt.Errorf("rdb: save %q: %d numbers, want pairs of <seconds> <changes>", s, len(f))
	}
	points := make([]SavePoint, 0, len(f)/2)
	for i := 0; i < len(f); i += 2 {
		sec, err := strconv.Atoi(f[i])
		if err != nil || sec < 1 {
			return nil, fmt.Errorf("rdb: save %q: token %d %q: seconds must be an integer ≥ 1", s, i+1, f[i])
		}
		ch, err := strconv.Atoi(f[i+1])
		if err != nil || ch < 0 {
			return nil, fmt.Errorf("rdb: save %q: token %d %q: changes must be an integer ≥ 0", s, i+2, f[i+1])
		}
		points = append(points, SavePoint{Seconds: sec, Changes: ch})
	}
	return points, nil
}

// FormatSave formats points the way ParseSave reads them.
func FormatSave(points []SavePoint) string {
	var b strings.Builder
	for i, p := range points {
		if i > 0 {
			b.WriteByte(' ')
		}
		fmt.Fprintf(&b, "%d %d", p.Seconds, p.Changes)
	}
	return b.String()
}

// ShouldSave reports whether a snapshot is due, as Redis's serverCron:
// some point has dirty >= Changes and sinceLastSave > Seconds. (Redis
// compares whole seconds; here the comparison is on the exact duration.)
// Redis also waits 5 s before retrying a failed background save; that
// policy belongs to the caller.
func ShouldSave(points []SavePoint, sinceLastSave time.Duration, dirty int64) bool {
	for _, p := range points {
		if dirty >= int64(p.Changes) && sinceLastSave > time.Duration(p.Seconds)*time.Second {
			return true
		}
	}
	return false
}
