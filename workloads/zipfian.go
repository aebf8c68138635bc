package workloads

import "math"

// zipfian draws ranks in [0, n), rank i with probability (i+1)^-θ / ζ(n),
// where ζ(n) = Σ_{i=1..n} i^-θ. It uses the method of Gray et al.,
// "Quickly Generating Billion-Record Synthetic Databases" (SIGMOD 1994), as
// YCSB's ZipfianGenerator does: ranks 0 and 1 are exact, the others come
// from inverting a continuous approximation of the CDF, one Pow per draw.
//
// The item count may change between draws (inserts grow it). When it grows
// by at most zetaIncrementalMax items ζ grows by the new terms, as YCSB's
// incremental zeta does; any other change recomputes ζ in O(1) work from an
// Euler–Maclaurin expansion (zeta), so a jump is as cheap as a step.
type zipfian struct {
	theta, alpha float64 // alpha = 1/(1-θ)
	zeta2        float64 // ζ(2) = 1 + 2^-θ
	half         float64 // 1 + 0.5^θ: draws with u·ζ(n) below it are rank 1
	n            uint64  // item count zetan and eta are for
	zetan, eta   float64
}

const zetaIncrementalMax = 1024

func newZipfian(theta float64, n uint64) zipfian {
	z := zipfian{
		theta: theta,
		alpha: 1 / (1 - theta),
		zeta2: 1 + math.Pow(2, -theta),
		half:  1 + math.Pow(0.5, theta),
	}
	z.n, z.zetan = n, zeta(n, theta)
	z.setEta()
	return z
}

// resize makes the next draws range over [0, n).
func (z *zipfian) resize(n uint64) {
	switch {
	case n == z.n:
		return
	case n > z.n && n-z.n <= zetaIncrementalMax:
		for i := z.n + 1; i <= n; i++ {
			z.zetan += math.Pow(float64(i), -z.theta)
		}
	default:
		z.zetan = zeta(n, z.theta)
	}
	z.n = n
	z.setEta()
}

func (z *zipfian) setEta() {
	if z.n > 2 {
		z.eta = (1 - math.Pow(2/float64(z.n), 1-z.theta)) / (1 - z.zeta2/z.zetan)
	}
}

// rank maps a uniform u in [0, 1) to a rank in [0, n).
func (z *zipfian) rank(u float64) uint64 {
	uz := u * z.zetan
	if uz < 1 {
		return 0
	}
	if uz < z.half {
		return 1
	}
	r := uint64(float64(z.n) * math.Pow(z.eta*u-z.eta+1, z.alpha))
	return min(r, z.n-1)
}

// zetaExactTerms terms are summed one by one; Euler–Maclaurin covers the
// rest. With 32 exact terms the first neglected correction is below
// θ(θ+1)…(θ+4)·32^-(θ+5)/30240 < 1e-9 for θ in (0, 1).
const zetaExactTerms = 32

// zeta returns Σ_{i=1..n} i^-θ.
func zeta(n uint64, theta float64) float64 {
	if n <= 2*zetaExactTerms {
		var s float64
		for i := uint64(1); i <= n; i++ {
			s += math.Pow(float64(i), -theta)
		}
		return s
	}
	var s float64
	for i := 1; i < zetaExactTerms; i++ {
		s += math.Pow(float64(i), -theta)
	}
	return s + eulerMaclaurin(zetaExactTerms, float64(n), theta)
}

// eulerMaclaurin approximates Σ_{i=a..b} i^-θ by the integral, the end
// point terms and the B2 and B4 corrections.
func eulerMaclaurin(a, b, theta float64) float64 {
	f := func(x float64) float64 { return math.Pow(x, -theta) }
	d1 := func(x float64) float64 { return -theta * math.Pow(x, -theta-1) }
	d3 := func(x float64) float64 { return -theta * (theta + 1) * (theta + 2) * math.Pow(x, -theta-3) }
	// ∫_a^b x^-θ dx = a^(1-θ)·(e^((1-θ)·ln(b/a)) - 1)/(1-θ); Expm1 keeps
	// precision when θ is close to 1.
	integral := math.Pow(a, 1-theta) * math.Expm1((1-theta)*math.Log(b/a)) / (1 - theta)
	return integral + (f(a)+f(b))/2 + (d1(b)-d1(a))/12 - (d3(b)-d3(a))/720
}
