// Package aof owns the reference engine's append-only file: RESP records
// exactly as Redis 7.0 writes them, the three fsync policies with group
// commit, the Redis 7 multi-part layout (manifest + base + incr files),
// rewrite, and loading with truncated-tail repair.
//
// Compatibility target: Redis 7.0 (src/aof.c); a directory written here
// passes `redis-check-aof appendonly.aof.manifest` and loads in
// `redis-server --appendonly yes`, and a directory written by Redis 7.0
// (SET/DEL, RESP or RDB base) loads with Load.
//
// # Layout
//
//	Dir/DirName/                              (default appendonlydir/)
//	  appendonly.aof.manifest                 the list of live files
//	  appendonly.aof.2.base.aof | .base.rdb   snapshot at the last rewrite
//	  appendonly.aof.2.incr.aof               writes since (several after an aborted rewrite)
//	  appendonly.aof.3.incr.aof
//
// The manifest is text, one line per file, base first, then history, then
// incrs in sequence order; every line ends in '\n'. Names that need it are
// quoted as Redis's sdscatrepr does; '#' starts a comment line:
//
//	file appendonly.aof.2.base.aof seq 2 type b
//	file appendonly.aof.2.incr.aof seq 2 type h     (history: being removed)
//	file appendonly.aof.3.incr.aof seq 3 type i
//
// It is replaced by writing temp-appendonly.aof.manifest, fsync, rename,
// fsync of the directory (Redis's writeAofManifestFile).
//
// # Records
//
// Every incr file (and a RESP base) is a sequence of RESP arrays of bulk
// strings. The first record a process writes into a file selects db 0:
//
//	*2\r\n $6\r\n SELECT\r\n $1\r\n 0\r\n
//	*3\r\n $3\r\n SET\r\n    $<len(key)>\r\n <key>\r\n $<len(value)>\r\n <value>\r\n
//	*2\r\n $3\r\n DEL\r\n    $<len(key)>\r\n <key>\r\n
//
// (spaces added for reading; none are written). Lengths are decimal ASCII.
//
// Each write turn (one write(2) of what was buffered) is one batch, opened
// by an annotation line that covers the bytes after it:
//
//	#PB:<crc32c> <length>\r\n  <length bytes of records>
//	    8 lowercase hex digits, CRC-32C (Castagnoli) of those bytes
//	                10 decimal digits, zero-padded
//
// e.g. "#PB:ef6d553e 0000000052\r\n" before SELECT 0 + SET k1 v1. Redis
// 7.0 skips lines starting with '#' (loadSingleAppendOnlyFile; its
// redis-check-aof reads them as annotations and only acts on "#TS:"), so
// the files stay Redis-compatible. RESP has no checksum: a power cut that
// keeps unsynced pages out of order can leave zeros inside a value that
// still parses. Load therefore checks each batch before replaying any of
// it; a batch that fails its checksum, is cut short or has a malformed
// annotation is a torn tail in the last file (cut, like a torn record) and
// a *CorruptError in any other. Records with no #PB annotation before them
// (files Redis wrote, or appended to) are replayed unchecked, and other
// annotations ("#TS:") are skipped. A lost annotation page reads as zeros,
// which are not RESP, so a damaged batch is never replayed unchecked.
// An RDB base starts with the magic "REDIS" and is decoded by the caller's
// decoder (package rdb draws that format).
//
// # Fsync policies (what is implemented, against Redis 7.0)
//
//   - always: a write is acknowledged (Wait returns) only after the
//     fdatasync that covers it. One flush writes every record buffered so
//     far and fdatasyncs once: the first waiter to find no flush running
//     becomes the leader and does it (Redis does one write+fdatasync per
//     event-loop turn). A failed write or fdatasync is sticky: Redis exits
//     (flushAppendOnlyFile), here every pending and later Wait and Append
//     return the error, so nothing unpersisted is acknowledged.
//   - everysec: a write is acknowledged once it has been written to the
//     OS; a background goroutine fdatasyncs at most once a second. While a
//     background fsync is running, writes are postponed (kept in memory and
//     acknowledged, as Redis replies to clients with aof_buf unwritten) for
//     up to 2 s; after 2 s the write goes ahead anyway and aof_delayed_fsync
//     (Stats.DelayedFsyncs) is incremented. A failed write or background
//     fsync makes later Append calls fail: Redis 7.0 refuses writes
//     (MISCONF) until a later write succeeds; here the error stays until the
//     AOF is reopened, because after a failed fsync the page cache no longer
//     says what is on disk.
//   - no: written to the OS before acknowledging, never fsynced by policy.
//
// Close flushes and fdatasyncs under every policy, as Redis's shutdown does
// ("Calling fsync() on the AOF file"), even with appendfsync no.
//
// # Loading
//
// Load replays the manifest's base, then its incrs, in order (history
// files are skipped). A last file that ends inside a record is cut back to
// its last complete command (or before its torn batch), on disk, and the
// cut is reported (aof-load-truncated yes); a torn record or batch in an
// earlier file, bad RESP, or
// a command other than SELECT 0, SET k v, DEL/UNLINK, MULTI/EXEC is an
// error naming the file and offset. Options.FixTail also cuts corruption
// in the last file (redis-check-aof --fix). Because a rotation fdatasyncs
// the old incr before the manifest names the new one, only the last incr
// can hold unsynced bytes when the power goes.
//
// # Rewrite and the epoch contract
//
// BeginRewrite(E) writes and fdatasyncs what the current incr has
// buffered, persists a manifest that lists incr seq+1 after the old incrs,
// and from then on appends every record to the new incr, in Append order:
// a key's records stay in the order the engine applied them. FinishRewrite
// writes the new base through a temp file, fsync and rename, switches the
// manifest to [new base, history..., new incr], removes the history files
// and writes the final manifest. The base must hold every record appended
// before BeginRewrite: the engine's snapshot at epoch E (it holds exactly
// the writes with epoch < E), or at a later epoch — the records in between
// are then both in the base and in the new incr, and replaying SET/DEL in
// order over the base still ends in the right state. BeginRewrite refuses
// (ErrEpochOrder) when a record already carries epoch >= E; an engine that
// publishes the epoch in BeginSnapshot calls BeginRewriteNext first.
package aof
