package aof

import "time"

// Stats are the AOF's counters since Open.
type Stats struct {
	Policy string

	Records      int64 // SET/DEL records appended
	RecordBytes  int64 // RESP bytes written to incr files (SELECTs included)
	BaseBytes    int64 // bytes of bases written by rewrites
	MetaBytes    int64 // manifest bytes written
	BytesWritten int64 // RecordBytes + BaseBytes + MetaBytes: all this AOF wrote (write amplification)

	Fsyncs     int64 // fdatasyncs of incr files (policy, rotation, close)
	FsyncTotal time.Duration
	FsyncMax   time.Duration
	SlowFsyncs int64 // fsyncs over Options.SlowFsync, each also an "fsync-slow" event

	DelayedFsyncs   int64 // Redis's aof_delayed_fsync: writes forced while an everysec fsync ran for 2 s
	PostponedWrites int64 // everysec writes postponed behind a running fsync (each episode once)

	Rewrites           int64
	RewritesFailed     int64 // FinishRewrite errors and aborts
	LoadTruncatedBytes int64 // bytes cut from a torn tail by the Load in LoadAndOpen

	Err string // the sticky error, if any
}

func (s *Stats) addFsync(d time.Duration, slow bool) {
	s.Fsyncs++
	s.FsyncTotal += d
	if d > s.FsyncMax {
		s.FsyncMax = d
	}
	if slow {
		s.SlowFsyncs++
	}
}
