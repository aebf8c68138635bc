package serverproc

// ExternalReason is why a server's process figures are missing when
// persistbench did not start it.
const ExternalReason = "external server: persistbench did not start it"

// ExternalMissing returns the figures no driver can take from a server
// process it did not start (it cannot crash it, nor read its /proc),
// with extra (the driver's own) added; the map is new on every call.
func ExternalMissing(extra map[string]string) map[string]string {
	m := map[string]string{
		"recovery":                    ExternalReason + ", so it cannot crash or restart it",
		"memory":                      ExternalReason + "; no RSS of its process",
		"storage.write_amplification": ExternalReason + "; no /proc/<pid>/io of its process",
	}
	for k, v := range extra {
		m[k] = v
	}
	return m
}
