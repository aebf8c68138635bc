package aerospike

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/persistbench/persistbench/drivers"
	"github.com/persistbench/persistbench/internal/serverproc"
)

// startTimeout bounds how long asd may take to serve its namespace; a
// cold start of a big device scans all of it.
const startTimeout = 2 * time.Minute

// server is a managed asd: its binary, configuration and current process.
type server struct {
	bin, confPath string
	profile       drivers.Profile
	in            Instance

	mu   sync.Mutex
	conf []byte
	proc *serverproc.Process
}

func newServer(cfg drivers.Config, bin string) (*server, error) {
	if cfg.DataDir == "" {
		return nil, fmt.Errorf("aerospike: a managed server needs a data directory")
	}
	dir, err := filepath.Abs(cfg.DataDir)
	if err != nil {
		return nil, fmt.Errorf("aerospike: data directory %s: %w", cfg.DataDir, err)
	}
	ports, err := freePorts(3)
	if err != nil {
		return nil, err
	}
	in := Instance{ServicePort: ports[0], FabricPort: ports[1], HeartbeatPort: ports[2], Dir: dir,
		Syntax: Syntax(cfg.Options[OptSyntax])}
	if cfg.LogicalBytesHint > 0 {
		in.MemoryBytes = 4 * cfg.LogicalBytesHint // write-block slack and defrag headroom
	}
	s := &server{bin: bin, profile: cfg.Profile, in: in, confPath: filepath.Join(dir, "aerospike.conf")}
	conf, err := RenderConfig(cfg.Profile, in)
	if err != nil {
		return nil, err
	}
	for _, d := range []string{in.workDir() + "/smd", in.workDir() + "/udf/lua"} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			return nil, fmt.Errorf("aerospike: %w", err)
		}
	}
	if err := os.WriteFile(s.confPath, conf, 0o644); err != nil {
		return nil, fmt.Errorf("aerospike: write %s: %w", s.confPath, err)
	}
	s.conf = conf
	return s, nil
}

// edition asks the binary itself (`asd --version`), so that Community
// Edition is caught before it refuses commit-to-device.
func (s *server) edition(ctx context.Context) (Edition, string) {
	ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	out, err := exec.CommandContext(ctx, s.bin, "--version").CombinedOutput()
	if err != nil {
		return EditionUnknown, ""
	}
	line := strings.TrimSpace(strings.SplitN(string(out), "\n", 2)[0])
	return ParseEdition(line), line
}

func (s *server) current() *serverproc.Process {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.proc
}

// start execs asd; the caller waits for it to serve.
func (s *server) start() (*serverproc.Process, int64, error) {
	offset := serverproc.FileSize(s.in.logPath())
	p, err := startProcess(s.bin, s.confPath)
	if err != nil {
		return nil, 0, err
	}
	s.mu.Lock()
	s.proc = p
	s.mu.Unlock()
	return p, offset, nil
}

// kill SIGKILLs the current process, if any, and waits for it.
func (s *server) kill() { s.current().Kill() }

// stop ends the current process, if any: SIGTERM, then SIGKILL after
// stopTimeout.
func (s *server) stop() error {
	if err := s.current().Stop(stopTimeout); err != nil {
		return fmt.Errorf("aerospike: %w", err)
	}
	return nil
}
