package rdb_test

import (
	"bytes"
	"fmt"
	"time"

	"github.com/persistbench/persistbench/reference/rdb"
)

// Encode two keys, one with an expiry, and read them back.
func Example() {
	var buf bytes.Buffer
	enc, err := rdb.NewEncoder(&buf, rdb.Options{Compress: true, Ctime: time.Unix(1700000000, 0)})
	if err != nil {
		panic(err)
	}
	_ = enc.SelectDB(0, 2, 1)
	_ = enc.Set([]byte("greeting"), []byte("hello"))
	_ = enc.SetWithExpire([]byte("counter"), []byte("42"), 4102444800000)
	if err := enc.Close(); err != nil {
		panic(err)
	}
	info, err := rdb.Decode(&buf, func(key, value []byte, expireAtMS int64) error {
		fmt.Printf("%s=%s expires=%d\n", key, value, expireAtMS)
		return nil
	})
	fmt.Println(info.Version, info.Aux["redis-ver"], info.Keys, info.ChecksumVerified, err)
	// Output:
	// greeting=hello expires=0
	// counter=42 expires=4102444800000
	// 10 7.0.15 2 true <nil>
}

func ExampleParseSave() {
	points, err := rdb.ParseSave("3600 1 300 100 60 10000")
	fmt.Println(points, err)
	fmt.Println(rdb.ShouldSave(points, 61*time.Second, 10000))
	// Output:
	// [{3600 1} {300 100} {60 10000}] <nil>
	// true
}
