package aof

import (
	"fmt"
	"hash/crc32"
	"io"
	"strconv"
)

// A batch annotation opens every run of records one write turn puts in an
// incr file (see the package doc):
//
//	#PB:<crc32c, 8 lowercase hex digits> <length, 10 decimal digits>\r\n
//
// length is the number of bytes that follow the annotation's CRLF and
// belong to the batch; crc is their CRC-32C (Castagnoli). Redis skips the
// line as it skips its own "#TS:" annotations; Load verifies the batch
// before replaying it.
const (
	batchTag    = "#PB:"
	batchHdrLen = len(batchTag) + 8 + 1 + 10 + 2
	maxBatchLen = 9_999_999_999 // what 10 decimal digits hold
)

var castagnoli = crc32.MakeTable(crc32.Castagnoli)

// reserveBatchHeader appends room for the annotation to an empty buffer:
// Append calls it before the first record of a batch, so sealing the batch
// needs no copy.
func reserveBatchHeader(buf []byte) []byte {
	if len(buf) > 0 {
		return buf
	}
	return append(buf, make([]byte, batchHdrLen)...)
}

// sealBatch fills the annotation reserved at the start of data with the
// checksum and length of the records after it.
func sealBatch(data []byte) {
	body := data[batchHdrLen:]
	h := data[:0:batchHdrLen]
	h = append(h, batchTag...)
	h = fmt.Appendf(h, "%08x %010d\r\n", crc32.Checksum(body, castagnoli), len(body))
	if len(h) != batchHdrLen {
		panic("aof: batch annotation has the wrong width")
	}
}

// joinBatches appends the records of batch b (with its reserved header)
// to buffer a, keeping one header.
func joinBatches(a, b []byte) []byte {
	if len(a) == 0 {
		return append(a, b...)
	}
	if len(b) == 0 {
		return a
	}
	return append(a, b[batchHdrLen:]...)
}

// parseBatchHeader parses an annotation line without its CRLF. ok is false
// for a line that is not a batch annotation (another annotation: skipped);
// err is set for one that starts like a batch annotation but is malformed.
func parseBatchHeader(l []byte) (crc uint32, n int64, ok bool, err error) {
	if len(l) < len(batchTag) || string(l[:len(batchTag)]) != batchTag {
		return 0, 0, false, nil
	}
	rest := l[len(batchTag):]
	if len(rest) != 8+1+10 || rest[8] != ' ' {
		return 0, 0, true, fmt.Errorf("malformed batch annotation %q", clip(l))
	}
	c, err1 := strconv.ParseUint(string(rest[:8]), 16, 32)
	m, err2 := strconv.ParseInt(string(rest[9:]), 10, 64)
	if err1 != nil || err2 != nil || m < 0 || rest[9] == '+' || rest[9] == '-' {
		return 0, 0, true, fmt.Errorf("malformed batch annotation %q", clip(l))
	}
	return uint32(c), m, true, nil
}

// checksumAt is the CRC-32C of the n bytes of r at off, read in chunks.
func checksumAt(r io.ReaderAt, off, n int64, buf []byte) (uint32, error) {
	var crc uint32
	for n > 0 {
		chunk := buf[:min(int64(len(buf)), n)]
		if _, err := r.ReadAt(chunk, off); err != nil {
			return 0, err
		}
		crc = crc32.Update(crc, castagnoli, chunk)
		off += int64(len(chunk))
		n -= int64(len(chunk))
	}
	return crc, nil
}
