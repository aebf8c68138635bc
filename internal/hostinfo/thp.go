// Package hostinfo reads facts about the host that both the runner and the
// server drivers report.
package hostinfo

import (
	"os"
	"strings"
)

// THPFile is where Linux shows the transparent-huge-pages mode.
const THPFile = "/sys/kernel/mm/transparent_hugepage/enabled"

// THP returns the selected transparent-huge-pages mode ("always",
// "madvise", "never"), or "" when unknown. Redis warns when it is
// "always": fork and copy-on-write get slower.
func THP() string {
	b, err := os.ReadFile(THPFile)
	if err != nil {
		return ""
	}
	return ParseTHP(string(b))
}

// ParseTHP picks the bracketed mode out of "always [madvise] never".
func ParseTHP(s string) string {
	if i := strings.IndexByte(s, '['); i >= 0 {
		if j := strings.IndexByte(s[i:], ']'); j > 0 {
			return s[i+1 : i+j]
		}
	}
	return ""
}
