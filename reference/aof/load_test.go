package aof

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// writeLayout writes a manifest and files into Dir/appendonlydir.
func writeLayout(t *testing.T, dir string, manifest string, files map[string]string) Options {
	t.Helper()
	ad := filepath.Join(dir, "appendonlydir")
	if err := os.MkdirAll(ad, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(ad, "appendonly.aof.manifest"), []byte(manifest), 0o644); err != nil {
		t.Fatal(err)
	}
	for n, c := range files {
		if err := os.WriteFile(filepath.Join(ad, n), []byte(c), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return Options{Dir: dir}
}

const twoIncrs = "file appendonly.aof.1.base.aof seq 1 type b\nfile appendonly.aof.1.incr.aof seq 1 type i\nfile appendonly.aof.2.incr.aof seq 2 type i\n"

func set(k, v string) string { return string(AppendSet(nil, []byte(k), []byte(v))) }

var sel0 = string(AppendSelect(nil, 0))

// TestLoadTruncatedTail cuts the last file at every byte of its last record:
// Load must keep the complete records, cut the rest on disk and say how much.
func TestLoadTruncatedTail(t *testing.T) {
	full := sel0 + set("a", "1") + set("b", "22")
	lastStart := len(sel0) + len(set("a", "1"))
	for cut := lastStart + 1; cut < len(full); cut++ {
		dir := t.TempDir()
		o := writeLayout(t, dir, twoIncrs, map[string]string{
			"appendonly.aof.1.base.aof": "",
			"appendonly.aof.1.incr.aof": sel0 + set("x", "0"),
			"appendonly.aof.2.incr.aof": full[:cut],
		})
		got, ls := loadState(t, o)
		if d := diffState(got, state{"x": "0", "a": "1"}); d != "" {
			t.Errorf("cut at %d: %s", cut, d)
		}
		if ls.TruncatedBytes != int64(cut-lastStart) || ls.TruncatedFile != "appendonly.aof.2.incr.aof" {
			t.Errorf("cut at %d: truncated %d bytes of %q, want %d", cut, ls.TruncatedBytes, ls.TruncatedFile, cut-lastStart)
		}
		data, _ := os.ReadFile(filepath.Join(dir, "appendonlydir", "appendonly.aof.2.incr.aof"))
		if len(data) != lastStart {
			t.Errorf("cut at %d: file is %d bytes after Load, want %d", cut, len(data), lastStart)
		}
	}
}

// TestLoadRepairThenAppend: after the cut, the AOF takes appends and loads
// cleanly, with the torn record gone.
func TestLoadRepairThenAppend(t *testing.T) {
	dir := t.TempDir()
	o := writeLayout(t, dir, twoIncrs, map[string]string{
		"appendonly.aof.1.base.aof": "",
		"appendonly.aof.1.incr.aof": "",
		"appendonly.aof.2.incr.aof": sel0 + set("a", "1") + set("b", "2")[:9],
	})
	o.Fsync = FsyncAlways
	a, ls, err := LoadAndOpen(o, nil, state{}.apply)
	if err != nil {
		t.Fatal(err)
	}
	put(t, a, 0, false, "c", "3")
	if st := a.Stats(); st.LoadTruncatedBytes != 9 || ls.TruncatedBytes != 9 {
		t.Errorf("truncated bytes: stats %d, load %d, want 9", st.LoadTruncatedBytes, ls.TruncatedBytes)
	}
	a.Close()
	got, ls := loadState(t, o)
	if d := diffState(got, state{"a": "1", "c": "3"}); d != "" {
		t.Error(d)
	}
	if ls.TruncatedBytes != 0 {
		t.Errorf("second load truncated %d bytes", ls.TruncatedBytes)
	}
}

func TestLoadMulti(t *testing.T) {
	multi := string(appendCommand(nil, []byte("MULTI")))
	exec := string(appendCommand(nil, []byte("EXEC")))
	del2 := string(appendCommand(nil, []byte("del"), []byte("a"), []byte("b")))
	o := writeLayout(t, t.TempDir(), twoIncrs, map[string]string{
		"appendonly.aof.1.base.aof": "",
		"appendonly.aof.1.incr.aof": sel0 + set("a", "1") + set("b", "2") + multi + del2 + set("c", "3") + exec,
		"appendonly.aof.2.incr.aof": set("d", "4") + multi + set("e", "5"), // MULTI without EXEC at the end
	})
	got, ls := loadState(t, o)
	if d := diffState(got, state{"c": "3", "d": "4"}); d != "" {
		t.Error(d)
	}
	if want := int64(len(multi + set("e", "5"))); ls.TruncatedBytes != want {
		t.Errorf("truncated %d bytes, want %d (the unfinished MULTI)", ls.TruncatedBytes, want)
	}
}

func TestLoadErrors(t *testing.T) {
	good := sel0 + set("a", "1")
	tests := []struct {
		name   string
		incr1  string
		incr2  string
		file   string
		offset int64
		reason string
		unsupp bool
	}{
		{name: "garbage mid-file", incr1: good + "xx\r\n" + set("b", "2"), incr2: "",
			file: "appendonly.aof.1.incr.aof", offset: int64(len(good)), reason: "expected '*'"},
		{name: "garbage at the end of the last file", incr1: "", incr2: good + "hello",
			file: "appendonly.aof.2.incr.aof", offset: int64(len(good)), reason: "expected '*'"},
		{name: "zeros at the end of the last file", incr1: "", incr2: good + "\x00\x00\x00\x00",
			file: "appendonly.aof.2.incr.aof", offset: int64(len(good)), reason: "expected '*'"},
		{name: "torn record before the last file", incr1: good + set("b", "2")[:7], incr2: set("c", "3"),
			file: "appendonly.aof.1.incr.aof", offset: int64(len(good) + 7), reason: "not the last one"},
		{name: "bad bulk terminator", incr1: good + "*2\r\n$3\r\nDEL\r\n$1\r\nbXY", incr2: set("c", "3"),
			file: "appendonly.aof.1.incr.aof", offset: int64(len(good) + 18), reason: "not terminated by CRLF"},
		{name: "bad bulk length", incr1: good + "*2\r\n$3\r\nDEL\r\n$-1\r\n", incr2: "",
			file: "appendonly.aof.1.incr.aof", offset: int64(len(good) + 13), reason: "bad bulk length"},
		{name: "zero argc", incr1: "*0\r\n", incr2: "", file: "appendonly.aof.1.incr.aof", reason: "bad argument count"},
		{name: "LF only", incr1: "*1\n", incr2: "", file: "appendonly.aof.1.incr.aof", reason: "not terminated by CRLF"},
		{name: "unsupported command", incr1: good + string(appendCommand(nil, []byte("PEXPIREAT"), []byte("a"), []byte("1"))), incr2: "",
			file: "appendonly.aof.1.incr.aof", offset: int64(len(good)), unsupp: true},
		{name: "SET with options", incr1: good + string(appendCommand(nil, []byte("SET"), []byte("a"), []byte("1"), []byte("KEEPTTL"))), incr2: "",
			file: "appendonly.aof.1.incr.aof", offset: int64(len(good)), unsupp: true},
		{name: "other database", incr1: string(AppendSelect(nil, 3)), incr2: "", file: "appendonly.aof.1.incr.aof", unsupp: true},
	}
	for _, tt := range tests {
		o := writeLayout(t, t.TempDir(), twoIncrs, map[string]string{
			"appendonly.aof.1.base.aof": "",
			"appendonly.aof.1.incr.aof": tt.incr1,
			"appendonly.aof.2.incr.aof": tt.incr2,
		})
		_, err := Load(o, nil, state{}.apply)
		if err == nil {
			t.Errorf("%s: Load succeeded", tt.name)
			continue
		}
		if tt.unsupp {
			if !errors.Is(err, ErrUnsupported) || !strings.Contains(err.Error(), tt.file) {
				t.Errorf("%s: got %v, want ErrUnsupported naming %s", tt.name, err, tt.file)
			}
			continue
		}
		var ce *CorruptError
		if !errors.As(err, &ce) || ce.File != tt.file || ce.Offset != tt.offset || !strings.Contains(ce.Reason, tt.reason) {
			t.Errorf("%s: got %v, want a CorruptError in %s at offset %d: %s", tt.name, err, tt.file, tt.offset, tt.reason)
		}
	}
}

func TestLoadMissingPieces(t *testing.T) {
	ls, err := Load(Options{Dir: t.TempDir()}, nil, state{}.apply)
	if err != nil || ls.Files != 0 {
		t.Errorf("Load of an empty dir = %+v, %v; want nothing, no error", ls, err)
	}
	o := writeLayout(t, t.TempDir(), twoIncrs, map[string]string{"appendonly.aof.1.base.aof": "", "appendonly.aof.1.incr.aof": ""})
	if _, err := Load(o, nil, state{}.apply); err == nil || !strings.Contains(err.Error(), "appendonly.aof.2.incr.aof") {
		t.Errorf("Load with a missing incr = %v, want an error naming it", err)
	}
	o = writeLayout(t, t.TempDir(), "file a seq 1 type x\n", nil)
	if _, err := Load(o, nil, state{}.apply); !errors.Is(err, ErrBadManifest) {
		t.Errorf("Load with a bad manifest = %v, want ErrBadManifest", err)
	}
	applyErr := errors.New("engine full")
	o = writeLayout(t, t.TempDir(), twoIncrs, map[string]string{"appendonly.aof.1.base.aof": set("a", "1"), "appendonly.aof.1.incr.aof": "", "appendonly.aof.2.incr.aof": ""})
	if _, err := Load(o, nil, func(bool, []byte, []byte) error { return applyErr }); !errors.Is(err, applyErr) || !strings.Contains(err.Error(), "appendonly.aof.1.base.aof at offset 0") {
		t.Errorf("Load with a failing apply = %v", err)
	}
}
