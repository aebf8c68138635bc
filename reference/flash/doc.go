// Package flash is the reference engine's hybrid-memory store, modelled on
// Aerospike's storage-engine device: only a small index lives in DRAM, the
// records live on a preallocated device file written in large write blocks.
// It owns the device layout (device header, write blocks, records), the DRAM
// index, the write buffer and its flusher (flush-max, commit-to-device with
// group commit), the post-write cache, durable and non-durable deletes,
// defragmentation at a low-water mark, and cold start by a device scan.
// Every file goes through a vfs.FS; the store knows nothing of benchmarks.
//
// # Device
//
// One file, Dir/flash.dat, of Options.DeviceBytes, cut into write blocks of
// Options.WriteBlock bytes. Block 0 is the device header (Aerospike reserves
// the start of a device for its header too); blocks 1..n-1 hold records.
// The device header has two 64-byte slots, at offsets 0 and 4096, written
// alternately; the valid slot with the higher sequence wins (a torn header
// write leaves the other slot intact). Integers are little-endian.
//
//	 0      4      12     16          24          32           40       48            56        64
//	+------+------+------+-----------+-----------+------------+--------+-------------+---------+
//	| crc  |magic |vers. | device id | block size| device size| slot   | epoch limit | created |
//	|  (a) |PBFLASH0| =1 |  random   |           |            | seq    |     (b)     | unix ns |
//	+------+------+------+-----------+-----------+------------+--------+-------------+---------+
//	(a) crc32c (Castagnoli) of bytes 4..63
//	(b) every block epoch handed out so far is below it; a restart starts there
//
// # Write block
//
// A block starts with a 64-byte header, then records at 16-byte alignment
// (Aerospike's rblock unit is 16 bytes too) up to the block's fill; the rest
// of the block is whatever an earlier life of the block left.
//
//	 0      4        8      10     12        16        24          32         40          64
//	+------+--------+------+------+---------+---------+-----------+----------+-----------+
//	| crc  | "PBWB" | vers.| 0    | block # | epoch   | device id | opened   | zeros     |
//	|      |        |  =1  |      |         |  (c)    |           | unix ns  |           |
//	+------+--------+------+------+---------+---------+-----------+----------+-----------+
//	(c) a store-wide counter bumped each time a block is opened for writing
//
// # Record
//
//	 0        4          8       10      11      12         16      20      24        40     48    56
//	+--------+----------+-------+-------+-------+----------+-------+-------+---------+------+-----+-----+-------+---------+
//	| hdr crc| data crc | magic | flags | vers. | epoch lo | klen  | vlen  | digest  | gen  | lut | key | value | pad to  |
//	|  (d)   |   (e)    |0xF1A5 |  (f)  |  =1   |   (g)    |       |       | 128 bit |      | ns  |     |       | 16 B    |
//	+--------+----------+-------+-------+-------+----------+-------+-------+---------+------+-----+-----+-------+---------+
//	(d) crc32c of header bytes 4..55   (e) crc32c of key ‖ value
//	(f) bit 0: tombstone (a durable delete; vlen is 0)
//	(g) low 32 bits of the block's epoch: a scan stops at a record of another
//	    life of the block, so stale bytes past the fill are never read as live
//
// A cold start scans each block's records until the first that is not of the
// block's life (zeros, another epoch: a clean end) or is damaged (magic and
// epoch right, a checksum or length wrong: a torn block, counted). It reads
// every block's header page, then the blocks with a valid life in parallel
// (one worker per CPU), and builds the index one shard at a time, keeping
// for each digest the highest generation; then it fdatasyncs the device
// (what it read from a killed process's page cache must be durable before
// any block it made obsolete is reused) and always opens fresh blocks to
// write in, except on a device left with no free block, where it reopens
// the block with most room after zeroing its tail.
//
// # Index
//
// The DRAM index maps a 128-bit digest of the key (xxhash64 and a seeded
// xxhash64; Aerospike uses a 160-bit RIPEMD-160) to 16 bytes, in 256
// sharded Go maps that hold no pointer, so the garbage collector never
// scans them:
//
//	loc  = block (24 bits) | offset/16 (20 bits) | padded size/16 (20 bits)
//	meta = generation << 1 | tombstone
//
// Digest collisions are treated as Aerospike treats RIPEMD-160 collisions,
// as impossible (the first is expected after ~2^64 keys), but never served:
// every read checks the record's checksums and full key, and a record that
// holds another key is reported as ErrDigestCollision, never returned.
//
// Generation. Aerospike's generation counts a record's updates from 1, so a
// record re-created after a non-durable delete starts again at 1 and loses
// against its deleted predecessor at cold start. Here the generation is the
// store's write sequence, monotone across deletes and restarts (a cold start
// resumes past the highest generation found), so resolving duplicates by
// generation then last-update time always picks the newest write; the only
// ties are defrag's copies of one write, which are identical. The
// last-update time is kept on the device only: with unique generations the
// index needs no tie-breaker, and the 8 bytes stay out of DRAM.
//
// # Durability
//
// A write is appended to the current write buffer (one block image in
// memory) and indexed at once. The flusher goroutine writes a buffer to its
// block when the buffer is full, and writes the partial buffer in place
// (again, from the last page it wrote) after FlushMax. Every device write is
// followed by fdatasync before the flusher moves on: Aerospike opens its
// devices with O_DIRECT and O_DSYNC, so a write it completed is on the
// device; this store does the same in two calls. Without CommitToDevice a
// write is acknowledged once buffered, so a kill or a power cut loses the
// writes appended since the last completed flush (at most FlushMax of them,
// or one block's worth). With CommitToDevice a writer waits until a flush
// round that covers its record has synced; concurrent writers share the
// round (group commit), and nothing acknowledged is lost. Full buffers
// waiting for the flusher are capped (MaxWriteQueue); past the cap writers
// wait, where Aerospike would fail them ("device overload").
//
// Abandon simulates the process's death for crash tests: background
// goroutines stop between system calls, so a flush caught between its
// write and its fdatasync leaves data in the OS's cache only, which a
// power cut (vfs.CrashFS) drops or tears.
//
// Deletes are non-durable by default: the index entry goes, nothing is
// written, and an older version still on the device comes back at cold
// start until its block is reused. DurableDelete writes a tombstone record,
// kept in the index (and rewritten by defrag) so that it outlives every
// older version.
//
// # Defrag
//
// A block whose live bytes fall below DefragLWMPct of the block size is
// read back, its records that the index still points at are appended again
// (same generation), and the block is freed once every write appended
// before the move is durable, so that no version a crash could need is
// overwritten early. Client writes stop (ErrDeviceFull) when the free
// blocks fall to a reserve (max(2, 5 %), Aerospike's min-avail-pct 5) that
// defrag alone may use.
package flash
