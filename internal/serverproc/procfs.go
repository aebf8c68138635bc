package serverproc

import (
	"fmt"
	"os"
	"strconv"
	"strings"
)

// RSSBytes is VmRSS of /proc/<pid>/status in bytes.
func RSSBytes(pid int) (int64, error) { return ProcField(pid, "status", "VmRSS") }

// WriteBytes is write_bytes of /proc/<pid>/io: bytes the process caused
// to be written to storage, its reaped children included.
func WriteBytes(pid int) (int64, error) { return ProcField(pid, "io", "write_bytes") }

// ProcField reads the "Name: value [kB]" line called name of
// /proc/<pid>/<file> and returns its value in bytes (kB times 1024).
func ProcField(pid int, file, name string) (int64, error) {
	if pid <= 0 {
		return 0, fmt.Errorf("serverproc: no process (pid %d)", pid)
	}
	path := fmt.Sprintf("/proc/%d/%s", pid, file)
	b, err := os.ReadFile(path)
	if err != nil {
		return 0, fmt.Errorf("serverproc: %w", err)
	}
	for _, line := range strings.Split(string(b), "\n") {
		k, v, ok := strings.Cut(line, ":")
		if !ok || k != name {
			continue
		}
		f := strings.Fields(v)
		if len(f) == 0 {
			return 0, fmt.Errorf("serverproc: %s: %s has no value", path, name)
		}
		n, err := strconv.ParseInt(f[0], 10, 64)
		if err != nil {
			return 0, fmt.Errorf("serverproc: %s: %s: %w", path, name, err)
		}
		if len(f) > 1 && f[1] == "kB" {
			n <<= 10
		}
		return n, nil
	}
	return 0, fmt.Errorf("serverproc: %s has no %s", path, name)
}
