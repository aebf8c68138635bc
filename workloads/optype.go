package workloads

import (
	"fmt"
	"math"
	"strconv"
	"strings"
)

// OpType is the kind of one generated operation.
type OpType uint8

// The operation types. Their order is the order of Mix and of MixString.
const (
	Read OpType = iota
	Update
	Insert
	ReadModifyWrite
	Delete
)

// NumOpTypes is the number of OpType values; Mix is indexed by OpType.
const NumOpTypes = 5

var opNames = [NumOpTypes]string{"read", "update", "insert", "rmw", "delete"}

// String returns the name used in YAML specs and results: read, update,
// insert, rmw, delete.
func (o OpType) String() string {
	if int(o) < NumOpTypes {
		return opNames[o]
	}
	return "OpType(" + strconv.Itoa(int(o)) + ")"
}

// Writes reports whether the operation changes the store (update, insert,
// rmw, delete): the ones the runner's ledger records.
func (o OpType) Writes() bool {
	return o == Update || o == Insert || o == ReadModifyWrite || o == Delete
}

// Mix holds the proportion of each OpType, indexed by OpType. Only the
// ratios matter; Parse normalises the proportions to sum to 1.
type Mix [NumOpTypes]float64

// check returns the total weight, or an error describing a bad entry.
func (m Mix) check() (float64, error) {
	var sum float64
	for op, w := range m {
		if w < 0 || math.IsNaN(w) || math.IsInf(w, 0) {
			return 0, fmt.Errorf("%s: proportion %v must be a finite number >= 0", OpType(op), w)
		}
		sum += w
	}
	if sum <= 0 {
		return 0, fmt.Errorf("proportions sum to 0: at least one of read, update, insert, rmw, delete must be > 0")
	}
	return sum, nil
}

// Normalized returns m scaled so that its proportions sum to 1, or m
// unchanged when it cannot be normalised.
func (m Mix) Normalized() Mix {
	sum, err := m.check()
	if err != nil {
		return m
	}
	for i := range m {
		m[i] /= sum
	}
	return m
}

// String lists the non-zero proportions in OpType order as percentages
// rounded to 0.1: "read 95% insert 5%".
func (m Mix) String() string {
	sum, err := m.check()
	if err != nil {
		return "invalid mix"
	}
	var b strings.Builder
	for op, w := range m {
		if w == 0 {
			continue
		}
		if b.Len() > 0 {
			b.WriteByte(' ')
		}
		pct := math.Round(w/sum*1000) / 10
		b.WriteString(opNames[op])
		b.WriteByte(' ')
		b.WriteString(strconv.FormatFloat(pct, 'f', -1, 64))
		b.WriteByte('%')
	}
	return b.String()
}
