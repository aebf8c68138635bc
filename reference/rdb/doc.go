// Package rdb owns the reference engine's snapshot format: an encoder and a
// decoder of the Redis RDB format as Redis 7.0 writes it (RDB version 10,
// src/rdb.c and rdb.h of Redis 7.0.15) for string keys, the CRC-64 that
// seals it (crc64.c), LZF compression (lzf_c.c, lzf_d.c), atomic Save and
// Load through a vfs.FS, and Redis-style save points (save <seconds>
// <changes>).
//
// A file written here passes redis-check-rdb and loads in redis-server; a
// dump.rdb written by redis-server with only string keys decodes here.
//
// # File layout
//
//	"REDIS" "0010"                      magic and 4-digit version (9 bytes)
//	0xFA <string key> <string value>    AUX field, repeated: redis-ver,
//	                                    redis-bits, ctime, used-mem, aof-base
//	0xFE <length db>                    SELECTDB
//	0xFB <length size> <length expires> RESIZEDB (hash table size hints)
//	then per key:
//	[0xFC <int64 ms, little-endian>]    EXPIRETIME_MS: absolute Unix ms
//	0x00 <string key> <string value>    value type 0: string
//	0xFF                                EOF
//	<uint64 CRC-64, little-endian>      over every byte from 'R' to the 0xFF;
//	                                    0 when Redis ran with rdbchecksum no
//
// A <length> and a <string> use the forms drawn in length.go: a length in
// 1, 2, 5 or 9 bytes, then that many bytes; or an integer in 1, 2 or 4
// bytes (little-endian) standing for its decimal text; or LZF data with its
// compressed and uncompressed lengths. The decoder also accepts what older
// or busier servers add before a key: EXPIRETIME (0xFD, int32 seconds),
// IDLE (0xF8, a length) and FREQ (0xF9, one byte). It stops with an
// *UnsupportedError at any value type but string and at module (0xF7) and
// function (0xF5, 0xF6) sections, and with a *CorruptError at bad bytes.
//
// CRC-64 is the Jones polynomial, reflected, zero initial value and no
// final xor (crc64.c); see crc64.go.
package rdb

// Version is the RDB version this package writes: Redis 7.0's RDB_VERSION.
const Version = 10

// maxVersion is the newest RDB version the decoder accepts: string keys
// are encoded the same way up to Redis 7.4 (version 12).
const maxVersion = 12

// Opcodes (rdb.h RDB_OPCODE_*) and the one value type this codec handles.
const (
	typeString = 0

	opFunction2     = 0xF5
	opFunctionPreGA = 0xF6
	opModuleAux     = 0xF7
	opIdle          = 0xF8
	opFreq          = 0xF9
	opAux           = 0xFA
	opResizeDB      = 0xFB
	opExpireTimeMS  = 0xFC
	opExpireTime    = 0xFD
	opSelectDB      = 0xFE
	opEOF           = 0xFF
)
