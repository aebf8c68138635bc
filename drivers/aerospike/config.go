package aerospike

import (
	"bytes"
	"fmt"
	"strconv"
	"strings"

	"github.com/persistbench/persistbench/drivers"
)

// Syntax selects the configuration dialect of the server.
type Syntax string

const (
	// Syntax71 is Aerospike Database 7.1 and later (8.x included): write
	// blocks are pinned at 8 MiB, a partial block is flushed in flush-size
	// units, and the post-write cache is sized in bytes.
	Syntax71 Syntax = "7.1"
	// Syntax70 is Aerospike Database 7.0: write-block-size, and a
	// post-write queue counted in write blocks.
	Syntax70 Syntax = "7.0"
)

// Namespace is the one namespace every managed server has.
const Namespace = "test"

// minDataBytes is the smallest data-size (and filesize) the server takes:
// 7.1.0.10 raised the minimums to 256M and 128M; 256M satisfies both.
const minDataBytes = 256 << 20

// Instance is the part of the configuration that belongs to one managed
// server rather than to the profile.
type Instance struct {
	ServicePort, FabricPort, HeartbeatPort int
	Dir                                    string // data directory: work/, flash.dat, aerospike.log
	// MemoryBytes is data-size of a memory namespace (profile none);
	// 0 means 1 GiB, less than 256 MiB is raised to it.
	MemoryBytes int64
	Syntax      Syntax // "" means Syntax71
}

// Paths of a managed server inside Instance.Dir.
func (in Instance) workDir() string   { return in.Dir + "/work" }
func (in Instance) logPath() string   { return in.Dir + "/aerospike.log" }
func (in Instance) flashPath() string { return in.Dir + "/flash.dat" }

// RenderConfig returns aerospike.conf for profile p on instance in. It is
// pure: the same input renders the same bytes.
func RenderConfig(p drivers.Profile, in Instance) ([]byte, error) {
	if len(p.Save) > 0 || p.AOF {
		return nil, fmt.Errorf("aerospike: profile %s: %w: Aerospike has no snapshots or append-only file", p.Name, drivers.ErrUnsupported)
	}
	if err := p.Validate(); err != nil {
		return nil, fmt.Errorf("aerospike: %w", err)
	}
	for _, port := range []int{in.ServicePort, in.FabricPort, in.HeartbeatPort} {
		if port <= 0 || port > 65535 {
			return nil, fmt.Errorf("aerospike: port %d out of range", port)
		}
	}
	if in.Dir == "" || strings.ContainsAny(in.Dir, " \t\n{}#") {
		return nil, fmt.Errorf("aerospike: data directory %q: empty or holds a space, brace or '#' (aerospike.conf has no quoting)", in.Dir)
	}
	syntax := in.Syntax
	if syntax == "" {
		syntax = Syntax71
	}
	if syntax != Syntax71 && syntax != Syntax70 {
		return nil, fmt.Errorf("aerospike: syntax %q: want %s or %s", syntax, Syntax71, Syntax70)
	}
	w := &confWriter{}
	fmt.Fprintf(&w.b, "# persistbench: profile %s", p.Name)
	if p.Description != "" {
		fmt.Fprintf(&w.b, " — %s", strings.ReplaceAll(p.Description, "\n", " "))
	}
	fmt.Fprintf(&w.b, "\n# syntax: Aerospike Database %s\n", syntax)
	w.open("service")
	w.line("cluster-name", "persistbench")
	// 1024 stays under the usual `ulimit -n` of a shell; asd refuses to
	// start when proto-fd-max exceeds the limit.
	w.line("proto-fd-max", "1024")
	w.line("work-directory", in.workDir())
	w.close()
	w.open("logging")
	w.open("file " + in.logPath())
	w.line("context", "any info")
	w.close()
	w.close()
	w.open("mod-lua")
	w.line("user-path", in.workDir()+"/udf/lua")
	w.close()
	w.open("network")
	w.open("service")
	w.line("address", "127.0.0.1")
	w.line("port", strconv.Itoa(in.ServicePort))
	w.close()
	w.open("heartbeat")
	w.line("mode", "mesh")
	w.line("address", "127.0.0.1")
	w.line("port", strconv.Itoa(in.HeartbeatPort))
	w.line("interval", "150")
	w.line("timeout", "10")
	w.close()
	w.open("fabric")
	w.line("address", "127.0.0.1")
	w.line("port", strconv.Itoa(in.FabricPort))
	w.close()
	w.close()
	w.open("namespace " + Namespace)
	w.line("replication-factor", "1")
	storage(w, p.Flash, in, syntax)
	w.close()
	return w.b.Bytes(), nil
}

func storage(w *confWriter, f *drivers.Flash, in Instance, syntax Syntax) {
	if f == nil {
		size := in.MemoryBytes
		if size == 0 {
			size = 1 << 30
		}
		w.open("storage-engine memory")
		w.line("data-size", strconv.FormatInt(max(size, minDataBytes), 10))
		w.close()
		return
	}
	w.open("storage-engine device")
	w.line("file", in.flashPath())
	w.line("filesize", strconv.FormatInt(max(f.DeviceBytes, minDataBytes), 10))
	if syntax == Syntax70 {
		w.line("write-block-size", strconv.FormatInt(f.WriteBlock, 10))
	} else {
		// 7.1 pinned write blocks at 8 MiB; the upgrade guide maps an
		// explicit write-block-size to flush-size.
		w.line("flush-size", strconv.FormatInt(f.WriteBlock, 10))
	}
	w.line("flush-max-ms", strconv.FormatInt(f.FlushMax.Milliseconds(), 10))
	w.line("defrag-lwm-pct", strconv.Itoa(f.DefragLWMPct))
	if syntax == Syntax70 {
		w.line("post-write-queue", strconv.FormatInt(max(f.PostWriteCache/f.WriteBlock, 0), 10))
	} else {
		w.line("post-write-cache", strconv.FormatInt(f.PostWriteCache, 10))
	}
	if f.CommitToDevice {
		w.line("commit-to-device", "true")
	}
	w.close()
}

// confWriter writes nested contexts indented by tabs.
type confWriter struct {
	b     bytes.Buffer
	depth int
}

func (w *confWriter) indent() { w.b.WriteString(strings.Repeat("\t", w.depth)) }

func (w *confWriter) open(name string) {
	w.indent()
	w.b.WriteString(name + " {\n")
	w.depth++
}

func (w *confWriter) close() {
	w.depth--
	w.indent()
	w.b.WriteString("}\n")
}

func (w *confWriter) line(name, value string) {
	w.indent()
	w.b.WriteString(name + " " + value + "\n")
}

// ConfigMap is the configuration as the results record it: each
// directive of the namespace's storage, keyed by its name, plus the
// storage engine and the syntax.
func ConfigMap(conf []byte) map[string]string {
	m := map[string]string{}
	inNS := false
	for _, line := range strings.Split(string(conf), "\n") {
		line = strings.TrimSpace(line)
		switch {
		case strings.HasPrefix(line, "# syntax: "):
			m["syntax"] = strings.TrimPrefix(line, "# syntax: Aerospike Database ")
		case strings.HasPrefix(line, "namespace "):
			inNS = true
			m["namespace"] = strings.TrimSuffix(strings.TrimPrefix(line, "namespace "), " {")
		case inNS && strings.HasPrefix(line, "storage-engine "):
			m["storage-engine"] = strings.TrimSuffix(strings.TrimPrefix(line, "storage-engine "), " {")
		case inNS && line != "" && line != "}":
			if k, v, ok := strings.Cut(line, " "); ok {
				m[k] = v
			}
		}
	}
	return m
}
