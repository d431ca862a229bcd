package faultproxy

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"time"
)

// Profile is how often each fault strikes and how big it is. Every rate is a probability per
// connection (and per direction where the fault has one), drawn independently.
type Profile struct {
	Name string `json:"name"`

	// ResetUp resets the connection (SO_LINGER 0) after k bytes client→server.
	ResetUp float64 `json:"reset_up"`
	// ResetDown resets the connection after k bytes server→client; FinDown instead closes the
	// client's side with a FIN after k bytes server→client (a truncated answer that looks
	// complete to a reader that does not count). At most one of the two per connection.
	ResetDown float64 `json:"reset_down"`
	FinDown   float64 `json:"fin_down"`
	// Stall stops forwarding one direction for StallTime at byte k, then continues, or (with
	// probability StallReset) resets the connection.
	Stall      float64  `json:"stall"`
	StallReset float64  `json:"stall_reset"`
	StallTime  [2]Dur   `json:"stall_time"`
	Drip       float64  `json:"drip"`        // a stretch of DripBytes from byte k, 1–7 bytes at a time
	DripBytes  [2]int64 `json:"drip_bytes"`  // length of the stretch
	DripPause  [2]Dur   `json:"drip_pause"`  // pause after each tiny chunk
	Delay      float64  `json:"delay"`       // a wait of DelayTime before a direction's first byte
	DelayTime  [2]Dur   `json:"delay_time"`  // range of that wait
	MaxOffset  int64    `json:"max_offset"`  // k is drawn log-uniformly from 1..MaxOffset
	MaxDripOff int64    `json:"max_drip_at"` // a drip starts log-uniformly in 0..MaxDripOff
}

// Dur is a time.Duration that reads as "2s" in JSON.
type Dur time.Duration

// MarshalText renders the duration as Go writes it.
func (d Dur) MarshalText() ([]byte, error) { return []byte(time.Duration(d).String()), nil }

// The drip's chunk sizes: tiny, so a reader sees one HTTP answer arrive in dozens of reads.
const (
	dripChunkMin = 1
	dripChunkMax = 7
)

// Profiles: "light" is a flaky path between a runner and a vendor: about two connections in five
// have a fault planned somewhere (a runbook's apply opens only a dozen or two keep-alive
// connections, each carrying many requests, so lower rates would rarely strike at all); "heavy"
// plans faults on three connections in four, at two to three times the rates; "none" forwards untouched.
var profiles = map[string]Profile{
	"none": {Name: "none", MaxOffset: 1, MaxDripOff: 1},
	"light": {
		Name:    "light",
		ResetUp: 0.04, ResetDown: 0.06, FinDown: 0.06,
		Stall: 0.04, StallReset: 0.25, StallTime: [2]Dur{Dur(2 * time.Second), Dur(20 * time.Second)},
		Drip: 0.06, DripBytes: [2]int64{64, 4096}, DripPause: [2]Dur{Dur(time.Millisecond), Dur(10 * time.Millisecond)},
		Delay: 0.06, DelayTime: [2]Dur{Dur(200 * time.Millisecond), Dur(3 * time.Second)},
		MaxOffset: 1 << 20, MaxDripOff: 1 << 16,
	},
	// "long-stalls" only stalls, for 30–90 s: past the provider's default idle_timeout (60 s)
	// about half the time, so an attempt must give up on a silent connection and retry.
	"long-stalls": {
		Name: "long-stalls", Stall: 0.15, StallTime: [2]Dur{Dur(30 * time.Second), Dur(90 * time.Second)},
		MaxOffset: 1 << 20, MaxDripOff: 1,
	},
	"heavy": {
		Name:    "heavy",
		ResetUp: 0.10, ResetDown: 0.15, FinDown: 0.15,
		Stall: 0.10, StallReset: 0.4, StallTime: [2]Dur{Dur(2 * time.Second), Dur(20 * time.Second)},
		Drip: 0.15, DripBytes: [2]int64{64, 8192}, DripPause: [2]Dur{Dur(time.Millisecond), Dur(10 * time.Millisecond)},
		Delay: 0.15, DelayTime: [2]Dur{Dur(200 * time.Millisecond), Dur(3 * time.Second)},
		MaxOffset: 1 << 20, MaxDripOff: 1 << 16,
	},
}

// DefaultProfile is the profile make chaos uses unless told otherwise.
const DefaultProfile = "light"

// ProfileNamed returns a named profile (see ProfileNames).
func ProfileNamed(name string) (Profile, error) {
	p, ok := profiles[strings.ToLower(strings.TrimSpace(name))]
	if !ok {
		return Profile{}, fmt.Errorf("faultproxy: unknown profile %q (want one of %s)", name, strings.Join(ProfileNames(), ", "))
	}
	return p, nil
}

// ProfileNames lists the profiles, sorted.
func ProfileNames() []string {
	names := make([]string, 0, len(profiles))
	for n := range profiles {
		names = append(names, n)
	}
	slices.Sort(names)
	return names
}

// Cut ends a direction for good after At bytes: a reset of the whole connection, or (down only)
// a FIN to the client.
type Cut struct {
	At    int64 `json:"at"`
	Reset bool  `json:"reset"`
}

// Stall stops a direction for For at byte At; ThenReset resets the connection instead of going
// on.
type Stall struct {
	At        int64         `json:"at"`
	For       time.Duration `json:"for"`
	ThenReset bool          `json:"then_reset"`
}

// Drip forwards Len bytes from byte At in chunks of 1–7 bytes with a pause after each; the
// chunk sizes and pauses come from Seed.
type Drip struct {
	At    int64  `json:"at"`
	Len   int64  `json:"len"`
	Seed  uint64 `json:"seed"`
	pause [2]Dur
}

// DirPlan is what happens to one direction of one connection; nil and zero fields are faults
// that were not drawn.
type DirPlan struct {
	Delay time.Duration `json:"delay,omitempty"`
	Stall *Stall        `json:"stall,omitempty"`
	Drip  *Drip         `json:"drip,omitempty"`
	Cut   *Cut          `json:"cut,omitempty"`
}

// Plan is every decision for one connection, made before its first byte.
type Plan struct {
	Index uint64  `json:"index"`
	Up    DirPlan `json:"up"`   // client → server
	Down  DirPlan `json:"down"` // server → client
}

// Plan draws the faults of connection index (0 for the first accepted) under seed. It is a pure
// function: same profile, seed and index, same plan; the draws happen in a fixed order and each
// fault draws its sizes whether or not it strikes, so changing one rate does not reshuffle the
// others.
func (p Profile) Plan(seed int64, index uint64) Plan {
	rng := rand.New(rand.NewPCG(uint64(seed), index))
	pl := Plan{Index: index}

	// Up: reset, stall, drip, delay. Down: reset-or-FIN, stall, drip, delay.
	for _, dir := range []*DirPlan{&pl.Up, &pl.Down} {
		up := dir == &pl.Up
		cutAt := p.offset(rng)
		u := rng.Float64()
		switch {
		case up && u < p.ResetUp:
			dir.Cut = &Cut{At: cutAt, Reset: true}
		case !up && u < p.ResetDown:
			dir.Cut = &Cut{At: cutAt, Reset: true}
		case !up && u < p.ResetDown+p.FinDown:
			dir.Cut = &Cut{At: cutAt}
		}

		stallAt, stallFor, stallReset := p.offset(rng), durIn(rng, p.StallTime), rng.Float64() < p.StallReset
		if rng.Float64() < p.Stall {
			dir.Stall = &Stall{At: stallAt, For: stallFor, ThenReset: stallReset}
		}

		dripAt := int64(0)
		if p.MaxDripOff > 1 {
			dripAt = logUniform(rng, p.MaxDripOff) - 1
		}
		dripLen, dripSeed := intIn(rng, p.DripBytes), rng.Uint64()
		if rng.Float64() < p.Drip {
			dir.Drip = &Drip{At: dripAt, Len: dripLen, Seed: dripSeed, pause: p.DripPause}
		}

		delay := durIn(rng, p.DelayTime)
		if rng.Float64() < p.Delay {
			dir.Delay = delay
		}
	}
	return pl
}

// offset draws k in 1..MaxOffset, log-uniformly: a byte in the first request of a connection is
// as likely as one deep in a large upload or a later keep-alive request.
func (p Profile) offset(rng *rand.Rand) int64 {
	return logUniform(rng, max(p.MaxOffset, 1))
}

func logUniform(rng *rand.Rand, maxV int64) int64 {
	k := int64(math.Exp(rng.Float64() * math.Log(float64(maxV))))
	return min(max(k, 1), maxV)
}

func durIn(rng *rand.Rand, r [2]Dur) time.Duration {
	lo, hi := time.Duration(r[0]), time.Duration(r[1])
	if hi <= lo {
		return lo
	}
	return lo + time.Duration(rng.Int64N(int64(hi-lo)+1))
}

func intIn(rng *rand.Rand, r [2]int64) int64 {
	if r[1] <= r[0] {
		return r[0]
	}
	return r[0] + rng.Int64N(r[1]-r[0]+1)
}

// String is the plan in one line for the proxy's log, e.g.
// "up: reset@120 | down: delay=1.2s drip@0+300 stall@4000 5s".
func (pl Plan) String() string {
	return "up: " + pl.Up.String() + " | down: " + pl.Down.String()
}

// String lists a direction's faults, or "-".
func (d DirPlan) String() string {
	var parts []string
	if d.Delay > 0 {
		parts = append(parts, "delay="+d.Delay.Round(time.Millisecond).String())
	}
	if d.Drip != nil {
		parts = append(parts, fmt.Sprintf("drip@%d+%d", d.Drip.At, d.Drip.Len))
	}
	if d.Stall != nil {
		s := fmt.Sprintf("stall@%d %s", d.Stall.At, d.Stall.For.Round(time.Millisecond))
		if d.Stall.ThenReset {
			s += " then reset"
		}
		parts = append(parts, s)
	}
	if d.Cut != nil {
		kind := "fin"
		if d.Cut.Reset {
			kind = "reset"
		}
		parts = append(parts, fmt.Sprintf("%s@%d", kind, d.Cut.At))
	}
	if len(parts) == 0 {
		return "-"
	}
	return strings.Join(parts, " ")
}

// None is true when the plan holds no fault at all.
func (pl Plan) None() bool {
	return pl.Up.String() == "-" && pl.Down.String() == "-"
}

// rng is the drip's own generator: its chunk sizes and pauses.
type rng struct{ r *rand.Rand }

func newRNG(seed uint64) *rng {
	return &rng{rand.New(rand.NewPCG(seed, 0x64726970))}
}

func (g *rng) intIn(lo, hi int64) int64     { return intIn(g.r, [2]int64{lo, hi}) }
func (g *rng) durIn(r [2]Dur) time.Duration { return durIn(g.r, r) }
