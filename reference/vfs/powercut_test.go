package vfs

import (
	"bytes"
	"strings"
	"testing"
)

func TestCrashKeepUnsyncedKeepsEverything(t *testing.T) {
	fs := NewCrash(CrashOptions{Writeback: -1, KeepUnsynced: 1, TearWrites: true})
	must(t, fs.MkdirAll("/d", 0o755))
	durableFile(t, fs, "/d/a", strings.Repeat("a", 3*PageSize))
	f, err := fs.OpenReadWrite("/d/a")
	must(t, err)
	must(t, f.Truncate(PageSize+7))
	_, err = f.WriteAt([]byte(strings.Repeat("b", 2*PageSize)), 2*PageSize+11)
	must(t, err)
	writeFile(t, fs, "/d/b", "new file", false)
	must(t, fs.Rename("/d/b", "/d/c"))
	before := snapshot(t, fs, "/d")
	fs.PowerCut()
	if after := snapshot(t, fs, "/d"); after != before {
		t.Errorf("after the cut:\n%.200q\nwant\n%.200q", after, before)
	}
}

// snapshot renders every file of dir, with its name, as one string.
func snapshot(t tb, fsys FS, dir string) string {
	t.Helper()
	names, err := fsys.List(dir)
	must(t, err)
	var b strings.Builder
	for _, name := range names {
		data, _ := content(t, fsys, dir+"/"+name)
		b.WriteString(name + "=" + data + "\n")
	}
	return b.String()
}

// TestCrashKeepSomeReplays checks that KeepUnsynced between 0 and 1 keeps
// some pages and drops others, page by page, and that one seed always
// draws the same fates.
func TestCrashKeepSomeReplays(t *testing.T) {
	const pages = 64
	run := func(seed int64) (string, CutStats) {
		fs := NewCrash(CrashOptions{Seed: seed, Writeback: -1, KeepUnsynced: 0.5})
		durableFile(t, fs, "/dev", strings.Repeat("a", pages*PageSize))
		f, err := fs.OpenReadWrite("/dev")
		must(t, err)
		_, err = f.WriteAt([]byte(strings.Repeat("b", pages*PageSize)), 0)
		must(t, err)
		fs.PowerCut()
		got, _ := content(t, fs, "/dev")
		return got, fs.Stats().LastCut
	}
	got, st := run(7)
	if again, _ := run(7); again != got {
		t.Fatal("seed 7 drew different fates twice")
	}
	if st.PagesKept == 0 || st.PagesDropped == 0 || st.PagesKept+st.PagesDropped != pages {
		t.Fatalf("kept %d and dropped %d of %d pages, want some of each", st.PagesKept, st.PagesDropped, pages)
	}
	kept := 0
	for i := 0; i < len(got); i += PageSize {
		pg := got[i : i+PageSize]
		switch pg {
		case strings.Repeat("b", PageSize):
			kept++
		case strings.Repeat("a", PageSize):
		default:
			t.Fatalf("page %d mixes old and new data", i/PageSize)
		}
	}
	if int64(kept) != st.PagesKept {
		t.Errorf("%d new pages on disk, stats say %d kept", kept, st.PagesKept)
	}
}

func TestCrashStats(t *testing.T) {
	fs := NewCrash(CrashOptions{Writeback: -1})
	f, err := fs.Create("/a")
	must(t, err)
	_, err = f.Write(make([]byte, 3*PageSize))
	must(t, err)
	must(t, f.Sync())
	_, err = f.Write([]byte("tail"))
	must(t, err)
	must(t, fs.SyncDir("/"))
	st := fs.Stats()
	want := CrashStats{BytesWritten: 3*PageSize + 4, Writes: 2, Syncs: 1, DirSyncs: 1, DirtyPages: 1}
	if st != want {
		t.Errorf("Stats = %+v, want %+v", st, want)
	}
	fs.Kill()
	fs.PowerCut()
	st = fs.Stats()
	if st.Kills != 1 || st.PowerCuts != 1 || st.DirtyPages != 0 || st.LastCut.PagesDropped != 1 || st.LastCut.BytesDropped != 4 {
		t.Errorf("after a cut: %+v", st)
	}
}

// TestCrashTornWrites checks that a torn write keeps a prefix of whole
// pages of the new data, ending at a 4 KiB boundary of the file.
func TestCrashTornWrites(t *testing.T) {
	tests := []struct {
		name    string
		off, n  int64
		oldSize int64
	}{
		{"aligned, inside the file", PageSize, 5 * PageSize, 8 * PageSize},
		{"unaligned, inside the file", PageSize + 100, 5*PageSize - 300, 8 * PageSize},
		{"unaligned, past the end", 2*PageSize + 7, 6 * PageSize, 3 * PageSize},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			torn := 0
			for seed := int64(1); seed <= 64; seed++ {
				old := bytes.Repeat([]byte{'a'}, int(tc.oldSize))
				fs := NewCrash(CrashOptions{Seed: seed, Writeback: -1, TearWrites: true})
				durableFile(t, fs, "/f", string(old))
				f, err := fs.OpenReadWrite("/f")
				must(t, err)
				_, err = f.WriteAt(bytes.Repeat([]byte{'b'}, int(tc.n)), tc.off)
				must(t, err)
				fs.PowerCut()
				got, _ := content(t, fs, "/f")
				boundary := checkTorn(t, seed, []byte(got), old, tc.off, tc.off+tc.n)
				if boundary > tc.off && boundary < tc.off+tc.n {
					torn++
				}
			}
			if torn == 0 {
				t.Errorf("64 seeds tore no write")
			}
		})
	}
}

// checkTorn finds where the new data ends in got and fails the test unless
// that is a page boundary (or the write's end) and the rest is old data.
func checkTorn(t *testing.T, seed int64, got, old []byte, off, end int64) int64 {
	t.Helper()
	b := off
	for b < end && b < int64(len(got)) && got[b] == 'b' {
		b++
	}
	if b != end && b%PageSize != 0 && b != off {
		t.Fatalf("seed %d: new data ends at %d, not at a 4 KiB boundary", seed, b)
	}
	wantLen := max(int64(len(old)), min(end, (b+PageSize-1)/PageSize*PageSize))
	if b == off {
		wantLen = int64(len(old))
	}
	if int64(len(got)) != wantLen {
		t.Fatalf("seed %d: size %d after a tear at %d, want %d", seed, len(got), b, wantLen)
	}
	if !bytes.Equal(got[:off], old[:off]) {
		t.Fatalf("seed %d: data before the write changed", seed)
	}
	for i := b; i < int64(len(got)); i++ {
		if i < int64(len(old)) && got[i] != old[i] || i >= int64(len(old)) && got[i] != 0 {
			t.Fatalf("seed %d: byte %d = %q after a tear at %d, want old data", seed, i, got[i], b)
		}
	}
	return b
}
