// Package redis is persistbench's Redis backend: a go-redis client, and a
// managed redis-server started per profile on the cell's data directory.
// It owns the rendering of redis.conf from a drivers.Profile, the server's
// life (start, SIGKILL, restart, stop — always by pid), the polling of
// INFO and LATENCY into server-side figures and events, and the timing of a
// recovery. Pointed at an external address it is a plain client.
//
// # The redis.conf it writes (Redis 7.0, redis.conf and config.c)
//
// One directive a line, arguments quoted as Redis's sdssplitargs reads
// them; the order is fixed so that the file is stable for golden tests:
//
//	# persistbench: profile rdb — point-in-time snapshots at save points
//	bind 127.0.0.1                      managed part: loopback only,
//	port 40123                            a free port picked at start,
//	protected-mode yes                    no password (none is needed on
//	daemonize no                          loopback), a child we stop by pid
//	dir /tmp/persistbench-123
//	logfile /tmp/persistbench-123/redis.log
//	dbfilename dump.rdb
//	appenddirname appendonlydir
//	latency-monitor-threshold 1           LATENCY records events ≥ 1 ms
//	save 5 1 1 10000                    profile part: "" when no save points
//	rdbcompression yes
//	appendonly no
//	appendfsync everysec                  (AOF lines whatever appendonly says,
//	aof-use-rdb-preamble no                so a dual profile is explicit)
//	auto-aof-rewrite-percentage 100
//	auto-aof-rewrite-min-size 16777216
//	io-threads 2                        extra lines from the redis-config
//	                                      option, verbatim, last
//
// `save ""` must be written out: a config file without a save line gets
// Redis's built-in save points (3600 1 300 100 60 10000).
//
// # Server-side figures
//
// A poller reads INFO persistence/stats every 100 ms and LATENCY LATEST /
// HISTORY: a rise of total_forks (with latest_fork_usec) is a fork event;
// rdb_bgsave_in_progress 1→0 (or a rise of rdb_saves) a snapshot;
// aof_rewrite_in_progress 1→0 (or aof_rewrites) a rewrite; LATENCY entries
// of aof-fsync-always and aof-write-* of slowFsync or more are fsync-slow events.
// Stats adds used_memory_rss, the copy-on-write peak, aof_delayed_fsync,
// the key count and /proc/<pid>/io write_bytes of the server process (which
// includes its reaped BGSAVE and rewrite children).
package redis
