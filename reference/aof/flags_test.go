package aof

import "flag"

// long enables the bigger sizes: more writes per writer, more crash seeds.
var long = flag.Bool("long", false, "run the long variants of the randomized tests")
