package aerospike

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	as "github.com/aerospike/aerospike-client-go/v7"
	"github.com/aerospike/aerospike-client-go/v7/types"

	"github.com/persistbench/persistbench/drivers"
)

func TestMapError(t *testing.T) {
	cases := []struct {
		name string
		err  error
		is   error
		want string
	}{
		{"namespace", &as.AerospikeError{ResultCode: types.INVALID_NAMESPACE}, ErrNamespaceMissing, "namespace not found"},
		{"enterprise only", &as.AerospikeError{ResultCode: types.ENTERPRISE_ONLY}, drivers.ErrUnsupported, "Enterprise Edition"},
		{"refused", fmt.Errorf("dial tcp 127.0.0.1:1: connect: connection refused"), ErrRefused, "is asd running"},
		{"other", as.ErrTimeout, as.ErrTimeout, "aerospike: get:"},
	}
	for _, c := range cases {
		got := mapError("get", c.err)
		if !errors.Is(got, c.is) || !strings.Contains(got.Error(), c.want) {
			t.Errorf("%s: mapError = %v, want one that is %v and mentions %q", c.name, got, c.is, c.want)
		}
	}
	if mapError("get", nil) != nil {
		t.Error("mapError(nil) != nil")
	}
}

// TestStartErrorCommitToDevice: asd refusing commit-to-device becomes an
// ErrUnsupported that says flash-commit needs Enterprise Edition; other
// start failures quote the log and are not ErrUnsupported.
func TestStartErrorCommitToDevice(t *testing.T) {
	commit := builtin(t, "flash-commit")
	said := "the last lines of aerospike.log:\n  Nov 26 2026 02:21:13 GMT: CRITICAL (config): (cfg.c:1234) line 41 :: commit-to-device is enterprise-only"
	err := startError(commit, errors.New("asd (pid 9) exited at start"), said)
	if !errors.Is(err, drivers.ErrUnsupported) || !strings.Contains(err.Error(), "flash-commit needs Enterprise Edition") {
		t.Errorf("commit-to-device refusal: %v", err)
	}
	err = startError(builtin(t, "flash"), errors.New("asd (pid 9) exited at start"), "line 3 :: unknown config parameter foo")
	if errors.Is(err, drivers.ErrUnsupported) || !strings.Contains(err.Error(), "unknown config parameter") {
		t.Errorf("other failure: %v", err)
	}
}

// TestConnectRefused connects to a port nothing listens on.
func TestConnectRefused(t *testing.T) {
	ports, err := freePorts(1)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
	defer cancel()
	_, err = Open(ctx, drivers.Config{Profile: builtin(t, "none"), Addr: fmt.Sprintf("127.0.0.1:%d", ports[0]), Password: "s3cret"})
	if err == nil {
		t.Fatal("Open of a closed port succeeded")
	}
	if strings.Contains(err.Error(), "s3cret") {
		t.Errorf("error leaks the password: %v", err)
	}
	if !errors.Is(err, ErrRefused) {
		t.Errorf("Open of a closed port: %v, want ErrRefused", err)
	}
}

func TestOpenRejects(t *testing.T) {
	cases := []struct {
		name string
		cfg  drivers.Config
		want string
	}{
		{"bad addr", drivers.Config{Profile: builtin(t, "none"), Addr: "nohostport"}, "address"},
		{"missing asd", drivers.Config{Profile: builtin(t, "none"), DataDir: t.TempDir(), Options: map[string]string{OptASD: "/nonexistent/asd"}}, "--asd"},
		{"no profile", drivers.Config{}, "no profile"},
	}
	for _, c := range cases {
		_, err := Open(context.Background(), c.cfg)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: err %v, want one mentioning %q", c.name, err, c.want)
		}
	}
}
