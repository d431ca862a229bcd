// Package calls is the register of every vendor call the clients can make, each tagged as the
// project's vendor notes tag it, so a user knows exactly which calls to verify against a live
// account. Each client package declares its Register; a test in each (callstest.Check) fails
// when an exported client method is not in it, and the docs' "Vendor calls" guide is generated
// from the registers.
package calls

import (
	"fmt"
	"strings"
)

// Tag says where a call's contract comes from.
type Tag string

// Tags, exactly as the vendor notes use them, plus MODELED for our own design.
const (
	// Documented is in the vendor's published API documentation.
	Documented Tag = "DOCUMENTED"
	// SDK is used by the vendor's own open-source SDK, which shows path and verb, not the contract.
	SDK Tag = "SDK"
	// Inferred is reasoned from documented facts, not stated anywhere: verify it on a live account.
	Inferred Tag = "INFERRED"
	// Modeled has no vendor API at all (a console- or portal-only step): this project designed the
	// call in the vendor's style and the sandbox serves it; against the vendor it does not exist.
	Modeled Tag = "MODELED"
)

// Public reports whether the vendor itself publishes the call (documented or used by its SDK).
func (t Tag) Public() bool { return t == Documented || t == SDK }

// Call is one vendor call a client method makes.
type Call struct {
	Method string // the client method, "Client.CreateApp" or "Download.Open"
	HTTP   string // verb and path as the notes write it: "POST /console/applications"
	Tag    Tag
	Ref    string // the section of the vendor notes it comes from, e.g. "§Step 3"
	Note   string // optional: what a user should know (e.g. "adopts a lost create through the list")
}

// Register is one client package's calls and the exported methods that make none.
type Register struct {
	Vendor string
	Calls  []Call
	// NoCall lists exported methods that send nothing (accessors, parsers, local checks).
	NoCall []string
}

// Table renders registers as one markdown table, vendor by vendor, in register order.
func Table(regs ...Register) string {
	var b strings.Builder
	b.WriteString("| vendor | call | tag | notes § | client method | note |\n|---|---|---|---|---|---|\n")
	for _, r := range regs {
		for _, c := range r.Calls {
			fmt.Fprintf(&b, "| %s | `%s` | %s | %s | `%s` | %s |\n", r.Vendor, c.HTTP, c.Tag, c.Ref, c.Method, strings.ReplaceAll(c.Note, "|", "\\|"))
		}
	}
	return b.String()
}

// Counts tallies calls per tag, for a summary line.
func Counts(regs ...Register) map[Tag]int {
	n := map[Tag]int{}
	for _, r := range regs {
		for _, c := range r.Calls {
			n[c.Tag]++
		}
	}
	return n
}
