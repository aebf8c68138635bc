package redis

import (
	"bytes"
	"fmt"
	"strconv"
	"strings"

	"github.com/persistbench/persistbench/drivers"
)

// Directive is one line of redis.conf: a name and its arguments, already
// in redis.conf syntax (quoted where needed).
type Directive struct {
	Name  string
	Value string
}

// Instance is the part of the configuration that belongs to one managed
// server rather than to the profile.
type Instance struct {
	Port    int
	Dir     string // the data directory (dump.rdb, appendonlydir/)
	LogFile string
	// Extra directives appended verbatim, one a line (the redis-config
	// option); they may not take over what the driver manages.
	Extra string
}

// managedDirectives are the ones the driver relies on to find, watch and
// stop the server; Extra may not override them.
var managedDirectives = map[string]bool{
	"bind": true, "port": true, "daemonize": true, "dir": true, "logfile": true,
	"dbfilename": true, "appenddirname": true, "include": true,
	// The managed server listens on loopback only and needs no password; a
	// password set here would also end up in the results.
	"requirepass": true, "masterauth": true, "user": true, "aclfile": true,
}

// RenderConfig returns the directives of redis.conf for profile p on
// instance in. It is pure: the same input renders the same file.
func RenderConfig(p drivers.Profile, in Instance) ([]Directive, error) {
	if p.Flash != nil {
		return nil, fmt.Errorf("redis: profile %s: %w: Redis has no hybrid-memory storage", p.Name, drivers.ErrUnsupported)
	}
	if err := p.Validate(); err != nil {
		return nil, fmt.Errorf("redis: %w", err)
	}
	if in.Port <= 0 || in.Port > 65535 {
		return nil, fmt.Errorf("redis: port %d out of range", in.Port)
	}
	ds := []Directive{
		{"bind", "127.0.0.1"},
		{"port", strconv.Itoa(in.Port)},
		{"protected-mode", "yes"},
		{"daemonize", "no"},
		{"dir", quoteArg(in.Dir)},
		{"logfile", quoteArg(in.LogFile)},
		{"dbfilename", "dump.rdb"},
		{"appenddirname", "appendonlydir"},
		// Record every event of 1 ms or more: fork and AOF write/fsync
		// stalls are what LATENCY HISTORY is polled for.
		{"latency-monitor-threshold", "1"},
		{"save", savePoints(p.Save)},
		{"rdbcompression", yesNo(p.RDBCompression)},
		{"appendonly", yesNo(p.AOF)},
	}
	fsync := p.Fsync
	if fsync == "" {
		fsync = drivers.FsyncEverysec // Redis's default; unused without an AOF
	}
	percent, minBytes := p.RewritePercent, p.RewriteMinBytes
	if !p.AOF && percent == 0 && minBytes == 0 {
		percent, minBytes = drivers.DefaultRewritePercent, drivers.DefaultRewriteMinBytes
	}
	ds = append(ds,
		Directive{"appendfsync", fsync},
		Directive{"aof-use-rdb-preamble", yesNo(p.Preamble)},
		Directive{"auto-aof-rewrite-percentage", strconv.Itoa(percent)},
		Directive{"auto-aof-rewrite-min-size", strconv.FormatInt(minBytes, 10)},
	)
	extra, err := parseExtra(in.Extra)
	if err != nil {
		return nil, err
	}
	return append(ds, extra...), nil
}

// parseExtra splits the redis-config option into directives, refusing
// the ones the driver manages.
func parseExtra(s string) ([]Directive, error) {
	var out []Directive
	for i, line := range strings.Split(s, "\n") {
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		name, value, _ := strings.Cut(line, " ")
		name = strings.ToLower(name)
		if managedDirectives[name] {
			return nil, fmt.Errorf("redis: redis-config line %d: %s is managed by persistbench and cannot be set", i+1, name)
		}
		out = append(out, Directive{name, strings.TrimSpace(value)})
	}
	return out, nil
}

// FormatConfig writes the directives as a redis.conf file with a header
// naming the profile.
func FormatConfig(p drivers.Profile, ds []Directive) []byte {
	var b bytes.Buffer
	fmt.Fprintf(&b, "# persistbench: profile %s", p.Name)
	if p.Description != "" {
		fmt.Fprintf(&b, " — %s", strings.ReplaceAll(p.Description, "\n", " "))
	}
	b.WriteByte('\n')
	for _, d := range ds {
		b.WriteString(d.Name)
		if d.Value != "" {
			b.WriteByte(' ')
			b.WriteString(d.Value)
		}
		b.WriteByte('\n')
	}
	return b.Bytes()
}

// ConfigMap is the configuration as the results record it. Later
// directives win, as in Redis.
func ConfigMap(ds []Directive) map[string]string {
	m := make(map[string]string, len(ds))
	for _, d := range ds {
		m[d.Name] = d.Value
	}
	return m
}

func savePoints(sp []drivers.SavePoint) string {
	if len(sp) == 0 {
		return `""`
	}
	parts := make([]string, 0, 2*len(sp))
	for _, s := range sp {
		parts = append(parts, strconv.Itoa(s.Seconds), strconv.Itoa(s.Changes))
	}
	return strings.Join(parts, " ")
}

func yesNo(b bool) string {
	if b {
		return "yes"
	}
	return "no"
}

// quoteArg quotes s for sdssplitargs when it is empty or holds a space, a
// quote, a backslash or a control character.
func quoteArg(s string) string {
	plain := s != ""
	for i := 0; i < len(s) && plain; i++ {
		c := s[i]
		plain = c > ' ' && c != 0x7f && c != '"' && c != '\'' && c != '\\'
	}
	if plain {
		return s
	}
	var b strings.Builder
	b.WriteByte('"')
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c == '"' || c == '\\':
			b.WriteByte('\\')
			b.WriteByte(c)
		case c == '\n':
			b.WriteString(`\n`)
		case c == '\r':
			b.WriteString(`\r`)
		case c == '\t':
			b.WriteString(`\t`)
		case c < 0x20 || c == 0x7f:
			fmt.Fprintf(&b, `\x%02x`, c)
		default:
			b.WriteByte(c)
		}
	}
	b.WriteByte('"')
	return b.String()
}
