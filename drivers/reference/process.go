package reference

import "github.com/persistbench/persistbench/reference/vfs"

// newProcess returns the file system for a new run of the engine: d.fs,
// behind a vfs.Fence when the engine may be crashed.
func (d *Driver) newProcess() vfs.FS {
	if d.mirror == nil {
		return d.fs
	}
	d.proc = vfs.NewFence(d.fs)
	return d.proc
}
