package aof

import (
	"bufio"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
)

// A stand-in for package rdb in tests of RDB bases: "REDIS0010", then
// uvarint-length-prefixed key and value pairs, then 0xFF. Only the magic is
// Redis's; the rest is not the RDB format.
const fakeRDBMagic = "REDIS0010"

func fakeRDBEncode(w io.Writer, s state) error {
	bw := bufio.NewWriter(w)
	bw.WriteString(fakeRDBMagic)
	var tmp [binary.MaxVarintLen64]byte
	for k, v := range s {
		bw.WriteByte(0)
		for _, b := range []string{k, v} {
			bw.Write(tmp[:binary.PutUvarint(tmp[:], uint64(len(b)))])
			bw.WriteString(b)
		}
	}
	bw.WriteByte(0xFF)
	return bw.Flush()
}

func fakeRDBDecode(r io.Reader, apply func(key, value []byte) error) error {
	br := bufio.NewReader(r)
	magic := make([]byte, len(fakeRDBMagic))
	if _, err := io.ReadFull(br, magic); err != nil || string(magic) != fakeRDBMagic {
		return fmt.Errorf("fake rdb: bad magic %q: %v", magic, err)
	}
	for {
		op, err := br.ReadByte()
		if err != nil {
			return fmt.Errorf("fake rdb: %w", err)
		}
		if op == 0xFF {
			return nil
		}
		var kv [2][]byte
		for i := range kv {
			n, err := binary.ReadUvarint(br)
			if err != nil || n > 1<<20 {
				return errors.New("fake rdb: bad length")
			}
			kv[i] = make([]byte, n)
			if _, err := io.ReadFull(br, kv[i]); err != nil {
				return fmt.Errorf("fake rdb: %w", err)
			}
		}
		if err := apply(kv[0], kv[1]); err != nil {
			return err
		}
	}
}
