package core

import (
	"strings"
	"testing"
	"time"
)

func TestFaultProfiles_DoubleIsTwiceModerate(t *testing.T) {
	m, err := FaultProfile("moderate")
	if err != nil {
		t.Fatal(err)
	}
	d, err := FaultProfile("Double")
	if err != nil {
		t.Fatal(err)
	}
	if err := m.Validate(); err != nil {
		t.Fatal(err)
	}
	if err := d.Validate(); err != nil {
		t.Fatal(err)
	}
	if m.Rate5xx != 0.10 || m.Rate429 != 0.05 || m.RateReset != 0.05 || m.RateTrickle != 0.02 || m.RateDuplicate != 0.05 || m.RetryAfter != time.Second {
		t.Fatalf("moderate %+v", m)
	}
	for _, st := range m.Statuses5xx {
		if st == 500 {
			t.Fatalf("moderate answers 500: %v", m.Statuses5xx)
		}
	}
	mr, dr := m.rates(), d.rates()
	for i := range mr {
		if dr[i].v != 2*mr[i].v {
			t.Errorf("%s: double %v, moderate %v", mr[i].name, dr[i].v, mr[i].v)
		}
	}
	// A JSON answer of a few hundred bytes trickles in well under 20 s.
	if worst := time.Duration(m.TrickleBytes) * m.TrickleInterval; worst > 25*time.Second || worst <= 0 {
		t.Errorf("a trickled answer takes up to %v", worst)
	}
	if _, err := FaultProfile("apocalypse"); err == nil || !strings.Contains(err.Error(), "moderate") {
		t.Fatalf("unknown profile: %v", err)
	}
}
