package main

import (
	"fmt"
	"io"
	"maps"
	"slices"
	"text/tabwriter"
)

// report prints the compact table of a run.
func report(w io.Writer, r *Results) {
	resources := 0
	if len(r.Applies) > 0 {
		resources = r.Applies[0].Resources
	}
	fmt.Fprintf(w, "FLEET BENCH  %d Backendless + %d Mendix migrations, %d resources; sandbox jobs %s; %s; %d CPUs; load %s → %s\n",
		r.Backendless, r.Mendix, resources, r.JobDuration, r.Terraform, r.CPUs, r.LoadBefore, r.LoadAfter)

	fmt.Fprintln(w, "\napply (each on a fresh sandbox)")
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "  -parallelism\twall s\tterraform+provider CPU s\tprovider CPU s\tsandbox CPU s\tprovider peak RSS MiB\tsandbox peak RSS MiB\tproven (backendless, mendix)")
	for _, a := range r.Applies {
		fmt.Fprintf(tw, "  %d\t%.1f\t%.1f\t%.1f\t%.1f\t%.0f\t%.0f\t%s, %s\n", a.Parallelism, a.WallS, a.TerraformCPUS, a.ProviderCPUS, a.SandboxCPUS,
			mib(a.ProviderPeakRSSKiB), mib(a.SandboxPeakRSSKiB), a.Proven["backendless"], a.Proven["mendix"])
	}
	_ = tw.Flush()

	if p := r.Plans; p != nil {
		fmt.Fprintf(w, "\nplan (refresh) of %d resources, %d runs each, interleaved, terraform's default -parallelism=10\n", p.Resources, p.Runs)
		tw = tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
		fmt.Fprintln(tw, "  \tmin s\tmedian s\tmax s")
		fmt.Fprintf(tw, "  fleet\t%.2f\t%.2f\t%.2f\n", p.Fleet.Min, p.Fleet.Median, p.Fleet.Max)
		fmt.Fprintf(tw, "  terraform_data\t%.2f\t%.2f\t%.2f\n", p.Data.Min, p.Data.Median, p.Data.Max)
		if p.Noop.Median > 0 {
			fmt.Fprintf(tw, "  noop_item (a do-nothing plugin)\t%.2f\t%.2f\t%.2f\n", p.Noop.Min, p.Noop.Median, p.Noop.Max)
		}
		_ = tw.Flush()
		if p.Noop.Median > 0 {
			fmt.Fprintf(w, "  fleet / noop_item %.2f (the plugin protocol's own cost is in both)\n", p.NoopRatio)
		}
		fmt.Fprintf(w, "  ratio of medians %.2f; fleet plan: terraform+provider CPU %.1f s (median), provider peak RSS %.0f MiB", p.Ratio, p.FleetCPUS, mib(p.ProviderPeakRSSKiB))
		if p.NotEmpty > 0 {
			fmt.Fprintf(w, "; %d fleet plans were NOT empty", p.NotEmpty)
		}
		fmt.Fprintln(w)
	}

	if q := r.Requests; q != nil {
		fmt.Fprintf(w, "\nrequests per refresh: %d in one plan of the whole configuration (%.1f per migration), %d of them GETs\n",
			q.Whole, float64(q.Whole)/float64(max(r.Backendless+r.Mendix, 1)), q.WholeGET)
		if len(q.Blocks) > 0 {
			tw = tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
			fmt.Fprintln(tw, "  resource block (GETs, from targeted plans)\tGETs\tper resource")
			per := map[string]float64{}
			for _, b := range q.Blocks {
				note := ""
				if len(b.Base) == 0 {
					note = "  (with once-per-process costs)"
				}
				fmt.Fprintf(tw, "  %s\t%d\t%.2f%s\n", b.Address, b.Requests, b.PerResource, note)
				per[runbookOf(b.Address)] += b.PerResource
			}
			_ = tw.Flush()
			for _, rb := range slices.Sorted(maps.Keys(per)) {
				fmt.Fprintf(w, "  %s: %.2f GETs per migration (sum of its blocks)\n", rb, per[rb])
			}
		}
	}

	for _, a := range r.Applies {
		fmt.Fprintf(w, "\npoll lag at -parallelism=%d: job end → first status read that showed it; status reads per job up to that read\n", a.Parallelism)
		tw = tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
		fmt.Fprintln(tw, "  job kind\tjobs\tseen\tduration p50 s\tlag p50 s\tlag p95 s\tlag max s\treads to seen mean\tmax")
		for _, kind := range slices.Sorted(maps.Keys(a.Lag)) {
			s := a.Lag[kind]
			fmt.Fprintf(tw, "  %s\t%d\t%d\t%.1f\t%.2f\t%.2f\t%.2f\t%.1f\t%d\n", kind, s.Jobs, s.Seen, sec(s.DurationP50MS),
				sec(s.LagP50MS), sec(s.LagP95MS), sec(s.LagMaxMS), s.ReadsToSeenAvg, s.ReadsToSeenMax)
		}
		_ = tw.Flush()
	}
}

func mib(kib int64) float64 { return float64(kib) / 1024 }

func sec(ms int64) float64 { return float64(ms) / 1000 }
