package rdb

// crcWorker computes the running CRC of the decoder's input on a second
// goroutine, so that on a machine with two cores checksumming (the larger
// cost of loading a snapshot) overlaps parsing instead of adding to it.
//
// The reader alternates between two buffers. When it leaves one for the
// other it hands the consumed, not yet hashed bytes of the old one to the
// worker; it writes into a buffer again only after taking back that
// buffer's token, which the worker returns once it has hashed it.
type crcWorker struct {
	jobs chan crcJob
	free [2]chan struct{} // one token per buffer: held by whoever may touch it
}

type crcJob struct {
	p     []byte
	buf   int         // buffer whose token to return after hashing, or -1
	reply chan uint64 // if not nil, receives the CRC after p
}

// newCRCWorker starts a worker whose CRC so far is crc, while the reader
// holds buffer cur (so only the other buffer's token is free).
func newCRCWorker(crc uint64, cur int) *crcWorker {
	w := &crcWorker{jobs: make(chan crcJob, 2)}
	for i := range w.free {
		w.free[i] = make(chan struct{}, 1)
	}
	w.free[1-cur] <- struct{}{}
	go w.run(crc)
	return w
}

func (w *crcWorker) run(crc uint64) {
	for j := range w.jobs {
		crc = crcUpdate(crc, j.p)
		if j.buf >= 0 {
			w.free[j.buf] <- struct{}{}
		}
		if j.reply != nil {
			j.reply <- crc
		}
	}
}

// acquire waits until buffer i is no longer being hashed.
func (w *crcWorker) acquire(i int) { <-w.free[i] }

// release hands buffer i to the worker: p (a part of it) is hashed next,
// then the buffer's token is returned.
func (w *crcWorker) release(i int, p []byte) { w.jobs <- crcJob{p: p, buf: i} }

// sum hashes p after everything handed over so far and returns the CRC.
func (w *crcWorker) sum(p []byte) uint64 {
	reply := make(chan uint64, 1)
	w.jobs <- crcJob{p: p, buf: -1, reply: reply}
	return <-reply
}

// stop ends the goroutine once it has drained its jobs.
func (w *crcWorker) stop() { close(w.jobs) }
