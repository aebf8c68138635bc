package workloads

import (
	"flag"
	"math"
	"math/rand/v2"
	"testing"
)

// Statistical tests draw from fixed seeds (logged, and replaced with -seed)
// and accept a result within 5 standard deviations of its expected value:
// with a fixed seed they are deterministic; with another seed a correct
// generator fails one check in ~1.7 million. -long draws 10 times more.
var (
	seedFlag = flag.Uint64("seed", 0, "seed for the statistical tests (0 = their fixed seeds)")
	longFlag = flag.Bool("long", false, "draw 10 times more samples in the statistical tests")
)

func testRand(t *testing.T, fixed uint64) *rand.Rand {
	t.Helper()
	seed := fixed
	if *seedFlag != 0 {
		seed = *seedFlag
	}
	t.Logf("seed %d (replay with -seed %d)", seed, seed)
	return rand.New(rand.NewPCG(seed, seed^0x5eed))
}

func draws(n int) int {
	if *longFlag {
		return 10 * n
	}
	return n
}

// checkShare fails unless hits/n is within 5σ of p (binomial σ) plus an
// allowed model error slack.
func checkShare(t *testing.T, what string, hits, n int, p, slack float64) {
	t.Helper()
	got := float64(hits) / float64(n)
	sigma := math.Sqrt(p * (1 - p) / float64(n))
	if d := math.Abs(got - p); d > 5*sigma+slack {
		t.Errorf("%s: share %.5f, want %.5f ± %.5f (5σ) ± %.5f", what, got, p, 5*sigma, slack)
	} else {
		t.Logf("%s: share %.5f, want %.5f ± %.5f", what, got, p, 5*sigma+slack)
	}
}

// grayCDF is the exact P(rank < k) of the zipfian generator over n items:
// ranks 0 and 1 are drawn exactly; rank r >= 2 comes from
// floor(n·(η·u - η + 1)^α), so rank < k ⟺ u < 1 - (1 - (k/n)^(1-θ))/η.
func grayCDF(z *zipfian, k uint64) float64 {
	switch {
	case k == 0:
		return 0
	case k == 1:
		return 1 / z.zetan
	case k >= z.n:
		return 1
	}
	p := 1 - (1-math.Pow(float64(k)/float64(z.n), 1-z.theta))/z.eta
	return min(max(p, z.half/z.zetan), 1)
}

// chiSquare of observed counts against equal expected counts.
func chiSquare(counts []int, total int) (chi2 float64, dof int) {
	exp := float64(total) / float64(len(counts))
	for _, c := range counts {
		d := float64(c) - exp
		chi2 += d * d / exp
	}
	return chi2, len(counts) - 1
}

func checkChiSquare(t *testing.T, what string, counts []int, total int) {
	t.Helper()
	chi2, dof := chiSquare(counts, total)
	limit := float64(dof) + 5*math.Sqrt(2*float64(dof))
	if chi2 > limit {
		t.Errorf("%s: χ² = %.1f with %d degrees of freedom, want below %.1f", what, chi2, dof, limit)
	} else {
		t.Logf("%s: χ² = %.1f with %d degrees of freedom (limit %.1f)", what, chi2, dof, limit)
	}
}
