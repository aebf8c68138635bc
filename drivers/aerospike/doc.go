// Package aerospike is persistbench's Aerospike backend: an
// aerospike-client-go client, and a managed asd started per profile on
// the cell's data directory. It owns the rendering of aerospike.conf from
// a drivers.Profile, the server's life (start, SIGKILL, cold restart,
// stop — always by pid), the parsing of info responses (`namespace/<ns>`,
// `statistics`, `edition`) into server-side figures and defrag events,
// and the mapping of client errors (refused connection, missing
// namespace, Community Edition refusing commit-to-device). Pointed at an
// external address it is a plain client.
//
// # The aerospike.conf it writes
//
// Aerospike Database 7.1 and later (8.x included) by default; option
// aerospike-syntax=7.0 writes the 7.0 dialect (write-block-size and a
// post-write-queue counted in blocks, noted on the right). Contexts nest
// with braces, one directive a line, no quoting (so the data directory
// may hold no space, brace or '#'):
//
//	# persistbench: profile flash — …
//	# syntax: Aerospike Database 7.1
//	service {
//		cluster-name persistbench
//		proto-fd-max 1024               under a shell's ulimit -n
//		work-directory DIR/work         DIR/work/smd is created first
//	}
//	logging { file DIR/aerospike.log { context any info } }
//	mod-lua { user-path DIR/work/udf/lua }
//	network {
//		service   { address 127.0.0.1  port P1 }
//		heartbeat { mode mesh  address 127.0.0.1  port P3  interval 150  timeout 10 }   no seeds: one node
//		fabric    { address 127.0.0.1  port P2 }
//	}
//	namespace test {
//		replication-factor 1
//		storage-engine memory { data-size N }          profile none (N ≥ 256 MiB)
//		storage-engine device {                        profiles flash, flash-commit
//			file DIR/flash.dat
//			filesize      Flash.DeviceBytes
//			flush-size    Flash.WriteBlock         7.0: write-block-size
//			flush-max-ms  Flash.FlushMax
//			defrag-lwm-pct Flash.DefragLWMPct
//			post-write-cache Flash.PostWriteCache  7.0: post-write-queue (in blocks)
//			commit-to-device true                  flash-commit only (Enterprise)
//		}
//	}
//
// 7.1 pinned write blocks at 8 MiB and removed write-block-size; its
// upgrade guide maps an explicit write-block-size to flush-size, which is
// what Flash.WriteBlock becomes.
//
// # Server-side figures
//
// Stats reads `namespace/test`: objects, data_used_bytes (device_used_bytes
// before 7.0), index_used_bytes, cache_read_pct, and the per-device
// storage-engine.{file,device}[i] counters summed (defrag_reads,
// defrag_writes, write_q); disk bytes are the size of flash.dat, rss and
// bytes written come from /proc/<pid>/status and /proc/<pid>/io. Events
// reports a defrag event whenever defrag_reads moved since the last call.
//
// # Editions
//
// commit-to-device (and durable deletes) are Enterprise-only. Before
// starting asd for flash-commit the driver asks `asd --version`; on
// Community Edition, or when asd refuses the directive at start, Open
// returns an error wrapping drivers.ErrUnsupported that says so.
package aerospike
