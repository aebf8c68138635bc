package aof

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"strconv"
)

// Limits a well-formed record stays within; beyond them the file is
// corrupt. maxBulk is Redis's default proto-max-bulk-len (512 MB).
const (
	maxArgs     = 1 << 20
	maxBulk     = 512 << 20
	replayBufSz = 64 << 10
)

// errTorn marks a record cut short by the end of the file.
var errTorn = errors.New("unexpected EOF")

type op struct {
	del        bool
	key, value []byte
}

// replayer reads one RESP file, command by command, as Redis's
// loadSingleAppendOnlyFile does, and applies SET/DEL.
type replayer struct {
	name  string
	r     *bufio.Reader
	ra    io.ReaderAt // the same file, to verify a batch before replaying it
	sum   []byte      // buffer for that
	size  int64       // file size: a bulk longer than what is left is a torn record
	off   int64       // bytes consumed
	apply func(del bool, key, value []byte) error

	records int64
	valid   int64 // offset after the last complete command (valid_up_to)
	multi   bool
	queued  []op
	preMult int64 // valid offset before MULTI (valid_before_multi)
}

// run replays the file. It returns errTorn (wrapped in a CorruptError) when
// the file ends inside a record or inside MULTI without EXEC; r.valid is
// then the offset to cut at.
func (p *replayer) run() error {
	for {
		err := p.command()
		if err == io.EOF {
			if p.multi {
				// Redis reverts an unfinished MULTI as a short read.
				p.valid = p.preMult
				e := p.torn()
				e.Reason += " inside MULTI"
				return e
			}
			return nil
		}
		if err != nil {
			return err
		}
	}
}

func (p *replayer) corrupt(off int64, reason string) *CorruptError {
	return &CorruptError{File: p.name, Offset: off, Reason: reason}
}

// line reads one CRLF-terminated line and returns it without the CRLF. At
// the end of the file it returns io.EOF when nothing was read, errTorn with
// the partial line otherwise.
func (p *replayer) line() ([]byte, error) {
	start := p.off
	b, err := p.r.ReadSlice('\n')
	p.off += int64(len(b))
	switch {
	case err == io.EOF && len(b) == 0:
		return nil, io.EOF
	case err == io.EOF:
		return b, errTorn
	case err == bufio.ErrBufferFull:
		return nil, p.corrupt(start, "line too long")
	case err != nil:
		return nil, fmt.Errorf("aof: replay %s at offset %d: %w", p.name, p.off, err)
	}
	if len(b) < 2 || b[len(b)-2] != '\r' {
		return nil, p.corrupt(start, "line not terminated by CRLF")
	}
	return b[:len(b)-2], nil
}

// torn is the error for a record cut short by the end of the file.
func (p *replayer) torn() *CorruptError {
	return &CorruptError{File: p.name, Offset: p.off, Reason: errTorn.Error(), torn: true}
}

// partialOK reports whether a line cut by the end of the file could be the
// start of a valid marker line ("*12", "$4", "#TS:..."): then the file is
// torn; otherwise it is corrupt, as Redis's fgets-based reader decides.
func partialOK(l []byte, marker byte) bool {
	if len(l) == 0 {
		return false
	}
	if l[0] == '#' && marker == '*' {
		return true
	}
	if l[0] != marker {
		return false
	}
	rest := bytes.TrimSuffix(l[1:], []byte{'\r'})
	for _, c := range rest {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}

// command reads and executes one command; io.EOF at a clean end.
func (p *replayer) command() error {
	for {
		start := p.off
		l, err := p.line()
		if err == errTorn {
			if partialOK(l, '*') {
				return p.torn()
			}
			return p.corrupt(start, fmt.Sprintf("expected '*', got %q", clip(l)))
		}
		if err != nil {
			return err
		}
		if len(l) > 0 && l[0] == '#' {
			if err := p.annotation(start, l); err != nil {
				return err
			}
			continue // annotation (#TS:..., a verified #PB:...), skipped as Redis does
		}
		if len(l) == 0 || l[0] != '*' {
			return p.corrupt(start, fmt.Sprintf("expected '*', got %q", clip(l)))
		}
		argc, ok := parseLen(l[1:])
		if !ok || argc < 1 || argc > maxArgs {
			return p.corrupt(start, fmt.Sprintf("bad argument count %q", clip(l)))
		}
		argv := make([][]byte, 0, min(argc, 16))
		for j := 0; j < argc; j++ {
			arg, err := p.bulk()
			if err != nil {
				return err
			}
			argv = append(argv, arg)
		}
		return p.exec(start, argv)
	}
}

// annotation checks a batch annotation (#PB:) against the bytes it
// covers, before any of them is replayed; other annotations pass. A batch
// that is cut short, fails its checksum or has a malformed annotation is
// torn: a write the power cut did not finish (the caller cuts it from the
// last file and refuses it in any other).
func (p *replayer) annotation(start int64, l []byte) error {
	crc, n, ok, err := parseBatchHeader(l)
	if !ok {
		return nil
	}
	torn := func(reason string) error {
		return &CorruptError{File: p.name, Offset: start, Reason: reason, torn: true}
	}
	if err != nil {
		return torn(err.Error())
	}
	if p.off+n > p.size {
		return torn(fmt.Sprintf("batch of %d bytes cut short at end of file (%d bytes)", n, p.size))
	}
	if p.sum == nil {
		p.sum = make([]byte, replayBufSz)
	}
	got, err := checksumAt(p.ra, p.off, n, p.sum)
	if err != nil {
		return fmt.Errorf("aof: replay %s at offset %d: read batch: %w", p.name, p.off, err)
	}
	if got != crc {
		return torn(fmt.Sprintf("batch of %d bytes: crc32c %08x, annotation says %08x", n, got, crc))
	}
	return nil
}

func (p *replayer) bulk() ([]byte, error) {
	start := p.off
	l, err := p.line()
	if err == io.EOF || (err == errTorn && partialOK(l, '$')) {
		return nil, p.torn()
	}
	if err == errTorn {
		return nil, p.corrupt(start, fmt.Sprintf("expected '$', got %q", clip(l)))
	}
	if err != nil {
		return nil, err
	}
	if len(l) == 0 || l[0] != '$' {
		return nil, p.corrupt(start, fmt.Sprintf("expected '$', got %q", clip(l)))
	}
	n, ok := parseLen(l[1:])
	if !ok || n > maxBulk {
		return nil, p.corrupt(start, fmt.Sprintf("bad bulk length %q", clip(l)))
	}
	if p.off+int64(n)+2 > p.size {
		p.off = p.size
		return nil, p.torn()
	}
	buf := make([]byte, n+2)
	if _, err := io.ReadFull(p.r, buf); err != nil {
		if err == io.ErrUnexpectedEOF || err == io.EOF {
			p.off = p.size
			return nil, p.torn()
		}
		return nil, fmt.Errorf("aof: replay %s at offset %d: %w", p.name, p.off, err)
	}
	p.off += int64(n) + 2
	if buf[n] != '\r' || buf[n+1] != '\n' {
		return nil, p.corrupt(p.off-2, "bulk string not terminated by CRLF")
	}
	return buf[:n:n], nil
}

// exec applies one command. SELECT 0, SET key value, DEL/UNLINK and
// MULTI/EXEC are what Redis writes for string keys; anything else stops
// the load (nothing is skipped silently).
func (p *replayer) exec(start int64, argv [][]byte) error {
	name := string(bytes.ToUpper(argv[0]))
	var ops []op
	switch {
	case name == "SELECT" && len(argv) == 2:
		if string(argv[1]) != "0" {
			return p.unsupported(start, fmt.Sprintf("SELECT %s (only db 0)", clip(argv[1])))
		}
	case name == "SET" && len(argv) == 3:
		ops = []op{{key: argv[1], value: argv[2]}}
	case (name == "DEL" || name == "UNLINK") && len(argv) >= 2:
		for _, k := range argv[1:] {
			ops = append(ops, op{del: true, key: k})
		}
	case name == "MULTI" && len(argv) == 1 && !p.multi:
		p.multi, p.preMult = true, p.valid
	case name == "EXEC" && len(argv) == 1 && p.multi:
		ops, p.queued, p.multi = p.queued, nil, false
		if err := p.applyAll(start, ops); err != nil {
			return err
		}
		ops = nil
	default:
		return p.unsupported(start, fmt.Sprintf("%q with %d arguments", clip(argv[0]), len(argv)-1))
	}
	if p.multi {
		p.queued = append(p.queued, ops...)
	} else if err := p.applyAll(start, ops); err != nil {
		return err
	}
	if !p.multi {
		p.valid = p.off
	}
	return nil
}

func (p *replayer) applyAll(start int64, ops []op) error {
	for _, o := range ops {
		if err := p.apply(o.del, o.key, o.value); err != nil {
			return fmt.Errorf("aof: replay %s at offset %d: apply: %w", p.name, start, err)
		}
		p.records++
	}
	return nil
}

func (p *replayer) unsupported(start int64, what string) error {
	return fmt.Errorf("aof: replay %s at offset %d: %s: %w", p.name, start, what, ErrUnsupported)
}

// parseLen parses a non-negative decimal length with no sign or spaces.
func parseLen(b []byte) (int, bool) {
	if len(b) == 0 || len(b) > 10 {
		return 0, false
	}
	n, err := strconv.Atoi(string(b))
	if err != nil || n < 0 || b[0] == '+' {
		return 0, false
	}
	return n, true
}

func clip(b []byte) []byte {
	if len(b) > 32 {
		return b[:32]
	}
	return b
}
