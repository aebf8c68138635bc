package rdb

import "fmt"

// pairInPlace is the fast path of pair: when the key and the value are
// raw strings with 1- or 2-byte lengths and both are already in the buffer,
// it parses them straight from it and hands fn slices of the buffer. It
// consumes nothing and returns false when it does not apply.
func (d *decoder) pairInPlace(off int64, expire int64) (bool, error) {
	b := d.rd.buf[d.rd.pos:d.rd.end]
	kh, kn := shortLen(b)
	if kh == 0 || len(b) < kh+kn {
		return false, nil
	}
	key := b[kh : kh+kn : kh+kn]
	b = b[kh+kn:]
	vh, vn := shortLen(b)
	if vh == 0 || len(b) < vh+vn {
		return false, nil
	}
	d.rd.pos += kh + kn + vh + vn
	d.info.Keys++
	if expire != 0 {
		d.info.Expires++
	}
	if err := d.fn(key, b[vh:vh+vn:vh+vn], expire); err != nil {
		return true, fmt.Errorf("rdb: decode%s: key %q at offset %d: %w", d.pathPart(), truncate(key, 64), off, err)
	}
	return true, nil
}

// stringRun is the fast path for the bulk of a snapshot: consecutive
// entries without expiry whose key and value are raw strings with 1- or
// 2-byte lengths, whole in the buffer. It decodes them straight from the
// buffer, without a call per field, and stops (consuming nothing more) at
// the first entry that is anything else.
func (d *decoder) stringRun() error {
	r := d.rd
	b := r.buf[r.pos:r.end]
	i := 0
	for i < len(b) && b[i] == typeString {
		start := i
		kh, kn := shortLen(b[i+1:])
		ks := i + 1 + kh
		if kh == 0 || ks+kn > len(b) {
			break
		}
		vh, vn := shortLen(b[ks+kn:])
		vs := ks + kn + vh
		if vh == 0 || vs+vn > len(b) {
			break
		}
		i = vs + vn
		d.info.Keys++
		key := b[ks : ks+kn : ks+kn]
		if err := d.fn(key, b[vs:i:i], 0); err != nil {
			r.pos += i
			return fmt.Errorf("rdb: decode%s: key %q at offset %d: %w", d.pathPart(), truncate(key, 64), r.base+int64(r.pos-i+start), err)
		}
	}
	r.pos += i
	return nil
}

// shortLen decodes a 6- or 14-bit length at the start of b and returns the
// size of its header (0 if b does not start with one) and the length.
func shortLen(b []byte) (hdr, n int) {
	if len(b) == 0 {
		return 0, 0
	}
	switch b[0] >> 6 {
	case len6Bit:
		return 1, int(b[0] & 0x3f)
	case len14Bit:
		if len(b) < 2 {
			return 0, 0
		}
		return 2, int(b[0]&0x3f)<<8 | int(b[1])
	}
	return 0, 0
}

// pair reads the key and value of a string entry and hands them to fn.
func (d *decoder) pair(off int64, expire int64) error {
	k, err := d.str()
	if err != nil {
		return d.fail(off, "key", err)
	}
	d.key = append(d.key[:0], k...)
	v, err := d.str()
	if err != nil {
		return d.fail(off, fmt.Sprintf("value of key %q", truncate(d.key, 64)), err)
	}
	d.info.Keys++
	if expire != 0 {
		d.info.Expires++
	}
	if err := d.fn(d.key, v, expire); err != nil {
		return fmt.Errorf("rdb: decode%s: key %q at offset %d: %w", d.pathPart(), truncate(d.key, 64), off, err)
	}
	return nil
}

// aux reads an AUX field into Info.Aux.
func (d *decoder) aux() error {
	k, err := d.str()
	if err != nil {
		return err
	}
	key := string(k)
	v, err := d.str()
	if err != nil {
		return err
	}
	d.info.Aux[key] = string(v)
	return nil
}
