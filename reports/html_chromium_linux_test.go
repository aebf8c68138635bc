package reports

import (
	"bytes"
	"context"
	"image"
	"image/color"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"syscall"
	"testing"
	"time"
)

// chromium finds a headless-capable Chromium, or skips the test (fails
// it in CI, where .ci/run installs Debian's chromium).
func chromium(t *testing.T) string {
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	if os.Getenv("CI") == "true" {
		t.Fatal("chromium is not on PATH; CI must install it (.ci/run: apt-get install chromium)")
	}
	t.Skip("chromium is not on PATH (apt-get install chromium to run this test)")
	return ""
}

// screenshot renders page headless to a PNG of the given window size.
func screenshot(t *testing.T, browser, page string, width, height int) image.Image {
	dir := t.TempDir()
	shot := filepath.Join(dir, "out.png")
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, browser, "--headless", "--no-sandbox", "--disable-gpu",
		"--disable-background-networking", "--disable-component-update", "--disable-sync",
		"--disable-dev-shm-usage", "--no-first-run", "--hide-scrollbars",
		"--user-data-dir="+filepath.Join(dir, "profile"), "--screenshot="+shot,
		"--window-size="+strconv.Itoa(width)+","+strconv.Itoa(height), "file://"+page)
	// Chromium starts helper processes: on a timeout, stop the whole
	// group this test started, by its id.
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	cmd.Cancel = func() error { return syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL) }
	cmd.WaitDelay = 5 * time.Second
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("%s: %v\n%s", browser, err, stderr.Bytes())
	}
	f, err := os.Open(shot)
	if err != nil {
		t.Fatalf("no screenshot: %v\n%s", err, stderr.Bytes())
	}
	defer f.Close()
	img, err := png.Decode(f)
	if err != nil {
		t.Fatal(err)
	}
	return img
}

// TestHTMLRendersInChromium renders the report of a real run headless, at
// desktop and phone widths, and checks the picture is not blank: enough
// non-white pixels, enough colours, and the solid colours of the first
// series (the lost-writes bars) actually painted, which proves the inline
// SVG and its stylesheet were drawn.
func TestHTMLRendersInChromium(t *testing.T) {
	browser := chromium(t)
	abs, err := filepath.Abs("testdata/reference-crash")
	if err != nil {
		t.Fatal(err)
	}
	r := readFixture(t, "reference-crash/results.json")
	var b bytes.Buffer
	if err := HTML(&b, r, Options{Dir: abs}); err != nil {
		t.Fatal(err)
	}
	page := filepath.Join(t.TempDir(), "report.html")
	if err := os.WriteFile(page, b.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, size := range []struct{ w, h int }{{1200, 3000}, {390, 2400}} {
		img := screenshot(t, browser, page, size.w, size.h)
		nonWhite, colours := inkStats(img)
		total := img.Bounds().Dx() * img.Bounds().Dy()
		t.Logf("%dx%d: %.1f%% non-white, %d colours", size.w, size.h, 100*float64(nonWhite)/float64(total), len(colours))
		if nonWhite < total/50 || len(colours) < 50 {
			t.Errorf("%dx%d: the page looks blank: %d non-white pixels of %d, %d colours", size.w, size.h, nonWhite, total, len(colours))
		}
		for _, c := range []color.RGBA{{0x00, 0x72, 0xB2, 0xff}, {0xD5, 0x5E, 0x00, 0xff}} {
			if colours[c] < 20 {
				t.Errorf("%dx%d: series colour #%02x%02x%02x painted on %d pixels, want a bar of it", size.w, size.h, c.R, c.G, c.B, colours[c])
			}
		}
	}
}

// inkStats counts the pixels that are not white and the pixels of each
// colour.
func inkStats(img image.Image) (nonWhite int, colours map[color.RGBA]int) {
	colours = map[color.RGBA]int{}
	b := img.Bounds()
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			r, g, bl, _ := img.At(x, y).RGBA()
			c := color.RGBA{uint8(r >> 8), uint8(g >> 8), uint8(bl >> 8), 0xff}
			colours[c]++
			if c.R < 0xf0 || c.G < 0xf0 || c.B < 0xf0 {
				nonWhite++
			}
		}
	}
	return nonWhite, colours
}
