package workloads

// keyPrefix and keyDigits fix the key format (see the package doc).
const (
	keyPrefix = "pb:"
	keyDigits = 12
)

// KeySize is the length of the key of any index below 10^12.
const KeySize = len(keyPrefix) + keyDigits

// Key appends the key of index idx to dst: "pb:" and idx in decimal,
// zero-padded to 12 digits ("pb:000000001234"). It allocates only when dst
// lacks capacity.
func Key(dst []byte, idx uint64) []byte {
	var buf [20]byte // max uint64 has 20 digits
	i := len(buf)
	for idx >= 10 {
		i--
		buf[i] = byte('0' + idx%10)
		idx /= 10
	}
	i--
	buf[i] = byte('0' + idx)
	dst = append(dst, keyPrefix...)
	for pad := keyDigits - (len(buf) - i); pad > 0; pad-- {
		dst = append(dst, '0')
	}
	return append(dst, buf[i:]...)
}

// ParseKey returns the index of a key in Key's format. It accepts only the
// canonical form: at least 12 digits, and no leading zero beyond them.
func ParseKey(key []byte) (uint64, bool) {
	if len(key) < KeySize || string(key[:len(keyPrefix)]) != keyPrefix {
		return 0, false
	}
	digits := key[len(keyPrefix):]
	if len(digits) > 20 || (len(digits) > keyDigits && digits[0] == '0') {
		return 0, false
	}
	var n uint64
	for _, c := range digits {
		if c < '0' || c > '9' {
			return 0, false
		}
		d := uint64(c - '0')
		if n > (^uint64(0)-d)/10 {
			return 0, false // overflow
		}
		n = n*10 + d
	}
	return n, true
}
