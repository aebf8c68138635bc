package reports

import (
	"bytes"
	"path/filepath"
	"strings"
	"testing"

	"github.com/persistbench/persistbench/internal/golden"
)

// goldenComparison is a comparison with every verdict: aof-always
// regressed (throughput, p99, and it lost writes where the base lost
// none), none improved, rdb did not change, aof-no ran only in base.
func goldenComparison(t *testing.T) *Comparison {
	t.Helper()
	five := func(tput []float64, p99 float64, lost ...int64) []sample {
		out := series(tput, p99, 0)
		for i, l := range lost {
			out[i].lost = l
		}
		return out
	}
	base := synth([]string{"none", "rdb", "aof-always", "aof-no"}, map[string][]sample{
		"none":       five([]float64{200e3, 204e3, 198e3, 201e3, 199e3}, 40),
		"rdb":        five([]float64{150e3, 149e3, 152e3, 151e3, 148e3}, 60, 900, 950, 1000, 870, 990),
		"aof-always": five([]float64{13000, 13100, 12900, 13050, 12950}, 900),
		"aof-no":     five([]float64{90e3, 91e3}, 80),
	})
	new := synth([]string{"none", "rdb", "aof-always"}, map[string][]sample{
		"none":       five([]float64{230e3, 236e3, 228e3, 231e3, 233e3}, 35),
		"rdb":        five([]float64{151e3, 147e3, 150e3, 153e3, 149e3}, 60, 920, 980, 890, 1010, 940),
		"aof-always": five([]float64{2100, 2150, 2080, 2120, 2090}, 5600, 0, 0, 0, 0, 2),
	})
	th, err := ParseThresholds([]string{"10%", "p999=off"})
	if err != nil {
		t.Fatal(err)
	}
	c, err := Compare(base, new, CompareOptions{BaseName: "base.json", NewName: "new.json", Thresholds: th})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestCompareGolden(t *testing.T) {
	c := goldenComparison(t)
	for _, f := range []struct {
		ext    string
		render func(*bytes.Buffer, *Comparison) error
	}{
		{"txt", func(b *bytes.Buffer, c *Comparison) error { return CompareText(b, c) }},
		{"md", func(b *bytes.Buffer, c *Comparison) error { return CompareMarkdown(b, c) }},
	} {
		t.Run(f.ext, func(t *testing.T) {
			var got bytes.Buffer
			if err := f.render(&got, c); err != nil {
				t.Fatal(err)
			}
			golden.Check(t, filepath.Join("testdata", "compare."+f.ext), got.Bytes(), *update)
		})
	}
}

// TestCompareGoldenVerdicts checks the judgements the golden files show,
// so that -update cannot silently bless a wrong verdict.
func TestCompareGoldenVerdicts(t *testing.T) {
	c := goldenComparison(t)
	want := map[string]Verdict{
		"throughput aof-always": VerdictRegression, "throughput none": VerdictBetter, "throughput rdb": VerdictSame,
		"lost_acked_writes aof-always": VerdictRegression, "lost_acked_writes rdb": VerdictSame,
	}
	for k, v := range want {
		metric, profile, _ := strings.Cut(k, " ")
		if r := row(t, c, metric, profile, ""); r.Verdict != v {
			t.Errorf("%s: %q, want %q", k, r.Verdict, v)
		}
	}
	if r := row(t, c, "p99", "aof-always", "update"); r.Verdict != VerdictRegression {
		t.Errorf("aof-always update p99: %q, want REGRESSION", r.Verdict)
	}
	if r := row(t, c, "p999", "aof-always", "update"); r.Verdict != VerdictNotJudged {
		t.Errorf("p999 is off: %q, want not judged", r.Verdict)
	}
	if len(c.OnlyBase) != 1 || c.OnlyBase[0].Profile != "aof-no" {
		t.Errorf("OnlyBase %v, want aof-no", c.OnlyBase)
	}
	if got := c.Summary(); got != "4 REGRESSIONS" {
		t.Errorf("summary %q", got)
	}
}

func TestCompareMarkdownEscapes(t *testing.T) {
	c := goldenComparison(t)
	c.Notes = append(c.Notes, "a | pipe and <b>html</b>")
	var b bytes.Buffer
	if err := CompareMarkdown(&b, c); err != nil {
		t.Fatal(err)
	}
	if s := b.String(); strings.Contains(s, "<b>") || !strings.Contains(s, `a \| pipe`) {
		t.Errorf("markup from a results file leaked into the Markdown:\n%s", s)
	}
}
