package redis

import (
	"context"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/persistbench/persistbench/drivers"
	"github.com/persistbench/persistbench/internal/serverproc"
)

// startTimeout bounds how long a fresh redis-server may take to answer.
const startTimeout = 30 * time.Second

// portAttempts is how often start picks another free port when the one it
// picked was taken before redis-server bound it.
const portAttempts = 3

// server is a managed redis-server: its binary, its configuration and the
// current process.
type server struct {
	bin, dir, confPath, logPath string
	profile                     drivers.Profile
	extra                       string
	pinned                      bool // the port came from the redis-port option

	mu         sync.Mutex
	port       int
	directives []Directive
	proc       *serverproc.Process
}

func newServer(cfg drivers.Config, bin string) (*server, error) {
	if cfg.DataDir == "" {
		return nil, fmt.Errorf("redis: a managed server needs a data directory")
	}
	dir, err := filepath.Abs(cfg.DataDir)
	if err != nil {
		return nil, fmt.Errorf("redis: data directory %s: %w", cfg.DataDir, err)
	}
	s := &server{bin: bin, dir: dir, profile: cfg.Profile, extra: cfg.Options["redis-config"],
		confPath: filepath.Join(dir, "redis.conf"), logPath: filepath.Join(dir, "redis.log")}
	if v := cfg.Options["redis-port"]; v != "" {
		p, err := strconv.Atoi(v)
		if err != nil || p <= 0 || p > 65535 {
			return nil, fmt.Errorf("redis: option redis-port %q: want a port number", v)
		}
		s.port, s.pinned = p, true
	}
	return s, nil
}

// addr is where the server listens.
func (s *server) addr() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return net.JoinHostPort("127.0.0.1", strconv.Itoa(s.port))
}

// current returns the running (or last) process.
func (s *server) current() *serverproc.Process {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.proc
}

// config returns the directives in use.
func (s *server) config() []Directive {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.directives
}

// start writes redis.conf (keeping the port across restarts), execs
// redis-server and returns once it answers a PING, with the reply (PONG
// or a LOADING error). On failure the process is gone and the error
// quotes the server's last words.
func (s *server) start(ctx context.Context) (string, error) {
	for attempt := 1; ; attempt++ {
		if err := s.writeConfig(attempt > 1); err != nil {
			return "", err
		}
		offset := serverproc.FileSize(s.logPath)
		p, err := startProcess(s.bin, s.confPath)
		if err != nil {
			return "", err
		}
		s.mu.Lock()
		s.proc = p
		s.mu.Unlock()
		line, err := waitAnswer(ctx, p, s.addr())
		if err == nil {
			return line, nil
		}
		p.Kill()
		said := p.LastWords(s.logPath, offset)
		if !s.pinned && attempt < portAttempts && strings.Contains(said, "Address already in use") {
			continue
		}
		return "", fmt.Errorf("redis: %w; %s", err, said)
	}
}

// writeConfig renders redis.conf; newPort picks another free port unless
// the port is pinned or already chosen.
func (s *server) writeConfig(newPort bool) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.port == 0 || (newPort && !s.pinned) {
		p, err := freePort()
		if err != nil {
			return err
		}
		s.port = p
	}
	ds, err := RenderConfig(s.profile, Instance{Port: s.port, Dir: s.dir, LogFile: s.logPath, Extra: s.extra})
	if err != nil {
		return err
	}
	if err := os.WriteFile(s.confPath, FormatConfig(s.profile, ds), 0o644); err != nil {
		return fmt.Errorf("redis: write %s: %w", s.confPath, err)
	}
	s.directives = ds
	return nil
}

// kill SIGKILLs the current process and waits for it.
func (s *server) kill() { s.current().Kill() }

// stop ends the current process: SIGTERM, then SIGKILL after a timeout.
func (s *server) stop() error {
	if err := s.current().Stop(stopTimeout); err != nil {
		return fmt.Errorf("redis: %w", err)
	}
	return nil
}
