package hostinfo

import "testing"

func TestParseTHP(t *testing.T) {
	for in, want := range map[string]string{
		"always [madvise] never\n": "madvise",
		"[always] madvise never":   "always",
		"always madvise [never]":   "never",
		"garbage":                  "",
		"[unclosed":                "",
	} {
		if got := ParseTHP(in); got != want {
			t.Errorf("ParseTHP(%q) = %q, want %q", in, got, want)
		}
	}
}
