package rdb

import "io"

// The decoder reads through one buffer that starts small, so a tiny file
// costs little, and doubles on every refill up to readBufMax, the size of
// the reads a big snapshot is loaded with.
const (
	readBufMin = 4 << 10
	readBufMax = 1 << 20
)

// crcAsyncMin is the buffer size at which the reader, having seen that
// the input is not small, moves the CRC to a crcWorker; below it, a
// goroutine and a second buffer cost more than they save.
const crcAsyncMin = 256 << 10

// reader is the decoder's buffered input. It tracks the stream offset of
// every byte and folds consumed bytes into the running CRC when it refills,
// so each byte is hashed exactly once, in large pieces: inline for a small
// input, on a crcWorker once the input proves large.
type reader struct {
	r        io.Reader
	buf      []byte // the current buffer: bufs[cur] once the worker runs
	pos, end int    // buf[pos:end] is read but not consumed
	hashed   int    // buf[hashed:pos] is consumed but not yet hashed
	base     int64  // stream offset of buf[0]
	crc      uint64 // CRC of the bytes before buf[hashed] (inline mode)
	err      error  // sticky error of r (io.EOF included)

	worker *crcWorker
	bufs   [2][]byte
	cur    int
}

func newReader(r io.Reader) *reader {
	return &reader{r: r, buf: make([]byte, readBufMin)}
}

// close stops the CRC worker, if any.
func (r *reader) close() {
	if r.worker != nil {
		r.worker.stop()
		r.worker = nil
	}
}

// offset is the stream offset of the next unconsumed byte.
func (r *reader) offset() int64 { return r.base + int64(r.pos) }

// fill makes at least n (≤ readBufMax) bytes available. A stream that ends
// first yields io.ErrUnexpectedEOF.
func (r *reader) fill(n int) error {
	if r.end-r.pos >= n {
		return nil
	}
	size := len(r.buf)
	if size < readBufMax {
		size *= 2
	}
	for size < n {
		size *= 2
	}
	if r.worker == nil && len(r.buf) >= crcAsyncMin {
		r.bufs[0], r.cur = r.buf, 0
		r.worker = newCRCWorker(r.crc, r.cur)
	}
	rest := r.end - r.pos
	consumed := r.buf[r.hashed:r.pos]
	next := r.buf
	if r.worker != nil {
		ni := 1 - r.cur
		r.worker.acquire(ni)
		if len(r.bufs[ni]) < size {
			r.bufs[ni] = make([]byte, size)
		}
		next = r.bufs[ni]
		copy(next, r.buf[r.pos:r.end])
		r.worker.release(r.cur, consumed)
		r.cur = ni
	} else {
		r.crc = crcUpdate(r.crc, consumed)
		if size > len(r.buf) {
			next = make([]byte, size)
		}
		copy(next, r.buf[r.pos:r.end])
	}
	r.buf = next
	r.base += int64(r.pos)
	r.pos, r.end, r.hashed = 0, rest, 0
	for empty := 0; r.end < n; {
		if r.err != nil {
			if r.err == io.EOF {
				return io.ErrUnexpectedEOF
			}
			return r.err
		}
		m, err := r.r.Read(r.buf[r.end:])
		r.end += m
		r.err = err
		if m == 0 && err == nil {
			if empty++; empty > 100 {
				r.err = io.ErrNoProgress
			}
		}
	}
	return nil
}

func (r *reader) byte() (byte, error) {
	if r.pos >= r.end {
		if err := r.fill(1); err != nil {
			return 0, err
		}
	}
	b := r.buf[r.pos]
	r.pos++
	return b, nil
}

// bytes consumes n (≤ readBufMax) bytes and returns them in place: the
// slice is valid until the next call.
func (r *reader) bytes(n int) ([]byte, error) {
	if r.end-r.pos < n {
		if err := r.fill(n); err != nil {
			return nil, err
		}
	}
	p := r.buf[r.pos : r.pos+n : r.pos+n]
	r.pos += n
	return p, nil
}

// large consumes n bytes of any size into dst[:0], growing dst only as the
// bytes arrive, so a corrupt length cannot allocate more than the stream
// holds.
func (r *reader) large(n uint64, dst []byte) ([]byte, error) {
	dst = dst[:0]
	for n > 0 {
		if r.pos >= r.end {
			if err := r.fill(1); err != nil {
				return dst, err
			}
		}
		k := min(n, uint64(r.end-r.pos))
		dst = append(dst, r.buf[r.pos:r.pos+int(k)]...)
		r.pos += int(k)
		n -= k
	}
	return dst, nil
}

// sum returns the CRC of every byte consumed so far.
func (r *reader) sum() uint64 {
	p := r.buf[r.hashed:r.pos]
	r.hashed = r.pos
	if r.worker != nil {
		r.crc = r.worker.sum(p)
	} else {
		r.crc = crcUpdate(r.crc, p)
	}
	return r.crc
}
