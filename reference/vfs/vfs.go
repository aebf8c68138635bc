// Package vfs is the file-system seam of the reference engine: every file the
// engine, its snapshots, its append-only file and its flash device touch goes
// through an FS passed in by the caller, never through package os directly.
//
// Three implementations live here: the operating system's (Default), a
// crash-simulating in-memory one (NewCrash) that remembers what the process
// wrote, what the "OS" holds and what is durable, and drops what is not
// durable on a simulated power cut, and an error-injecting wrapper (errorfs.go)
// for fault tests. The shape follows pebble's vfs package.
package vfs

import (
	"io"
	"os"
)

// File is an open file. Sync makes the file's data durable (fdatasync); it
// does not make the file's directory entry durable: that is SyncDir's job.
type File interface {
	io.Reader
	io.ReaderAt
	io.Writer
	io.WriterAt
	io.Closer
	// Sync flushes the file's data to stable storage (fdatasync semantics).
	Sync() error
	// Size is the file's current size as the process sees it.
	Size() (int64, error)
	// Truncate changes the file's size.
	Truncate(size int64) error
	// Name is the path the file was opened with.
	Name() string
}

// FS is a file system. Paths are slash or OS paths as filepath handles them.
type FS interface {
	// Create creates or truncates the named file for writing and reading.
	Create(name string) (File, error)
	// Open opens the named file read-only.
	Open(name string) (File, error)
	// OpenReadWrite opens an existing file for reading and writing at any
	// offset (the flash device, a reopened append-only file).
	OpenReadWrite(name string) (File, error)
	// Remove removes a file or an empty directory.
	Remove(name string) error
	// Rename atomically replaces newname with oldname (as rename(2)).
	Rename(oldname, newname string) error
	// MkdirAll creates a directory and its parents.
	MkdirAll(dir string, perm os.FileMode) error
	// List returns the names (not paths) of the entries of dir, sorted.
	List(dir string) ([]string, error)
	// Stat describes the named file.
	Stat(name string) (os.FileInfo, error)
	// SyncDir makes the creates, renames and removes in dir durable
	// (fsync of the directory).
	SyncDir(dir string) error
}
