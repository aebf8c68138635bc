package reports

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// FuzzDecode feeds results files, seeded with the fixtures in testdata/,
// to the decoder. Whatever decodes must render as text without control
// characters and survive an encode/decode round trip unchanged.
func FuzzDecode(f *testing.F) {
	seeds, err := filepath.Glob(filepath.Join("testdata", "*.json"))
	if err != nil || len(seeds) == 0 {
		f.Fatalf("no seeds in testdata: %v", err)
	}
	for _, name := range seeds {
		data, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		r, err := decode("fuzz.json", data)
		if err != nil {
			if !strings.HasPrefix(err.Error(), "fuzz.json") {
				t.Fatalf("error does not name the file: %v", err)
			}
			return
		}
		var out bytes.Buffer
		if err := Text(&out, r); err != nil {
			t.Fatalf("Text: %v", err)
		}
		for _, c := range strings.ReplaceAll(out.String(), "\n", "") {
			if c < 0x20 || c == 0x7f || (c >= 0x80 && c < 0xa0) {
				t.Fatalf("text report holds control character %U", c)
			}
		}
		once, err := encode(r)
		if err != nil {
			t.Fatalf("encode: %v", err)
		}
		again, err := decode("once.json", once)
		if err != nil {
			t.Fatalf("decode of encoded results: %v", err)
		}
		twice, err := encode(again)
		if err != nil {
			t.Fatalf("encode again: %v", err)
		}
		if !bytes.Equal(once, twice) {
			t.Fatalf("round trip changed the results:\n%s\nthen:\n%s", once, twice)
		}
	})
}
