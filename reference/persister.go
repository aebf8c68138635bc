package reference

// Persister receives every write in the order it is applied per key.
//
// The engine calls Append under the key's shard write lock, immediately
// before it applies the write, with nothing in between that can fail: no
// reader, snapshot or other writer of the shard can observe the store
// between the two, so to every observer the write is applied exactly when
// it is Appended ("Append is called right after the write is applied" holds
// for everything that can look). Calling Append first means an Append error
// leaves the store untouched: the write is refused, not applied, and the
// caller gets the error.
//
// A delete of a key that does not exist changes nothing and is not
// Appended. Restore (recovery) does not call the Persister.
type Persister interface {
	// Append is called under the key's shard lock, right after the write is
	// applied; it must only buffer (no I/O). epoch is the snapshot epoch the
	// write belongs to (see Snapshot). It returns a ticket to wait on.
	Append(epoch uint64, del bool, key, value []byte) (ticket uint64, err error)
	// Wait is called after the shard lock is released and returns when the
	// write is as durable as the policy promises (fsync under always); an
	// error means the write must not be acknowledged.
	//
	// When Wait fails the write is already applied in memory (readers and
	// later snapshots see it) but it is reported to the caller as failed:
	// its outcome is unknown to the client, as with a Redis write whose
	// reply was lost.
	Wait(ticket uint64) error
}
