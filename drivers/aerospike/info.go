package aerospike

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/persistbench/persistbench/drivers"
)

// Info is one parsed info response of the `name=value;name=value` kind
// (`namespace/<ns>`, `statistics`).
type Info map[string]string

// ParseInfo splits an info value into its fields. Fields without '=' are
// kept with an empty value; surrounding white space is dropped.
func ParseInfo(s string) Info {
	m := Info{}
	for _, f := range strings.Split(strings.TrimSpace(s), ";") {
		f = strings.TrimSpace(f)
		if f == "" {
			continue
		}
		k, v, _ := strings.Cut(f, "=")
		m[k] = v
	}
	return m
}

// Int returns the first of names that is present and an integer.
func (in Info) Int(names ...string) (int64, bool) {
	for _, n := range names {
		if v, ok := in[n]; ok {
			if i, err := strconv.ParseInt(v, 10, 64); err == nil {
				return i, true
			}
			if f, err := strconv.ParseFloat(v, 64); err == nil {
				return int64(f), true
			}
		}
	}
	return 0, false
}

// Sum adds the integer fields of every device or file of the namespace
// named storage-engine.{device,file}[i].suffix, and reports whether any
// was present.
func (in Info) Sum(suffix string) (int64, bool) {
	var sum int64
	found := false
	for k, v := range in {
		if !strings.HasPrefix(k, "storage-engine.") || !strings.HasSuffix(k, "]."+suffix) {
			continue
		}
		if i, err := strconv.ParseInt(v, 10, 64); err == nil {
			sum += i
			found = true
		}
	}
	return sum, found
}

// NamespaceStats are the figures of `namespace/<ns>` persistbench uses.
// A figure the server did not report is -1.
type NamespaceStats struct {
	Objects, Tombstones        int64
	DataUsedBytes              int64 // data_used_bytes (7.0+), device_used_bytes before
	DataTotalBytes             int64
	IndexUsedBytes             int64 // index_used_bytes (7.0+), memory_used_index_bytes before
	CacheReadPct               int64
	DefragReads, DefragWrites  int64 // summed over devices
	WriteQ, DefragQ            int64
	WblockWrites               int64 // write blocks written (storage-engine.*.writes)
	ClientWriteSuccess         int64
	ClientDeleteSuccess        int64
	ClientReadSuccess          int64
	StopWrites, DeadPartitions bool
}

// ParseNamespace reads the `namespace/<ns>` response.
func ParseNamespace(s string) (NamespaceStats, error) {
	in := ParseInfo(s)
	if len(in) == 0 {
		return NamespaceStats{}, fmt.Errorf("aerospike: namespace info: empty response (%w)", ErrNamespaceMissing)
	}
	get := func(names ...string) int64 {
		if v, ok := in.Int(names...); ok {
			return v
		}
		return -1
	}
	sum := func(suffix string) int64 {
		if v, ok := in.Sum(suffix); ok {
			return v
		}
		return -1
	}
	ns := NamespaceStats{
		Objects:             get("objects"),
		Tombstones:          get("tombstones"),
		DataUsedBytes:       get("data_used_bytes", "device_used_bytes", "memory_used_data_bytes"),
		DataTotalBytes:      get("data_total_bytes", "device_total_bytes"),
		IndexUsedBytes:      get("index_used_bytes", "memory_used_index_bytes"),
		CacheReadPct:        get("cache_read_pct"),
		DefragReads:         sum("defrag_reads"),
		DefragWrites:        sum("defrag_writes"),
		WriteQ:              sum("write_q"),
		DefragQ:             sum("defrag_q"),
		WblockWrites:        sum("writes"),
		ClientWriteSuccess:  get("client_write_success"),
		ClientDeleteSuccess: get("client_delete_success"),
		ClientReadSuccess:   get("client_read_success"),
		StopWrites:          in["stop_writes"] == "true",
		DeadPartitions:      get("dead_partitions") > 0,
	}
	if ns.Objects < 0 {
		return ns, fmt.Errorf("aerospike: namespace info has no objects field: %w", ErrNamespaceMissing)
	}
	return ns, nil
}

// Stats maps the namespace figures (and the server's rss and disk, when
// known) onto drivers.Stat* keys. Absent figures are left out.
func (ns NamespaceStats) Stats() drivers.Stats {
	st := drivers.Stats{}
	put := func(k string, v int64) {
		if v >= 0 {
			st[k] = float64(v)
		}
	}
	put(drivers.StatKeys, ns.Objects)
	put(StatDataUsedBytes, ns.DataUsedBytes)
	put(StatIndexUsedBytes, ns.IndexUsedBytes)
	put(StatDefragReads, ns.DefragReads)
	put(StatDefragWrites, ns.DefragWrites)
	put(StatWriteQ, ns.WriteQ)
	put(StatCacheReadPct, ns.CacheReadPct)
	put(StatTombstones, ns.Tombstones)
	return st
}

// Aerospike-specific keys of drivers.Stats, next to the shared Stat* ones.
const (
	StatDataUsedBytes  = "aerospike_data_used_bytes"  // live record bytes in write blocks
	StatIndexUsedBytes = "aerospike_index_used_bytes" // primary index, 64 B a record
	StatDefragReads    = "aerospike_defrag_reads"     // write blocks read by defrag
	StatDefragWrites   = "aerospike_defrag_writes"    // write blocks written by defrag
	StatWriteQ         = "aerospike_write_q"          // write blocks waiting for the device
	StatCacheReadPct   = "aerospike_cache_read_pct"
	StatTombstones     = "aerospike_tombstones"
)

// Edition is the server's edition as the `edition` info value names it.
type Edition string

const (
	EditionCommunity  Edition = "community"
	EditionEnterprise Edition = "enterprise"
	EditionUnknown    Edition = "unknown"
)

// ParseEdition reads the `edition` info value ("Aerospike Community
// Edition", "Aerospike Enterprise Edition"; Federal and Standard editions
// have Enterprise features) or the first line of `asd --version`.
func ParseEdition(s string) Edition {
	l := strings.ToLower(s)
	switch {
	case strings.Contains(l, "community"):
		return EditionCommunity
	case strings.Contains(l, "enterprise"), strings.Contains(l, "federal"), strings.Contains(l, "standard"):
		return EditionEnterprise
	}
	return EditionUnknown
}

// CommitToDevice reports whether the edition can run commit-to-device,
// and why not.
func (e Edition) CommitToDevice() (bool, string) {
	switch e {
	case EditionCommunity:
		return false, "commit-to-device is an Enterprise Edition feature: Aerospike Community Edition refuses to start with it; profile flash-commit needs Enterprise Edition"
	case EditionUnknown:
		return true, "" // let the server say
	}
	return true, ""
}
