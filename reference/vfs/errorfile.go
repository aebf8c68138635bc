package vfs

// errorFile is a File of an ErrorFS: each call meets the faults first.
type errorFile struct {
	File
	e *ErrorFS
}

func (f *errorFile) Read(p []byte) (int, error) {
	if err := f.e.pathErr(OpRead, f.Name()); err != nil {
		return 0, err
	}
	return f.File.Read(p)
}

func (f *errorFile) ReadAt(p []byte, off int64) (int, error) {
	if err := f.e.pathErr(OpRead, f.Name()); err != nil {
		return 0, err
	}
	return f.File.ReadAt(p, off)
}

func (f *errorFile) Write(p []byte) (int, error) {
	if err := f.e.pathErr(OpWrite, f.Name()); err != nil {
		return 0, err
	}
	return f.File.Write(p)
}

func (f *errorFile) WriteAt(p []byte, off int64) (int, error) {
	if err := f.e.pathErr(OpWrite, f.Name()); err != nil {
		return 0, err
	}
	return f.File.WriteAt(p, off)
}

func (f *errorFile) Sync() error {
	if err := f.e.pathErr(OpSync, f.Name()); err != nil {
		return err
	}
	return f.File.Sync()
}

func (f *errorFile) Truncate(size int64) error {
	if err := f.e.pathErr(OpTruncate, f.Name()); err != nil {
		return err
	}
	return f.File.Truncate(size)
}

func (f *errorFile) Size() (int64, error) {
	if err := f.e.pathErr(OpSize, f.Name()); err != nil {
		return 0, err
	}
	return f.File.Size()
}

// Close closes the underlying file even when a fault fails the call, so
// that a fault test leaks no descriptor.
func (f *errorFile) Close() error {
	err := f.e.pathErr(OpClose, f.Name())
	if cerr := f.File.Close(); err == nil {
		err = cerr
	}
	return err
}
