package serverproc

import (
	"fmt"
	"net"
)

// FreePorts asks the kernel for n distinct free loopback ports, holding
// each until all are picked. Another process may take one before the
// server binds it; callers that can, retry on "address in use".
func FreePorts(n int) ([]int, error) {
	var ls []net.Listener
	defer func() {
		for _, l := range ls {
			l.Close()
		}
	}()
	var ports []int
	for range n {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			return nil, fmt.Errorf("serverproc: find a free port: %w", err)
		}
		ls = append(ls, l)
		ports = append(ports, l.Addr().(*net.TCPAddr).Port)
	}
	return ports, nil
}
