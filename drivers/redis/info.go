package redis

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// info is the reply of INFO: "field:value" lines under "# Section"
// headers, CRLF-terminated (Redis 7.0, server.c genRedisInfoString).
type info map[string]string

// parseInfo reads an INFO reply. Unknown lines are skipped: the reply grows
// fields with every Redis version.
func parseInfo(s string) info {
	m := info{}
	for len(s) > 0 {
		var line string
		line, s, _ = strings.Cut(s, "\n")
		line = strings.TrimRight(line, "\r")
		if line == "" || line[0] == '#' {
			continue
		}
		if k, v, ok := strings.Cut(line, ":"); ok {
			m[k] = v
		}
	}
	return m
}

// int returns a numeric field; ok is false when it is absent or not a
// number.
func (m info) int(key string) (int64, bool) {
	v, ok := m[key]
	if !ok {
		return 0, false
	}
	n, err := strconv.ParseInt(v, 10, 64)
	return n, err == nil
}

// float returns a numeric field that may have a fraction.
func (m info) float(key string) (float64, bool) {
	v, ok := m[key]
	if !ok {
		return 0, false
	}
	f, err := strconv.ParseFloat(v, 64)
	return f, err == nil
}

// keys is the number of keys in db0 ("db0:keys=5,expires=0,avg_ttl=0"); 0
// when the keyspace section has no db0 line (an empty database).
func (m info) keys() int64 {
	v, ok := m["db0"]
	if !ok {
		return 0
	}
	for _, part := range strings.Split(v, ",") {
		if k, n, ok := strings.Cut(part, "="); ok && k == "keys" {
			if x, err := strconv.ParseInt(n, 10, 64); err == nil {
				return x
			}
		}
	}
	return 0
}

// latencyEntry is one sample of LATENCY HISTORY: the second it happened
// and the latency in milliseconds (Redis 7.0, latency.c).
type latencyEntry struct {
	At time.Time
	MS int64
}

// parseLatencyHistory reads the reply of LATENCY HISTORY <event>: an
// array of [unix-seconds, ms] pairs.
func parseLatencyHistory(v any) ([]latencyEntry, error) {
	rows, ok := v.([]any)
	if !ok {
		return nil, fmt.Errorf("redis: LATENCY HISTORY: reply %T, want an array", v)
	}
	out := make([]latencyEntry, 0, len(rows))
	for i, r := range rows {
		pair, ok := r.([]any)
		if !ok || len(pair) < 2 {
			return nil, fmt.Errorf("redis: LATENCY HISTORY: entry %d: want [time, ms]", i)
		}
		ts, ok1 := pair[0].(int64)
		ms, ok2 := pair[1].(int64)
		if !ok1 || !ok2 {
			return nil, fmt.Errorf("redis: LATENCY HISTORY: entry %d: want two integers, got %T and %T", i, pair[0], pair[1])
		}
		out = append(out, latencyEntry{At: time.Unix(ts, 0), MS: ms})
	}
	return out, nil
}

// latestEvent is one row of LATENCY LATEST: an event name and the second
// of its latest sample.
type latestEvent struct {
	Name string
	Last int64
}

// parseLatencyLatest reads the reply of LATENCY LATEST: an array of
// [name, unix-seconds, latest-ms, max-ms].
func parseLatencyLatest(v any) ([]latestEvent, error) {
	rows, ok := v.([]any)
	if !ok {
		return nil, fmt.Errorf("redis: LATENCY LATEST: reply %T, want an array", v)
	}
	out := make([]latestEvent, 0, len(rows))
	for i, r := range rows {
		row, ok := r.([]any)
		if !ok || len(row) < 2 {
			return nil, fmt.Errorf("redis: LATENCY LATEST: row %d: want [name, time, latest, max]", i)
		}
		name, ok1 := row[0].(string)
		ts, ok2 := row[1].(int64)
		if !ok1 || !ok2 {
			return nil, fmt.Errorf("redis: LATENCY LATEST: row %d: got %T and %T", i, row[0], row[1])
		}
		out = append(out, latestEvent{Name: name, Last: ts})
	}
	return out, nil
}
