package aof_test

import (
	"fmt"
	"log"
	"os"

	"github.com/persistbench/persistbench/reference/aof"
)

// persister is the engine's view of the writer (reference.Persister); the
// AOF satisfies it without importing the engine.
type persister interface {
	Append(epoch uint64, del bool, key, value []byte) (ticket uint64, err error)
	Wait(ticket uint64) error
}

var _ persister = (*aof.AOF)(nil)

func Example() {
	dir, _ := os.MkdirTemp("", "aof-example")
	defer os.RemoveAll(dir)
	opts := aof.Options{Dir: dir, Fsync: aof.FsyncAlways}

	a, err := aof.Open(opts)
	if err != nil {
		log.Fatal(err)
	}
	for _, kv := range [][2]string{{"greeting", "hello"}, {"name", "aof"}} {
		t, err := a.Append(0, false, []byte(kv[0]), []byte(kv[1]))
		if err == nil {
			err = a.Wait(t) // returns after the fdatasync that covers the write
		}
		if err != nil {
			log.Fatal(err)
		}
	}
	if err := a.Close(); err != nil {
		log.Fatal(err)
	}

	ls, err := aof.Load(opts, nil, func(del bool, key, value []byte) error {
		fmt.Printf("del=%v %s=%s\n", del, key, value)
		return nil
	})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(ls.Files, "files,", ls.Records, "records")
	// Output:
	// del=false greeting=hello
	// del=false name=aof
	// 2 files, 2 records
}
