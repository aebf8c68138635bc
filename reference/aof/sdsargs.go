package aof

import (
	"errors"
	"strconv"
	"strings"
)

// splitArgs splits a manifest line as Redis's sdssplitargs does: words
// separated by blanks, "double quoted" words with \xHH, \n, \r, \t, \b, \a
// and \<char> escapes, 'single quoted' words with \' only. A closing quote
// must be followed by a blank or the end of the line.
func splitArgs(line string) ([]string, error) {
	var out []string
	i := 0
	for {
		for i < len(line) && isSpace(line[i]) {
			i++
		}
		if i >= len(line) {
			return out, nil
		}
		var cur strings.Builder
		inq, insq := false, false
		for ; ; i++ {
			if i >= len(line) {
				if inq || insq {
					return nil, errors.New("unbalanced quotes")
				}
				break
			}
			c := line[i]
			if inq {
				switch {
				case c == '\\' && i+3 < len(line) && line[i+1] == 'x' && isHex(line[i+2]) && isHex(line[i+3]):
					v, _ := strconv.ParseUint(line[i+2:i+4], 16, 8)
					cur.WriteByte(byte(v))
					i += 3
				case c == '\\' && i+1 < len(line):
					i++
					cur.WriteByte(unescape(line[i]))
				case c == '"':
					if i+1 < len(line) && !isSpace(line[i+1]) {
						return nil, errors.New("closing quote must be followed by a space")
					}
					inq = false
				default:
					cur.WriteByte(c)
				}
				if !inq {
					i++
					break
				}
				continue
			}
			if insq {
				switch {
				case c == '\\' && i+1 < len(line) && line[i+1] == '\'':
					i++
					cur.WriteByte('\'')
				case c == '\'':
					if i+1 < len(line) && !isSpace(line[i+1]) {
						return nil, errors.New("closing quote must be followed by a space")
					}
					insq = false
				default:
					cur.WriteByte(c)
				}
				if !insq {
					i++
					break
				}
				continue
			}
			if isSpace(c) {
				break
			}
			switch c {
			case '"':
				inq = true
			case '\'':
				insq = true
			default:
				cur.WriteByte(c)
			}
		}
		out = append(out, cur.String())
	}
}

func unescape(c byte) byte {
	switch c {
	case 'n':
		return '\n'
	case 'r':
		return '\r'
	case 't':
		return '\t'
	case 'b':
		return '\b'
	case 'a':
		return '\a'
	}
	return c
}

func isSpace(c byte) bool {
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f' || c == 0
}

func isHex(c byte) bool {
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F')
}

// quoteName returns name as Redis's aofInfoFormat writes it: bare unless
// sdsneedsrepr, then quoted like sdscatrepr.
func quoteName(name string) string {
	needs := false
	for i := 0; i < len(name); i++ {
		c := name[i]
		if c == '\\' || c == '"' || c < 0x20 || c >= 0x7f || c == ' ' {
			needs = true
			break
		}
	}
	if !needs {
		return name
	}
	var b strings.Builder
	b.WriteByte('"')
	for i := 0; i < len(name); i++ {
		c := name[i]
		switch c {
		case '\\', '"':
			b.WriteByte('\\')
			b.WriteByte(c)
		case '\n':
			b.WriteString(`\n`)
		case '\r':
			b.WriteString(`\r`)
		case '\t':
			b.WriteString(`\t`)
		case '\a':
			b.WriteString(`\a`)
		case '\b':
			b.WriteString(`\b`)
		default:
			if c < 0x20 || c >= 0x7f {
				b.WriteString(`\x`)
				b.WriteByte("0123456789abcdef"[c>>4])
				b.WriteByte("0123456789abcdef"[c&15])
			} else {
				b.WriteByte(c)
			}
		}
	}
	b.WriteByte('"')
	return b.String()
}
