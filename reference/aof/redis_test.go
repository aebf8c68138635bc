package aof

import (
	"strings"
	"testing"

	"github.com/persistbench/persistbench/internal/redistest"
)

// infoField reads one field of INFO persistence.
func infoField(t *testing.T, c *redistest.Conn, field string) string {
	t.Helper()
	info, _ := c.Must(t, "INFO", "persistence").(string)
	for _, l := range strings.Split(info, "\r\n") {
		if v, ok := strings.CutPrefix(l, field+":"); ok {
			return v
		}
	}
	t.Fatalf("INFO persistence has no %s", field)
	return ""
}
