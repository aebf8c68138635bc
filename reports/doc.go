// Package reports owns everything persistbench shows or stores after a
// run: it reads and writes results files (schema persistbench/v1, the
// bench.Results types) and turns them into tables. It imports bench for
// its types only and never runs anything (DESIGN.md, "Data flow").
//
// # Results file
//
// results.json is bench.Results encoded as indented JSON (two spaces) with
// a trailing newline. WriteFile replaces it atomically: temporary file in
// the same directory, fsync, rename, fsync of the directory (the etcd WAL
// recipe), so a crash leaves either the old file or the new one. ReadFile
// refuses any schema other than bench.Schema and reports JSON errors as
// path:line:column. Its shape (field names from bench/result.go):
//
//	{
//	  "schema": "persistbench/v1",        checked first, before the body
//	  "tool": {...}, "host": {...},       who measured, on what
//	  "started": "RFC 3339", ...
//	  "results": [                        one cell per backend × profile ×
//	    {"backend": ..., "latency": {...},   workload × records × repeat
//	     "missing": {"recovery": "why"}, ...}
//	  ]
//	}
//
// # Tables
//
// Building rows and rendering them are separate: Headline and Latencies
// return a Table of plain strings with numbered footnotes; Text renders
// those with tablewriter for a console, and the Markdown and HTML reports
// reuse the same rows. A measurement that was not taken is shown as "—"
// with a footnote saying why (from the cell's Missing map, or the cell's
// failure); identical footnote texts share one number.
//
// # Units
//
//	durations   87µs below 1 ms, 1.25ms below 1 s, 3.40s above
//	throughput  operations per second, rounded, digits grouped: 123,456
//	counts      digits grouped: 1,204
//	records     as the --records flag writes them: 10k, 1m, else 123,456
//	bytes       IEC units, one decimal: 512 B, 1.5 GiB
//	ratios      one decimal and a times sign: 1.8×
//
// Column widths come from the content alone: no terminal size, no colour,
// and East Asian ambiguous-width characters (—, µ, ×, box drawing) are
// always measured as one column, whatever the locale.
package reports
