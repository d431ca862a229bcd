package core

import (
	"cmp"
	"math"
	"net/http"
	"slices"
	"strings"
	"sync"
	"time"
)

// Poll lag: how promptly clients notice that a job ended. A vendor's status route calls
// NoteStatusRead each time it answers a client about a job, saying whether the answer showed the
// job's final state; JobLags joins those reads with the jobs. The reads are kept in memory
// only (no store write per status read), so they cover this process's life, not a restart.

// statusReads is every job's status reads, by upper-case job id.
type statusReads struct {
	mu    sync.Mutex
	now   func() time.Time // tests set it; time.Now otherwise
	jobs  map[string]*statusReadLog
	alias map[string]string // upper-case key → upper-case job id
}

// statusReadLog is what the status routes told clients about one job.
type statusReadLog struct {
	reads  int       // status reads in all
	toSeen int       // reads up to and including the first final one
	seen   time.Time // the first read whose answer showed the final state
}

func newStatusReads() *statusReads {
	return &statusReads{now: time.Now, jobs: map[string]*statusReadLog{}, alias: map[string]string{}}
}

// NoteStatusRead records that a client read the status of job (its id in any case, or a key
// given to AliasJob) and whether the answer showed the job's final state. Vendors call it from
// the routes a client polls a job with, once per answer.
func (s *Core) NoteStatusRead(job string, final bool) {
	r := s.statusReads
	r.mu.Lock()
	defer r.mu.Unlock()
	id := strings.ToUpper(job)
	if to, ok := r.alias[id]; ok {
		id = to
	}
	l := r.jobs[id]
	if l == nil {
		l = &statusReadLog{}
		r.jobs[id] = l
	}
	l.reads++
	if l.seen.IsZero() {
		l.toSeen++
		if final {
			l.seen = r.now().UTC()
		}
	}
}

// AliasJob lets NoteStatusRead name job by key: an id the vendor hands out for the job's
// object instead of the job id (a Backendless import id, whose migration log is the status).
func (s *Core) AliasJob(key, job string) {
	r := s.statusReads
	r.mu.Lock()
	defer r.mu.Unlock()
	r.alias[strings.ToUpper(key)] = strings.ToUpper(job)
}

// JobLag is one job's poll lag: when it ended, when a client first read its final state, and
// how many status reads it took.
type JobLag struct {
	ID    string   `json:"id"`
	Kind  string   `json:"kind"`
	State JobState `json:"state"`
	// Created is when the job was submitted; Finished when it reached its final state (nil
	// while it runs).
	Created  time.Time  `json:"created"`
	Finished *time.Time `json:"finished"`
	// Seen is the first status read whose answer showed the final state (nil until then).
	Seen *time.Time `json:"seen"`
	// LagMS is Seen − Finished in milliseconds, never below 0: a vendor may show the end a
	// moment before the job's record does (the Backendless import's last log line, a Mendix
	// backup record marked by its work). Nil until the job is finished and seen.
	LagMS *int64 `json:"lag_ms"`
	// DurationMS is Finished − Created in milliseconds (nil while the job runs).
	DurationMS *int64 `json:"duration_ms"`
	// Reads counts every status read of the job, refreshes after Seen included; ReadsToSeen
	// only those up to and including Seen: what noticing the end cost.
	Reads       int `json:"reads"`
	ReadsToSeen int `json:"reads_to_seen"`
}

// JobLags returns every job with its status reads, oldest first.
func (s *Core) JobLags() []JobLag {
	jobs := s.Jobs()
	r := s.statusReads
	r.mu.Lock()
	defer r.mu.Unlock()
	out := make([]JobLag, 0, len(jobs))
	for _, j := range jobs {
		l := JobLag{ID: j.ID, Kind: j.Kind, State: j.State, Created: j.Created}
		if j.Done() {
			fin := j.Updated
			l.Finished = &fin
			d := fin.Sub(j.Created).Milliseconds()
			l.DurationMS = &d
		}
		if log := r.jobs[strings.ToUpper(j.ID)]; log != nil {
			l.Reads, l.ReadsToSeen = log.reads, log.toSeen
			if !log.seen.IsZero() {
				seen := log.seen
				l.Seen = &seen
				if l.Finished != nil {
					lag := max(seen.Sub(*l.Finished), 0).Milliseconds()
					l.LagMS = &lag
				}
			}
		}
		out = append(out, l)
	}
	return out
}

// JobLagSummary is the poll lag of one kind of job: how many there were, how many ended and
// were seen ended, the lag's and the reads' percentiles (nearest rank) over the seen ones, and
// the jobs' durations over the finished ones.
type JobLagSummary struct {
	Jobs     int `json:"jobs"`
	Finished int `json:"finished"`
	Seen     int `json:"seen"`

	LagP50MS int64 `json:"lag_p50_ms"`
	LagP95MS int64 `json:"lag_p95_ms"`
	LagMaxMS int64 `json:"lag_max_ms"`

	ReadsToSeenP50 int     `json:"reads_to_seen_p50"`
	ReadsToSeenMax int     `json:"reads_to_seen_max"`
	ReadsToSeenAvg float64 `json:"reads_to_seen_mean"`
	// ReadsAvg is the mean of every status read per seen job, refreshes included.
	ReadsAvg float64 `json:"reads_mean"`

	DurationP50MS int64 `json:"duration_p50_ms"`
	DurationMaxMS int64 `json:"duration_max_ms"`
}

// SummarizeJobLags groups lags by kind.
func SummarizeJobLags(lags []JobLag) map[string]JobLagSummary {
	byKind := map[string][]JobLag{}
	for _, l := range lags {
		byKind[l.Kind] = append(byKind[l.Kind], l)
	}
	out := make(map[string]JobLagSummary, len(byKind))
	for kind, ls := range byKind {
		var sum JobLagSummary
		var lagMS, durMS []int64
		var toSeen []int
		reads := 0
		for _, l := range ls {
			sum.Jobs++
			if l.DurationMS != nil {
				sum.Finished++
				durMS = append(durMS, *l.DurationMS)
			}
			if l.LagMS != nil {
				sum.Seen++
				lagMS = append(lagMS, *l.LagMS)
				toSeen = append(toSeen, l.ReadsToSeen)
				reads += l.Reads
			}
		}
		sum.LagP50MS, sum.LagP95MS, sum.LagMaxMS = Percentile(lagMS, 50), Percentile(lagMS, 95), Percentile(lagMS, 100)
		sum.ReadsToSeenP50, sum.ReadsToSeenMax = Percentile(toSeen, 50), Percentile(toSeen, 100)
		if sum.Seen > 0 {
			total := 0
			for _, n := range toSeen {
				total += n
			}
			sum.ReadsToSeenAvg = float64(total) / float64(sum.Seen)
			sum.ReadsAvg = float64(reads) / float64(sum.Seen)
		}
		sum.DurationP50MS, sum.DurationMaxMS = Percentile(durMS, 50), Percentile(durMS, 100)
		out[kind] = sum
	}
	return out
}

// Percentile is the nearest-rank p-th percentile of xs (0 for none; p 100 is the maximum).
func Percentile[T cmp.Ordered](xs []T, p float64) T {
	var zero T
	if len(xs) == 0 {
		return zero
	}
	s := slices.Clone(xs)
	slices.Sort(s)
	rank := int(math.Ceil(float64(len(s))*p/100)) - 1
	return s[min(max(rank, 0), len(s)-1)]
}

// jobLagView is GET /_sandbox/jobs/lag.
type jobLagView struct {
	Kinds map[string]JobLagSummary `json:"kinds"`
	Jobs  []JobLag                 `json:"jobs"`
}

// ctlJobLag is GET /_sandbox/jobs/lag[?kind=]: the summary per kind and every job's lag.
func (s *Core) ctlJobLag(w http.ResponseWriter, r *http.Request) {
	lags := s.JobLags()
	if kind := r.URL.Query().Get("kind"); kind != "" {
		lags = slices.DeleteFunc(lags, func(l JobLag) bool { return l.Kind != kind })
	}
	WriteJSON(w, http.StatusOK, jobLagView{Kinds: SummarizeJobLags(lags), Jobs: lags})
}
