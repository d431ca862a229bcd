package sandbox

import (
	"fmt"
	"testing"

	"github.com/appmigrate/terraform-provider-appmigrate/internal/sandbox/core"
)

// fleetSize is the fleet the store benchmark holds: the 200-app rehearsal.
const fleetSize = 200

// BenchmarkStore_MutationIn200AppFleet measures one state change on a sandbox that holds a
// 200-app fleet (200 Backendless 3.x apps, 200 Mendix apps on v3 nodes with their v4 nodes):
// ns/mutation and the bytes the process wrote for it (B-written/mutation, from /proc/self/io).
func BenchmarkStore_MutationIn200AppFleet(b *testing.B) {
	// Measure what users run: without the test binaries' check of each update's declarations.
	defer core.VerifyDeclaredChanges(core.VerifyDeclaredChanges(false))
	s, err := New(Options{DataDir: b.TempDir(), JobDuration: -1, Fixture: fleetFixture(fleetSize)})
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	for _, c := range []struct {
		name      string
		mutations int
		op        func(i int) error
	}{
		{"mendix-setting", 1, func(i int) error {
			return s.SetMendixEnvironmentSetting(fmt.Sprintf("calc-%03d", i%fleetSize+1), "Production", MendixConstant, "MyFirstModule.ApiUrl", fmt.Sprint("https://", i, ".example.com"))
		}},
		{"backendless-create-delete-app", 2, func(i int) error {
			a, err := s.CreateBackendlessApp("dev@example.com", fmt.Sprint("bench-", i))
			if err != nil {
				return err
			}
			return s.DeleteBackendlessApp(a.ID)
		}},
	} {
		b.Run(c.name, func(b *testing.B) {
			before := writtenBytes(b)
			i := 0
			for b.Loop() {
				if err := c.op(i); err != nil {
					b.Fatal(err)
				}
				i++
			}
			mutations := float64(c.mutations * i)
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/mutations, "ns/mutation")
			if after := writtenBytes(b); before >= 0 && after >= 0 {
				b.ReportMetric(float64(after-before)/mutations, "B-written/mutation")
			}
		})
	}
}
