//go:build cgo && linux

package jitter

/*
#cgo LDFLAGS: -lpthread
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define JITTER_BUCKETS 100000

typedef struct {
	volatile int stop;
	long period_ns;
	uint64_t counts[JITTER_BUCKETS];
	int64_t max_ns;
	int64_t interval_max_ns;
	pthread_t thread;
} jitter_probe;

static int64_t now_ns(void) {
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static void *jitter_loop(void *arg) {
	jitter_probe *p = arg;
	while (!__atomic_load_n(&p->stop, __ATOMIC_RELAXED)) {
		int64_t target = now_ns() + p->period_ns;
		struct timespec ts = { target / 1000000000LL, target % 1000000000LL };
		while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL) != 0) {}
		int64_t late = now_ns() - target;
		if (late < 0) late = 0;
		int64_t b = late / 1000;
		if (b >= JITTER_BUCKETS) b = JITTER_BUCKETS - 1;
		__atomic_add_fetch(&p->counts[b], 1, __ATOMIC_RELAXED);
		int64_t m = __atomic_load_n(&p->max_ns, __ATOMIC_RELAXED);
		if (late > m) __atomic_store_n(&p->max_ns, late, __ATOMIC_RELAXED);
		m = __atomic_load_n(&p->interval_max_ns, __ATOMIC_RELAXED);
		while (late > m && !__atomic_compare_exchange_n(&p->interval_max_ns, &m, late, 0, __ATOMIC_RELAXED, __ATOMIC_RELAXED)) {}
	}
	return NULL;
}

static jitter_probe *jitter_start(long period_ns) {
	jitter_probe *p = calloc(1, sizeof(jitter_probe));
	if (!p) return NULL;
	p->period_ns = period_ns;
	if (pthread_create(&p->thread, NULL, jitter_loop, p) != 0) { free(p); return NULL; }
	return p;
}

static void jitter_stop(jitter_probe *p) {
	__atomic_store_n(&p->stop, 1, __ATOMIC_RELAXED);
	pthread_join(p->thread, NULL);
}

static uint64_t jitter_count(jitter_probe *p, int i) { return __atomic_load_n(&p->counts[i], __ATOMIC_RELAXED); }
static int64_t jitter_max(jitter_probe *p) { return __atomic_load_n(&p->max_ns, __ATOMIC_RELAXED); }
static int64_t jitter_interval_max(jitter_probe *p) { return __atomic_exchange_n(&p->interval_max_ns, 0, __ATOMIC_RELAXED); }
*/
import "C"

import (
	"errors"
	"time"
)

// Probe is a running jitter probe.
type Probe struct{ p *C.jitter_probe }

// Start starts a probe thread.
func Start() (*Probe, error) {
	p := C.jitter_start(C.long(Period))
	if p == nil {
		return nil, errors.New("jitter: cannot start the probe thread")
	}
	return &Probe{p: p}, nil
}

// IntervalMax returns the latest wake-up since the previous call.
func (p *Probe) IntervalMax() time.Duration { return time.Duration(C.jitter_interval_max(p.p)) }

// Stop stops the probe and returns what it measured.
func (p *Probe) Stop() Result {
	C.jitter_stop(p.p)
	counts := make([]uint64, buckets)
	for i := range counts {
		counts[i] = uint64(C.jitter_count(p.p, C.int(i)))
	}
	r := result(counts, time.Duration(C.jitter_max(p.p)), false)
	C.free(unsafePointer(p.p))
	return r
}
