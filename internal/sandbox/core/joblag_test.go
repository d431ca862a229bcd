package core

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

// finishedJob submits a test.echo job and waits for it to end.
func finishedJob(t *testing.T, s *Core) Job {
	t.Helper()
	j, err := s.SubmitJob("test.echo", echoParams{Message: "lag"})
	if err != nil {
		t.Fatal(err)
	}
	waitIdle(t, s)
	got, ok := s.Job(j.ID)
	if !ok || !got.Done() {
		t.Fatalf("job %+v", got)
	}
	return got
}

// readAt notes a status read as if it happened at t.
func readAt(s *Core, t time.Time, job string, final bool) {
	s.statusReads.now = func() time.Time { return t }
	s.NoteStatusRead(job, final)
}

// lagOf finds one job's lag.
func lagOf(t *testing.T, s *Core, id string) JobLag {
	t.Helper()
	for _, l := range s.JobLags() {
		if l.ID == id {
			return l
		}
	}
	t.Fatalf("no lag for job %s", id)
	return JobLag{}
}

func TestJobLag_IsTheFirstReadShowingTheEndMinusTheEnd(t *testing.T) {
	s := newTestSandbox(t, Options{})
	j := finishedJob(t, s)
	end := j.Updated

	// Lower case, as the Mendix routes hand job ids out.
	readAt(s, end.Add(-time.Second), strings.ToLower(j.ID), false)
	readAt(s, end.Add(1500*time.Millisecond), strings.ToLower(j.ID), true)
	readAt(s, end.Add(time.Minute), j.ID, true) // a later refresh

	l := lagOf(t, s, j.ID)
	if l.LagMS == nil || *l.LagMS != 1500 {
		t.Fatalf("lag %v, want 1500 ms: %+v", l.LagMS, l)
	}
	if l.Reads != 3 || l.ReadsToSeen != 2 {
		t.Errorf("reads %d, to seen %d; want 3 and 2", l.Reads, l.ReadsToSeen)
	}
	if l.Seen == nil || !l.Seen.Equal(end.Add(1500*time.Millisecond)) || l.Finished == nil || !l.Finished.Equal(end) {
		t.Errorf("seen %v, finished %v", l.Seen, l.Finished)
	}
	if l.DurationMS == nil || *l.DurationMS != end.Sub(j.Created).Milliseconds() {
		t.Errorf("duration %v", l.DurationMS)
	}
}

func TestJobLag_IsZeroWhenTheVendorShowsTheEndBeforeTheJobRecord(t *testing.T) {
	s := newTestSandbox(t, Options{})
	j := finishedJob(t, s)
	readAt(s, j.Updated.Add(-5*time.Millisecond), j.ID, true)
	if l := lagOf(t, s, j.ID); l.LagMS == nil || *l.LagMS != 0 || l.ReadsToSeen != 1 {
		t.Fatalf("lag %+v", l)
	}
}

func TestJobLag_AnAliasCountsForItsJob(t *testing.T) {
	s := newTestSandbox(t, Options{})
	j := finishedJob(t, s)
	s.AliasJob("import-0001", j.ID)
	readAt(s, j.Updated, "IMPORT-0001", true)
	if l := lagOf(t, s, j.ID); l.Reads != 1 || l.LagMS == nil || *l.LagMS != 0 {
		t.Fatalf("lag %+v", l)
	}
}

func TestJobLag_UnreadJobIsFinishedButNotSeen(t *testing.T) {
	s := newTestSandbox(t, Options{})
	j := finishedJob(t, s)
	l := lagOf(t, s, j.ID)
	if l.Finished == nil || l.Seen != nil || l.LagMS != nil || l.Reads != 0 {
		t.Fatalf("lag %+v", l)
	}
	sum := SummarizeJobLags(s.JobLags())["test.echo"]
	if sum.Jobs != 1 || sum.Finished != 1 || sum.Seen != 0 || sum.LagMaxMS != 0 {
		t.Fatalf("summary %+v", sum)
	}
}

func TestJobLag_SummaryHasPercentilesPerKind(t *testing.T) {
	s := newTestSandbox(t, Options{})
	for i := 1; i <= 20; i++ {
		j := finishedJob(t, s)
		for range i - 1 {
			readAt(s, j.Updated.Add(-time.Second), j.ID, false)
		}
		readAt(s, j.Updated.Add(time.Duration(i)*100*time.Millisecond), j.ID, true)
	}
	sum := SummarizeJobLags(s.JobLags())["test.echo"]
	if sum.Jobs != 20 || sum.Seen != 20 || sum.LagP50MS != 1000 || sum.LagP95MS != 1900 || sum.LagMaxMS != 2000 {
		t.Fatalf("summary %+v", sum)
	}
	if sum.ReadsToSeenP50 != 10 || sum.ReadsToSeenMax != 20 || sum.ReadsToSeenAvg != 10.5 || sum.ReadsAvg != 10.5 {
		t.Fatalf("reads in summary %+v", sum)
	}
}

func TestJobLag_ControlRouteAnswersSummaryAndJobs(t *testing.T) {
	s := newTestSandbox(t, Options{})
	j := finishedJob(t, s)
	readAt(s, j.Updated.Add(250*time.Millisecond), j.ID, true)
	srv := httptest.NewServer(s.Handler())
	defer srv.Close()

	resp, err := http.Get(srv.URL + "/_sandbox/jobs/lag?kind=test.echo")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var got jobLagView
	if err := json.NewDecoder(resp.Body).Decode(&got); err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("status %d, %v", resp.StatusCode, err)
	}
	if len(got.Jobs) != 1 || got.Jobs[0].ID != j.ID || got.Kinds["test.echo"].LagMaxMS != 250 {
		t.Fatalf("answer %+v", got)
	}

	resp2, err := http.Get(srv.URL + "/_sandbox/jobs/lag?kind=other")
	if err != nil {
		t.Fatal(err)
	}
	defer resp2.Body.Close()
	var none jobLagView
	if err := json.NewDecoder(resp2.Body).Decode(&none); err != nil || len(none.Jobs) != 0 || len(none.Kinds) != 0 {
		t.Fatalf("other kind: %+v, %v", none, err)
	}
}

func TestPercentile_NearestRank(t *testing.T) {
	xs := []int{5, 1, 4, 2, 3}
	for p, want := range map[float64]int{0: 1, 20: 1, 50: 3, 95: 5, 100: 5} {
		if got := Percentile(xs, p); got != want {
			t.Errorf("p%v = %d, want %d", p, got, want)
		}
	}
	if Percentile([]int64(nil), 50) != 0 {
		t.Error("empty input is not 0")
	}
}
