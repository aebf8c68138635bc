package vfs

import (
	"os"

	"golang.org/x/sys/unix"
)

// fdatasync flushes file data without the metadata a later read does not
// need, as Redis does for its AOF (redis_fsync → fdatasync on Linux).
func fdatasync(f *os.File) error {
	for {
		err := unix.Fdatasync(int(f.Fd()))
		if err != unix.EINTR {
			if err != nil {
				return &os.PathError{Op: "fdatasync", Path: f.Name(), Err: err}
			}
			return nil
		}
	}
}
