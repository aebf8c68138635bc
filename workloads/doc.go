// Package workloads owns what a benchmark run asks of a backend: the
// workload Spec (strict YAML, built-in presets embedded from presets/*.yaml),
// the per-worker Generator that turns a spec into a stream of operations on
// key indexes (uniform, scrambled zipfian, latest, sequential and hotspot
// key distributions), the key format, and the self-checking value payload
// a verifier reads back after a crash.
//
// # Spec files
//
// A workload spec is one YAML document; every field but mix is optional
// and takes the Default* value. Unknown fields are errors, and so are
// parameters of another distribution than the one chosen.
//
//	name: my-workload          # default: the file name without .yaml
//	description: what it models
//	records: 100k              # keys loaded before the run (ParseCount)
//	mix:                       # proportions, normalised; at least one > 0
//	  read: 50
//	  update: 35
//	  insert: 10               # new keys, indexes records, records+1, …
//	  rmw: 0                   # read-modify-write
//	  delete: 5
//	keys:
//	  distribution: zipfian    # uniform | zipfian | latest | sequential | hotspot
//	  theta: 0.99              # zipfian and latest only, in (0, 1)
//	  # hot-fraction: 0.2      # hotspot only, in (0, 1)
//	  # hot-ops: 0.8           # hotspot only, in (0, 1]
//	value:
//	  size: 1k                 # fixed (ParseBytes), or {min: 100, max: 4k},
//	                           # or [{size: 128, weight: 6}, {size: 8k, weight: 1}]
//	  compressible: 0.5        # in [0, 1]
//	phases:
//	  duration: 5s             # Go duration syntax
//	  warmup: 1s
//	  conns: 8
//	  pipeline: 1
//	  rate: 0                  # ops/s over all conns (10000 or 10k); 0 = closed loop
//
// Errors name the file, the line and the field: "my.yaml:7: field
// "valu-size" not found in workload spec (…)", "my.yaml:3:
// keys.distribution: unknown distribution "zipf" (…)". For YAML syntax
// errors the line is yaml.v3's, which is where the construct at fault
// begins rather than always the exact line of the mistake.
//
// # Keys
//
// Key index i is the string "pb:" followed by i in decimal, zero-padded to
// 12 digits: index 1234 is "pb:000000001234" (15 bytes). Indexes of 10^12
// and above take as many digits as they need, without leading zeros. Keys
// of indexes below 10^12 sort in index order.
//
// # Values
//
// Every value carries a 28-byte header followed by filler; all integers are
// little-endian:
//
//	offset  size  field
//	     0     4  magic "pbv1"
//	     4     8  key index the value was written for
//	    12     8  version (the writer's counter for that key)
//	    20     4  total value length in bytes, header included
//	    24     4  CRC-32C (Castagnoli) of bytes [0,24) then [28,length)
//	    28     …  filler
//
//	+------+---------+---------+--------+-------+----------------------+
//	| pbv1 | key u64 | ver u64 | len u32| crc32c| filler (length - 28) |
//	+------+---------+---------+--------+-------+----------------------+
//
// The filler is a pure function of (key, version, length): it is cut into
// 256-byte blocks, and each block starts with pseudo-random bytes (a
// splitmix64 stream seeded by key and version) making up (1-c) of the block
// and ends with one repeated byte, where c is the compressible ratio. A
// general-purpose compressor (LZF, DEFLATE) thus shrinks the filler to
// about (1-c) of its size; the header does not compress. The checksum covers every byte but its own, so a
// verifier tells a lost value (absent), a stale one (older version), a
// corrupt one (ErrCorrupt) and a misplaced one (ErrWrongKey) apart.
//
// # Sizes and counts
//
// Counts (records, rates) take the decimal suffixes k, m, g (10k = 10,000;
// ParseCount). Byte sizes take binary suffixes: k, kb, kib all mean 1024,
// m, mb, mib 1024², g, gb, gib 1024³ (ParseBytes) — unlike Redis's config
// parser, where "1k" is 1000 and "1kb" is 1024.
package workloads
