package core

import (
	"fmt"
	"net/http"
	"slices"
	"strings"
	"time"
)

// Fault profiles: named sets of rates for rehearsing through a faulty network (the chaos runs,
// appmigrate-sandbox --fault-profile). "moderate" is a bad day behind a load balancer:
//
//	10%  502 or 503 before the handler (nothing happened)
//	 5%  429 with Retry-After: 1
//	 5%  connection reset part-way through the request body (when there is one) or the answer
//	 2%  slow answer: the body trickles, one byte every 20ms for its first KiB (a JSON answer of
//	     a few hundred bytes takes 5–20 s; a large download starts slowly, then flows)
//	 5%  of POSTs delivered twice by a retrying proxy (the client sees the second answer)
//
// "double" is the same with every rate doubled. Neither includes 5xx-after-the-handler, dropped
// answers or stalls; set those with their own rates. "none" injects nothing: the baseline a
// chaos run is compared with.
var faultProfiles = map[string]FaultOptions{
	"none": {},
	"moderate": {
		Rate5xx: 0.10, Statuses5xx: []int{http.StatusBadGateway, http.StatusServiceUnavailable},
		Rate429: 0.05, RetryAfter: time.Second,
		RateReset:   0.05,
		RateTrickle: 0.02, TrickleInterval: 20 * time.Millisecond, TrickleBytes: 1024,
		RateDuplicate: 0.05,
	},
	"double": {
		Rate5xx: 0.20, Statuses5xx: []int{http.StatusBadGateway, http.StatusServiceUnavailable},
		Rate429: 0.10, RetryAfter: time.Second,
		RateReset:   0.10,
		RateTrickle: 0.04, TrickleInterval: 20 * time.Millisecond, TrickleBytes: 1024,
		RateDuplicate: 0.10,
	},
}

// FaultProfile returns the fault options of a named profile (see FaultProfileNames), with Seed
// zero: set it yourself.
func FaultProfile(name string) (FaultOptions, error) {
	p, ok := faultProfiles[strings.ToLower(strings.TrimSpace(name))]
	if !ok {
		return FaultOptions{}, fmt.Errorf("sandbox: unknown fault profile %q (want one of %s)", name, strings.Join(FaultProfileNames(), ", "))
	}
	p.Statuses5xx = slices.Clone(p.Statuses5xx)
	return p, nil
}

// FaultProfileNames lists the fault profiles, sorted.
func FaultProfileNames() []string {
	names := make([]string, 0, len(faultProfiles))
	for n := range faultProfiles {
		names = append(names, n)
	}
	slices.Sort(names)
	return names
}
