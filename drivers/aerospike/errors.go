package aerospike

import (
	"errors"
	"fmt"
	"strings"
	"syscall"

	as "github.com/aerospike/aerospike-client-go/v7"
	"github.com/aerospike/aerospike-client-go/v7/types"

	"github.com/persistbench/persistbench/drivers"
)

// ErrNamespaceMissing is returned (wrapped) when the server has no such
// namespace.
var ErrNamespaceMissing = errors.New("namespace not found")

// ErrRefused is returned (wrapped) when nothing listens at the address.
var ErrRefused = errors.New("connection refused")

// mapError turns a client error into one that says what went wrong in
// persistbench's terms; op is what was being done ("connect to
// 127.0.0.1:3000", "get").
func mapError(op string, err error) error {
	if err == nil {
		return nil
	}
	var ae as.Error
	switch {
	case errors.As(err, &ae) && ae.Matches(types.INVALID_NAMESPACE):
		return fmt.Errorf("aerospike: %s: %w (%v)", op, ErrNamespaceMissing, err)
	case errors.As(err, &ae) && ae.Matches(types.ENTERPRISE_ONLY):
		return fmt.Errorf("aerospike: %s: %w: the server is Community Edition and this needs Enterprise Edition (%v)", op, drivers.ErrUnsupported, err)
	case errors.Is(err, syscall.ECONNREFUSED) || strings.Contains(err.Error(), "connection refused"):
		return fmt.Errorf("aerospike: %s: %w: is asd running there? (%v)", op, ErrRefused, err)
	}
	return fmt.Errorf("aerospike: %s: %w", op, err)
}

// startError explains why a managed asd did not start, from what it
// logged: Community Edition refusing commit-to-device is reported as
// drivers.ErrUnsupported, everything else quotes the log.
func startError(p drivers.Profile, cause error, said string) error {
	l := strings.ToLower(said)
	if p.Flash != nil && p.Flash.CommitToDevice && (strings.Contains(l, "enterprise") || strings.Contains(l, "commit-to-device")) {
		_, why := EditionCommunity.CommitToDevice()
		return fmt.Errorf("aerospike: profile %s: %w: %s; asd said:\n%s", p.Name, drivers.ErrUnsupported, why, indent(said))
	}
	return fmt.Errorf("aerospike: %w; %s", cause, said)
}

func indent(s string) string {
	return "  " + strings.ReplaceAll(s, "\n", "\n  ")
}
