package vfs

import (
	"errors"
	"fmt"
	"io/fs"
	"path/filepath"
)

// Usage returns the bytes of all files below dir, recursively, as
// du --apparent-size --bytes counts them (file sizes, not blocks). It works
// on any FS. A file or directory that vanishes between List and Stat (a
// snapshot's temp file renamed away) is skipped: Usage samples a live
// directory.
func Usage(fsys FS, dir string) (int64, error) {
	names, err := fsys.List(dir)
	if err != nil {
		return 0, fmt.Errorf("vfs: usage of %s: %w", dir, err)
	}
	return usage(fsys, dir, names)
}

func usage(fsys FS, dir string, names []string) (int64, error) {
	var total int64
	for _, name := range names {
		p := filepath.Join(dir, name)
		fi, err := fsys.Stat(p)
		if errors.Is(err, fs.ErrNotExist) {
			continue
		}
		if err != nil {
			return 0, fmt.Errorf("vfs: usage of %s: %w", p, err)
		}
		if !fi.IsDir() {
			total += fi.Size()
			continue
		}
		sub, err := fsys.List(p)
		if errors.Is(err, fs.ErrNotExist) {
			continue
		}
		if err != nil {
			return 0, fmt.Errorf("vfs: usage of %s: %w", p, err)
		}
		n, err := usage(fsys, p, sub)
		if err != nil {
			return 0, err
		}
		total += n
	}
	return total, nil
}
