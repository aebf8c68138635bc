package workloads

import (
	"fmt"
	"math"
	"testing"
)

func exactZeta(n uint64, theta float64) float64 {
	var s float64
	for i := n; i >= 1; i-- { // smallest terms first, for precision
		s += math.Pow(float64(i), -theta)
	}
	return s
}

func TestZetaMatchesExactSum(t *testing.T) {
	for _, theta := range []float64{0.2, 0.5, 0.99, 0.9999} {
		for _, n := range []uint64{1, 2, 10, 64, 65, 1000, 123_457, 1_000_000} {
			got, want := zeta(n, theta), exactZeta(n, theta)
			if rel := math.Abs(got-want) / want; rel > 1e-10 {
				t.Errorf("zeta(%d, %v) = %.15g, exact %.15g (relative error %.2g)", n, theta, got, want, rel)
			}
		}
	}
}

// YCSB hard-codes ζ(10^10, 0.99) for its ScrambledZipfianGenerator.
func TestZetaMatchesYCSBConstant(t *testing.T) {
	const ycsbZetan = 26.46902820178302
	if got := zeta(scrambledItems, 0.99); math.Abs(got-ycsbZetan) > 1e-9 {
		t.Errorf("zeta(1e10, 0.99) = %.15g, YCSB's ZETAN is %.15g", got, ycsbZetan)
	}
}

// Growing one item at a time (incremental ζ), in jumps (recomputed ζ) and
// building afresh must agree.
func TestZipfianResize(t *testing.T) {
	steps := newZipfian(0.99, 1000)
	jumps := newZipfian(0.99, 1000)
	for n := uint64(1001); n <= 20_000; n++ {
		steps.resize(n)
		if n%5000 == 0 {
			jumps.resize(n)
			fresh := newZipfian(0.99, n)
			for _, z := range []zipfian{steps, jumps} {
				if math.Abs(z.zetan-fresh.zetan)/fresh.zetan > 1e-10 || math.Abs(z.eta-fresh.eta)/fresh.eta > 1e-8 {
					t.Fatalf("n=%d: ζ %.15g η %.15g, fresh ζ %.15g η %.15g", n, z.zetan, z.eta, fresh.zetan, fresh.eta)
				}
			}
		}
	}
	jumps.resize(500) // shrinking recomputes too
	if fresh := newZipfian(0.99, 500); jumps.zetan != fresh.zetan {
		t.Errorf("after shrinking to 500: ζ %v, fresh %v", jumps.zetan, fresh.zetan)
	}
}

// TestZipfianShares compares the shares of the hottest ranks with theory.
// Ranks 0 and 1 are exact Zipf: 1/ζ(n) and 2^-θ/ζ(n). Beyond, Gray's method
// approximates Zipf by a continuous CDF: the draws must match that CDF
// (grayCDF, 5σ), and the CDF must stay within 5% of the true Zipf share
// ζ(k)/ζ(n): the approximation is coarsest for the few ranks after 1 (at
// n = 1000 the top 1% gets 0.398 instead of 0.383, 4% more; at n = 100k
// 0.613 instead of 0.605).
func TestZipfianShares(t *testing.T) {
	r := testRand(t, 1)
	for _, n := range []uint64{1000, 100_000, 1_000_000} {
		z := newZipfian(0.99, n)
		top1, top10 := n/100, n/10
		N := draws(1_000_000)
		var c0, c1, h1, h10 int
		for range N {
			k := z.rank(r.Float64())
			if k >= n {
				t.Fatalf("rank %d out of [0, %d)", k, n)
			}
			c0 += b2i(k == 0)
			c1 += b2i(k == 1)
			h1 += b2i(k < top1)
			h10 += b2i(k < top10)
		}
		zn := zeta(n, 0.99)
		checkShare(t, "rank 0", c0, N, 1/zn, 0)
		checkShare(t, "rank 1", c1, N, math.Pow(2, -0.99)/zn, 0)
		for _, c := range []struct {
			k    uint64
			hits int
		}{{top1, h1}, {top10, h10}} {
			gray, zipf := grayCDF(&z, c.k), zeta(c.k, 0.99)/zn
			checkShare(t, fmt.Sprintf("top %d of %d", c.k, n), c.hits, N, gray, 0)
			if math.Abs(gray-zipf)/zipf > 0.05 {
				t.Errorf("n=%d: Gray CDF at %d is %.4f, Zipf %.4f: more than 5%% apart", n, c.k, gray, zipf)
			}
		}
	}
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}
