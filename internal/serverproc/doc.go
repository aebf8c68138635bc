// Package serverproc owns the life of a database server that a driver
// runs as a child process: starting it in its own process group with its
// stdout and stderr kept in a bounded tail buffer, waiting for it,
// stopping it by its pid (SIGTERM, then SIGKILL after a timeout), telling
// whether it is alive, quoting its last words (output and log tail) when
// it fails, and reading its own figures from /proc/<pid>/status (VmRSS)
// and /proc/<pid>/io (write_bytes). It also names the figures a driver
// cannot take from a server it did not start, and (with -tags docker
// only) checks that a Docker engine answers.
//
// The default build uses the standard library only; the docker-tagged
// file adds testcontainers, which the drivers' docker paths already need.
//
// The /proc files it reads are lines of "Name: value [kB]":
//
//	/proc/<pid>/status    VmRSS:     8412 kB     -> 8412<<10 bytes
//	/proc/<pid>/io        write_bytes: 1048576   -> 1048576 bytes
package serverproc
