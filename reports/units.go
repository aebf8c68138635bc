package reports

import (
	"fmt"
	"math"
	"strconv"
	"strings"
)

// dash stands for a measurement that was not taken; a footnote says why.
const dash = "—"

// formatMicros writes a duration given in microseconds: whole µs below
// 1 ms, two decimals of ms below 1 s, two decimals of seconds above. The
// unit is chosen after rounding so 999.7µs reads 1.00ms, not 1000µs.
func formatMicros(us float64) string {
	if math.IsNaN(us) || math.IsInf(us, 0) {
		return "?"
	}
	if r := math.Round(us); math.Abs(r) < 1000 {
		return strconv.FormatFloat(r, 'f', 0, 64) + "µs"
	}
	if ms := math.Round(us/10) / 100; math.Abs(ms) < 1000 {
		return strconv.FormatFloat(ms, 'f', 2, 64) + "ms"
	}
	return strconv.FormatFloat(us/1e6, 'f', 2, 64) + "s"
}

// formatMillis writes a duration given in milliseconds (see formatMicros).
func formatMillis(ms float64) string { return formatMicros(ms * 1000) }

// formatRate writes operations per second rounded to a whole number with
// grouped digits; a rate above zero that rounds to zero reads "<1" so that
// it is not mistaken for no operations at all.
func formatRate(ops float64) string {
	if math.IsNaN(ops) || math.IsInf(ops, 0) {
		return "?"
	}
	r := math.Round(ops)
	if r == 0 && ops > 0 {
		return "<1"
	}
	return groupDigits(strconv.FormatFloat(r, 'f', 0, 64))
}

// formatCount writes a count with grouped digits: 1,204.
func formatCount(n int64) string { return groupDigits(strconv.FormatInt(n, 10)) }

// formatRecords writes a dataset size the way the --records flag takes it:
// 10k, 1m when exact, else grouped digits.
func formatRecords(n int64) string {
	switch {
	case n != 0 && n%1_000_000 == 0:
		return strconv.FormatInt(n/1_000_000, 10) + "m"
	case n != 0 && n%1_000 == 0:
		return strconv.FormatInt(n/1_000, 10) + "k"
	}
	return formatCount(n)
}

// formatBytes writes a size in IEC units with one decimal: 512 B, 1.5 GiB.
func formatBytes(n int64) string {
	if n > -1024 && n < 1024 {
		return strconv.FormatInt(n, 10) + " B"
	}
	v := float64(n)
	for _, unit := range []string{"KiB", "MiB", "GiB", "TiB", "PiB"} {
		v /= 1024
		// Choose the unit after rounding: 1023.96 KiB reads 1.0 MiB.
		if math.Abs(math.Round(v*10)/10) < 1024 || unit == "PiB" {
			return strconv.FormatFloat(v, 'f', 1, 64) + " " + unit
		}
	}
	panic("unreachable")
}

// formatRatio writes a ratio such as disk bytes over logical bytes: 1.8×;
// two decimals below 0.1 so that a small ratio does not read 0.0×.
func formatRatio(x float64) string {
	if math.IsNaN(x) || math.IsInf(x, 0) {
		return "?"
	}
	if x != 0 && math.Abs(x) < 0.095 {
		return strconv.FormatFloat(x, 'f', 2, 64) + "×"
	}
	return strconv.FormatFloat(x, 'f', 1, 64) + "×"
}

// groupDigits puts a comma between groups of three digits of a decimal
// integer: -1234567 → -1,234,567.
func groupDigits(s string) string {
	sign := ""
	if strings.HasPrefix(s, "-") {
		sign, s = "-", s[1:]
	}
	if len(s) <= 3 {
		return sign + s
	}
	var b strings.Builder
	b.WriteString(sign)
	head := len(s) % 3
	if head > 0 {
		b.WriteString(s[:head])
	}
	for i := head; i < len(s); i += 3 {
		if b.Len() > len(sign) {
			b.WriteByte(',')
		}
		b.WriteString(s[i : i+3])
	}
	return b.String()
}

// plural writes n and a noun, adding an s unless n is one: "2 cores".
func plural(n int, noun string) string {
	if n == 1 {
		return fmt.Sprintf("1 %s", noun)
	}
	return fmt.Sprintf("%d %ss", n, noun)
}
