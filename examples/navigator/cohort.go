package main

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"sync"
	"time"

	"github.com/wraparound/wraparound/match"
)

// cohortRequest is the body of POST /api/cohort.
type cohortRequest struct {
	Students      []match.Student `json:"students"`
	Policy        match.Policy    `json:"policy"`
	MaxCandidates int             `json:"max_candidates,omitempty"`
}

// job is one cohort assignment running in the background. Its students
// stay in memory only while it runs; the result holds indexes, never
// student fields.
type job struct {
	id      string
	started time.Time

	mu       sync.Mutex
	phase    string
	done     float64
	state    string // running, done, failed
	result   *cohortResult
	failure  string
	changed  chan struct{} // closed and replaced at every change
	finished bool
}

type cohortResult struct {
	Totals   match.Totals        `json:"totals"`
	Assigned []match.Assigned    `json:"assigned"`
	Unmet    []match.UnmetNeed   `json:"unmet"`
	Gaps     []match.CoverageGap `json:"gaps"`
	Names    map[string]string   `json:"names"` // provider ID → name
	Summary  string              `json:"summary"`
}

type jobStatus struct {
	ID     string        `json:"id"`
	State  string        `json:"state"`
	Phase  string        `json:"phase,omitempty"`
	Done   float64       `json:"done"`
	Error  string        `json:"error,omitempty"`
	Result *cohortResult `json:"result,omitempty"`
}

func (j *job) status() (jobStatus, <-chan struct{}) {
	j.mu.Lock()
	defer j.mu.Unlock()
	return jobStatus{ID: j.id, State: j.state, Phase: j.phase, Done: j.done, Error: j.failure, Result: j.result}, j.changed
}

func (j *job) update(fn func()) {
	j.mu.Lock()
	fn()
	close(j.changed)
	j.changed = make(chan struct{})
	j.mu.Unlock()
}

// jobs holds at most max cohort jobs; a new one evicts the oldest
// finished one, and is refused while all are running.
type jobs struct {
	ctx  context.Context // ends at shutdown: running jobs stop
	max  int
	mu   sync.Mutex
	next int
	all  []*job
}

func newJobs(ctx context.Context, max int) *jobs { return &jobs{ctx: ctx, max: max} }

func (js *jobs) add() (*job, bool) {
	js.mu.Lock()
	defer js.mu.Unlock()
	if len(js.all) == js.max {
		evicted := false
		for i, j := range js.all {
			j.mu.Lock()
			fin := j.finished
			j.mu.Unlock()
			if fin {
				js.all = append(js.all[:i], js.all[i+1:]...)
				evicted = true
				break
			}
		}
		if !evicted {
			return nil, false
		}
	}
	js.next++
	j := &job{id: "c" + strconv.Itoa(js.next), started: time.Now(), state: "running", changed: make(chan struct{})}
	js.all = append(js.all, j)
	return j, true
}

func (js *jobs) get(id string) (*job, bool) {
	js.mu.Lock()
	defer js.mu.Unlock()
	for _, j := range js.all {
		if j.id == id {
			return j, true
		}
	}
	return nil, false
}

// cohortStart answers POST /api/cohort: it checks the cohort, starts the
// assignment in the background and answers 202 with where to follow it.
func (s *server) cohortStart(w http.ResponseWriter, r *http.Request) {
	var req cohortRequest
	if err := decodeBody(w, r, maxCohortBody, &req); err != nil {
		s.fail(w, r, err)
		return
	}
	switch {
	case len(req.Students) == 0:
		s.fail(w, r, badField("students", "students: none given"))
		return
	case len(req.Students) > maxCohort:
		s.fail(w, r, badField("students", fmt.Sprintf("students: more than %d", maxCohort)))
		return
	case req.MaxCandidates < 0 || req.MaxCandidates > maxK:
		s.fail(w, r, badField("max_candidates", fmt.Sprintf("max_candidates: out of range [0, %d]", maxK)))
		return
	}
	for i := range req.Students {
		if err := s.checkPlaces(&req.Students[i]); err != nil {
			ae := err.(*apiError)
			ae.field = fmt.Sprintf("students[%d].%s", i, ae.field)
			ae.msg = fmt.Sprintf("students[%d].%s", i, ae.msg)
			s.fail(w, r, ae)
			return
		}
		// Validate now so that a bad student is a 400, not a failed job.
		if err := s.d.matcher.Validate(req.Students[i]); err != nil {
			fe := fieldErrors(err)
			for k := range fe {
				fe[k].Field = fmt.Sprintf("students[%d].%s", i, fe[k].Field)
			}
			if len(fe) == 0 {
				fe = []fieldProblem{{Field: fmt.Sprintf("students[%d]", i), Problem: "invalid"}}
			}
			s.fail(w, r, &apiError{status: http.StatusBadRequest, field: fe[0].Field, msg: "invalid student: " + fe[0].Field + ": " + fe[0].Problem, fields: fe})
			return
		}
	}
	j, ok := s.jobs.add()
	if !ok {
		writeError(w, &apiError{status: http.StatusTooManyRequests, msg: "too many cohorts running; try again shortly"})
		return
	}
	go s.runCohort(j, req)
	w.Header().Set("Location", "/api/cohort/"+j.id)
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(http.StatusAccepted)
	_ = json.NewEncoder(w).Encode(map[string]string{"id": j.id, "status": "/api/cohort/" + j.id, "events": "/api/cohort/" + j.id + "/events"})
}

// cohortTimeout bounds one cohort's assignment.
const cohortTimeout = 2 * time.Minute

func (s *server) runCohort(j *job, req cohortRequest) {
	ctx, cancel := context.WithTimeout(s.jobs.ctx, cohortTimeout)
	defer cancel()
	start := time.Now()
	a, err := s.d.matcher.Assign(ctx, req.Students, match.AssignOptions{
		Policy: req.Policy, MaxCandidates: req.MaxCandidates, RegionSet: s.d.sets[0], Workers: 1,
		Progress: func(phase string, done float64) {
			j.update(func() { j.phase, j.done = phase, done })
		},
	})
	if err != nil {
		s.log.Warn("cohort failed", "job", j.id, "error_type", fmt.Sprintf("%T", err))
		j.update(func() { j.state, j.failure, j.finished = "failed", "the assignment did not finish", true })
		return
	}
	res := &cohortResult{Totals: a.Totals, Assigned: a.Assigned, Unmet: a.Unmet, Gaps: a.Gaps, Names: map[string]string{}}
	for _, as := range a.Assigned {
		res.Names[as.ProviderID] = as.Provider.Name()
	}
	res.Summary = cohortSummary(a.Totals)
	s.log.Info("cohort done", "job", j.id, "students", len(req.Students), "duration", time.Since(start).Round(time.Millisecond))
	j.update(func() { j.state, j.result, j.done, j.finished = "done", res, 1, true })
}

// cohortSummary says what the totals count, in words.
func cohortSummary(t match.Totals) string {
	return fmt.Sprintf("%d of %d needs met; severity 3: %d of %d met", t.Assigned, t.Needs, t.AssignedBySeverity[3], t.NeedsBySeverity[3])
}

func (s *server) job(w http.ResponseWriter, r *http.Request) (*job, bool) {
	j, ok := s.jobs.get(r.PathValue("id"))
	if !ok {
		writeError(w, &apiError{status: http.StatusNotFound, field: "id", msg: "no such cohort job (finished jobs are kept for a while only)"})
	}
	return j, ok
}

// cohortStatus answers GET /api/cohort/{id} for polling.
func (s *server) cohortStatus(w http.ResponseWriter, r *http.Request) {
	if j, ok := s.job(w, r); ok {
		st, _ := j.status()
		writeJSON(w, st)
	}
}

// cohortEvents answers GET /api/cohort/{id}/events with server-sent
// events: a "progress" event at each change, then "done" (or "failed")
// with the status, then the stream ends. It ends too when the request's
// time limit does.
func (s *server) cohortEvents(w http.ResponseWriter, r *http.Request) {
	j, ok := s.job(w, r)
	if !ok {
		return
	}
	rc := http.NewResponseController(w)
	w.Header().Set("Content-Type", "text/event-stream")
	w.Header().Set("Cache-Control", "no-cache")
	w.WriteHeader(http.StatusOK)
	for {
		st, changed := j.status()
		ev := "progress"
		if st.State != "running" {
			ev = st.State
		}
		b, _ := json.Marshal(st)
		if _, err := fmt.Fprintf(w, "event: %s\ndata: %s\n\n", ev, b); err != nil {
			return
		}
		_ = rc.Flush()
		if ev != "progress" {
			return
		}
		select {
		case <-changed:
		case <-r.Context().Done():
			return
		}
	}
}
