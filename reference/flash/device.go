package flash

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"math/rand/v2"
	"path/filepath"

	"github.com/persistbench/persistbench/reference/vfs"
)

// DeviceFile is the name of the device file in Options.Dir.
const DeviceFile = "flash.dat"

// Device header layout constants (see the package doc).
const (
	deviceSlotSize = 64
	deviceVersion  = 1
	// epochWindow block epochs are reserved per device-header write: a
	// restart continues from the reserved limit, so no block life of the
	// new process can share an epoch with one of an older process.
	epochWindow = 1024
)

var deviceMagic = [8]byte{'P', 'B', 'F', 'L', 'A', 'S', 'H', '0'}

// deviceHeader is the decoded device header.
type deviceHeader struct {
	deviceID   uint64
	blockSize  int64
	size       int64
	seq        uint64 // slot sequence
	epochLimit uint64
	created    int64
}

func (h *deviceHeader) encode() []byte {
	b := make([]byte, deviceSlotSize)
	le := binary.LittleEndian
	copy(b[4:], deviceMagic[:])
	le.PutUint32(b[12:], deviceVersion)
	le.PutUint64(b[16:], h.deviceID)
	le.PutUint64(b[24:], uint64(h.blockSize))
	le.PutUint64(b[32:], uint64(h.size))
	le.PutUint64(b[40:], h.seq)
	le.PutUint64(b[48:], h.epochLimit)
	le.PutUint64(b[56:], uint64(h.created))
	le.PutUint32(b[0:], crc(b[4:]))
	return b
}

func decodeDeviceSlot(b []byte) (deviceHeader, bool) {
	le := binary.LittleEndian
	if !bytes.Equal(b[4:12], deviceMagic[:]) || le.Uint32(b[0:]) != crc(b[4:deviceSlotSize]) ||
		le.Uint32(b[12:]) != deviceVersion {
		return deviceHeader{}, false
	}
	return deviceHeader{
		deviceID:   le.Uint64(b[16:]),
		blockSize:  int64(le.Uint64(b[24:])),
		size:       int64(le.Uint64(b[32:])),
		seq:        le.Uint64(b[40:]),
		epochLimit: le.Uint64(b[48:]),
		created:    int64(le.Uint64(b[56:])),
	}, true
}

// device is the open device file and its header.
type device struct {
	f    vfs.File
	path string
	hdr  deviceHeader
}

// blockOff is the device offset of block b.
func (d *device) blockOff(b uint32) int64 { return int64(b) * d.hdr.blockSize }

// writeHeader writes hdr (with the next slot sequence) into the slot the
// sequence selects and syncs it.
func (d *device) writeHeader(hdr deviceHeader) error {
	hdr.seq = d.hdr.seq + 1
	off := int64(hdr.seq%2) * pageSize
	if _, err := d.f.WriteAt(hdr.encode(), off); err != nil {
		return fmt.Errorf("flash: write device header of %s: %w", d.path, err)
	}
	if err := d.f.Sync(); err != nil {
		return fmt.Errorf("flash: sync device header of %s: %w", d.path, err)
	}
	d.hdr = hdr
	return nil
}

// reserveEpochs moves the epoch limit past next.
func (d *device) reserveEpochs(next uint64) error {
	if next < d.hdr.epochLimit {
		return nil
	}
	h := d.hdr
	h.epochLimit = next + epochWindow
	return d.writeHeader(h)
}

// openDevice opens Dir/flash.dat, or creates and preallocates it. fresh
// reports a new device (nothing to scan).
func openDevice(o Options) (d *device, fresh bool, err error) {
	if err := o.FS.MkdirAll(o.Dir, 0o755); err != nil {
		return nil, false, fmt.Errorf("flash: create %s: %w", o.Dir, err)
	}
	path := filepath.Join(o.Dir, DeviceFile)
	_, err = o.FS.Stat(path)
	if errors.Is(err, fs.ErrNotExist) {
		d, err := createDevice(o, path)
		return d, true, err
	}
	if err != nil {
		return nil, false, fmt.Errorf("flash: stat %s: %w", path, err)
	}
	f, err := o.FS.OpenReadWrite(path)
	if err != nil {
		return nil, false, fmt.Errorf("flash: open %s: %w", path, err)
	}
	d, blank, err := loadDevice(f, path, o)
	if err != nil {
		f.Close()
		return nil, false, err
	}
	if blank {
		// A creation cut short before its header was durable: start anew.
		f.Close()
		d, err := createDevice(o, path)
		return d, true, err
	}
	return d, false, nil
}

func createDevice(o Options, path string) (*device, error) {
	bs := o.WriteBlock
	if bs == 0 {
		bs = DefaultWriteBlock
	}
	if o.DeviceBytes == 0 {
		return nil, fmt.Errorf("flash: create %s: DeviceBytes is 0", path)
	}
	if err := checkGeometry(bs, o.DeviceBytes); err != nil {
		return nil, err
	}
	f, err := o.FS.Create(path)
	if err != nil {
		return nil, fmt.Errorf("flash: create %s: %w", path, err)
	}
	d := &device{f: f, path: path}
	fail := func(what string, err error) (*device, error) {
		f.Close()
		return nil, fmt.Errorf("flash: %s %s: %w", what, path, err)
	}
	if err := f.Truncate(o.DeviceBytes); err != nil {
		return fail("preallocate", err)
	}
	hdr := deviceHeader{deviceID: rand.Uint64() | 1, blockSize: bs, size: o.DeviceBytes,
		epochLimit: epochWindow, created: o.Clock().UnixNano()}
	if err := d.writeHeader(hdr); err != nil {
		f.Close()
		return nil, err
	}
	if err := o.FS.SyncDir(o.Dir); err != nil {
		return fail("sync directory of", err)
	}
	return d, nil
}

// loadDevice reads the device header. blank reports a device whose header
// region is all zeros (created, never made durable).
func loadDevice(f vfs.File, path string, o Options) (d *device, blank bool, err error) {
	buf := make([]byte, 2*pageSize)
	if _, err := f.ReadAt(buf, 0); err != nil && !errors.Is(err, io.EOF) {
		return nil, false, fmt.Errorf("flash: read device header of %s: %w", path, err)
	}
	a, okA := decodeDeviceSlot(buf[:deviceSlotSize])
	b, okB := decodeDeviceSlot(buf[pageSize : pageSize+deviceSlotSize])
	var hdr deviceHeader
	switch {
	case okA && (!okB || a.seq > b.seq):
		hdr = a
	case okB:
		hdr = b
	case bytes.Count(buf, []byte{0}) == len(buf):
		return nil, true, nil
	default:
		return nil, false, fmt.Errorf("flash: device header of %s at offset 0: %w", path, ErrCorrupt)
	}
	if err := checkGeometry(hdr.blockSize, hdr.size); err != nil {
		return nil, false, fmt.Errorf("flash: device header of %s: %w", path, err)
	}
	if o.WriteBlock != 0 && o.WriteBlock != hdr.blockSize {
		return nil, false, fmt.Errorf("flash: %s has write blocks of %d, options ask for %d", path, hdr.blockSize, o.WriteBlock)
	}
	if o.DeviceBytes != 0 && o.DeviceBytes != hdr.size {
		return nil, false, fmt.Errorf("flash: %s is %d bytes, options ask for %d", path, hdr.size, o.DeviceBytes)
	}
	if size, err := f.Size(); err != nil {
		return nil, false, fmt.Errorf("flash: size of %s: %w", path, err)
	} else if size < hdr.size {
		// The preallocation did not survive whole: restore it (the lost
		// tail reads as zeros, as a never-written block).
		if err := f.Truncate(hdr.size); err != nil {
			return nil, false, fmt.Errorf("flash: preallocate %s: %w", path, err)
		}
	}
	return &device{f: f, path: path, hdr: hdr}, false, nil
}
