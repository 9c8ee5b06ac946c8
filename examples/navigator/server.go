package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"runtime/debug"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/wraparound/wraparound/match"
)

// Limits of the API. They bound the work and memory one request can ask
// for; a request beyond one gets a 4xx naming the field.
const (
	maxK          = 20       // providers per need or interest, nearby and text results
	maxPlanBody   = 64 << 10 // bytes of a student
	maxCohortBody = 2 << 20  // bytes of a cohort
	maxCohort     = 500      // students in one cohort request
	maxQuery      = 200      // bytes of a text query
	maxRadius     = 50000.0  // meters
	maxJobs       = 32       // cohort jobs kept in memory
)

// server is the HTTP side: the routes over data, the per-request time
// limit, logging and the cohort jobs.
type server struct {
	d       *data
	log     *slog.Logger
	timeout time.Duration
	tiles   string
	jobs    *jobs
	mux     *http.ServeMux
}

func newServer(ctx context.Context, d *data, log *slog.Logger, timeout time.Duration, tiles string) *server {
	s := &server{d: d, log: log, timeout: timeout, tiles: tiles, jobs: newJobs(ctx, maxJobs), mux: http.NewServeMux()}
	s.routes()
	return s
}

// routes registers every endpoint with Go's method and wildcard patterns.
func (s *server) routes() {
	m := s.mux
	m.HandleFunc("GET /healthz", s.health)
	m.HandleFunc("GET /api/config", s.config)
	m.HandleFunc("GET /api/taxonomy", s.taxonomy)
	m.HandleFunc("GET /api/regions", s.regionSets)
	m.HandleFunc("GET /api/regions/{set}", s.regionGeoJSON)
	m.HandleFunc("GET /api/regions/{set}/names", s.regionNames)
	m.HandleFunc("GET /api/routes", s.routeGeoJSON)
	m.HandleFunc("GET /api/nearby", s.nearby)
	m.HandleFunc("GET /api/search", s.search)
	m.HandleFunc("POST /api/plan", s.plan)
	m.HandleFunc("POST /api/cohort", s.cohortStart)
	m.HandleFunc("GET /api/cohort/{id}", s.cohortStatus)
	m.HandleFunc("GET /api/cohort/{id}/events", s.cohortEvents)
	m.HandleFunc("GET /api/trends/counts", s.trendCounts)
	m.HandleFunc("GET /api/trends/rising", s.trendRising)
	m.HandleFunc("GET /api/trends/gaps", s.trendGaps)
	m.HandleFunc("/api/", s.apiNotFound)
	static := staticHandler()
	m.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			w.Header().Set("Allow", "GET, HEAD")
			writeError(w, &apiError{status: http.StatusMethodNotAllowed, msg: "method not allowed"})
			return
		}
		static.ServeHTTP(w, r)
	})
}

// apiNotFound answers API paths no route has: 405 with Allow when the
// path exists for another method, else 404; both as JSON.
func (s *server) apiNotFound(w http.ResponseWriter, r *http.Request) {
	var allow []string
	for _, m := range []string{http.MethodGet, http.MethodPost} {
		r2 := r.Clone(r.Context())
		r2.Method = m
		if _, p := s.mux.Handler(r2); p != "" && p != "/api/" {
			allow = append(allow, m)
		}
	}
	if len(allow) > 0 {
		w.Header().Set("Allow", strings.Join(allow, ", "))
		writeError(w, &apiError{status: http.StatusMethodNotAllowed, msg: "method not allowed"})
		return
	}
	writeError(w, &apiError{status: http.StatusNotFound, msg: "no such endpoint"})
}

// ServeHTTP wraps the routes: a time limit on the request's context, a
// JSON answer for unknown routes and methods, a recovered panic turned
// into a 500 without detail, and one log line per request carrying only
// method, route pattern, status and duration — never a query, a body or
// a client address, which may hold a family's data.
func (s *server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	start := time.Now()
	rec := &statusWriter{ResponseWriter: w}
	_, pattern := s.mux.Handler(r)
	limit := s.timeout
	if pattern == "GET /api/cohort/{id}/events" {
		limit = cohortTimeout // a stream lasts as long as its job may
	}
	ctx, cancel := context.WithTimeout(r.Context(), limit)
	defer cancel()
	r = r.WithContext(ctx)
	defer func() {
		if v := recover(); v != nil {
			if v == http.ErrAbortHandler {
				panic(v)
			}
			// The stack names code, not data; the value is not logged.
			s.log.Error("panic", "method", r.Method, "pattern", r.Pattern, "stack", string(debug.Stack()))
			if !rec.wrote {
				writeError(rec, &apiError{status: http.StatusInternalServerError, msg: "internal error"})
			}
		}
		pattern := r.Pattern
		if pattern == "" {
			pattern = "(none)"
		}
		s.log.Info("request", "method", r.Method, "pattern", pattern, "status", rec.code(), "duration", time.Since(start).Round(time.Microsecond))
	}()
	if pattern == "" {
		// Not found or method not allowed: the mux's status and Allow
		// header, a JSON body.
		probe := &statusWriter{ResponseWriter: discardBody{w}}
		s.mux.ServeHTTP(probe, r)
		writeError(rec, &apiError{status: probe.code(), msg: strings.ToLower(http.StatusText(probe.code()))})
		return
	}
	s.mux.ServeHTTP(rec, r)
}

// statusWriter records the status written; it passes Flush through for
// server-sent events.
type statusWriter struct {
	http.ResponseWriter
	status int
	wrote  bool
}

func (w *statusWriter) WriteHeader(code int) {
	if !w.wrote {
		w.status, w.wrote = code, true
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(b []byte) (int, error) {
	if !w.wrote {
		w.status, w.wrote = http.StatusOK, true
	}
	return w.ResponseWriter.Write(b)
}

func (w *statusWriter) code() int {
	if w.status == 0 {
		return http.StatusOK
	}
	return w.status
}

// Unwrap lets http.ResponseController reach Flush.
func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// discardBody keeps headers and status, drops the body.
type discardBody struct{ http.ResponseWriter }

func (discardBody) Write(b []byte) (int, error) { return len(b), nil }

// apiError is a failed request: its status and, for a bad request, the
// fields at fault. Its message names a field and why, never a value the
// client sent.
type apiError struct {
	status int
	field  string
	msg    string
	fields []fieldProblem
}

type fieldProblem struct {
	Field   string `json:"field"`
	Problem string `json:"problem"`
}

func (e *apiError) Error() string { return e.msg }

func badField(field, msg string) *apiError {
	return &apiError{status: http.StatusBadRequest, field: field, msg: msg}
}

// writeError answers with a JSON error: {"error": {"status", "message",
// "field", "fields"}}.
func writeError(w http.ResponseWriter, e *apiError) {
	body := struct {
		Status  int            `json:"status"`
		Message string         `json:"message"`
		Field   string         `json:"field,omitempty"`
		Fields  []fieldProblem `json:"fields,omitempty"`
	}{e.status, e.msg, e.field, e.fields}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(e.status)
	_ = json.NewEncoder(w).Encode(map[string]any{"error": body})
}

// fail answers err: an *apiError as it is, match's field errors as a 400
// listing each field, an ended context as 503, anything else as 500
// without detail (and logged without data).
func (s *server) fail(w http.ResponseWriter, r *http.Request, err error) {
	var ae *apiError
	switch {
	case errors.As(err, &ae):
		writeError(w, ae)
	case errors.Is(err, context.DeadlineExceeded), errors.Is(err, context.Canceled):
		writeError(w, &apiError{status: http.StatusServiceUnavailable, msg: "the request took too long; try fewer needs or a smaller area"})
	default:
		if fe := fieldErrors(err); len(fe) > 0 {
			writeError(w, &apiError{status: http.StatusBadRequest, field: fe[0].Field, msg: "invalid student: " + fe[0].Field + ": " + fe[0].Problem, fields: fe})
			return
		}
		s.log.Error("request failed", "method", r.Method, "pattern", r.Pattern, "error_type", fmt.Sprintf("%T", err))
		writeError(w, &apiError{status: http.StatusInternalServerError, msg: "internal error"})
	}
}

// fieldErrors lists the *match.FieldError in err (joined or not). Their
// messages name the field and the rule, never the value.
func fieldErrors(err error) []fieldProblem {
	var out []fieldProblem
	var walk func(error)
	walk = func(e error) {
		var fe *match.FieldError
		if errors.As(e, &fe) && fe == e {
			out = append(out, fieldProblem{Field: fe.Field, Problem: strings.TrimPrefix(fe.Err.Error(), "match: ")})
			return
		}
		switch u := e.(type) {
		case interface{ Unwrap() []error }:
			for _, x := range u.Unwrap() {
				walk(x)
			}
		case interface{ Unwrap() error }:
			if x := u.Unwrap(); x != nil {
				walk(x)
			}
		}
	}
	walk(err)
	return out
}

// writeJSON answers v as JSON with status 200.
func writeJSON(w http.ResponseWriter, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	_ = json.NewEncoder(w).Encode(v)
}

// decodeBody reads a JSON body of at most limit bytes into v: valid
// UTF-8, one value, no unknown fields. Errors name the field or byte
// offset, never a value.
func decodeBody(w http.ResponseWriter, r *http.Request, limit int64, v any) error {
	if ct := r.Header.Get("Content-Type"); ct != "" && !strings.HasPrefix(ct, "application/json") {
		return &apiError{status: http.StatusUnsupportedMediaType, msg: "the body must be application/json"}
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, limit))
	if err != nil {
		var mb *http.MaxBytesError
		if errors.As(err, &mb) {
			return &apiError{status: http.StatusRequestEntityTooLarge, msg: fmt.Sprintf("the body is larger than %d bytes", limit)}
		}
		return &apiError{status: http.StatusBadRequest, msg: "the body could not be read"}
	}
	if len(body) == 0 {
		return &apiError{status: http.StatusBadRequest, msg: "the body is empty: send a JSON object"}
	}
	if !utf8.Valid(body) {
		return &apiError{status: http.StatusBadRequest, msg: "the body is not valid UTF-8"}
	}
	dec := json.NewDecoder(strings.NewReader(string(body)))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return jsonError(err)
	}
	if dec.More() {
		return &apiError{status: http.StatusBadRequest, msg: "the body holds more than one JSON value"}
	}
	return nil
}

// jsonError turns a decoding error into a 400 naming the field or byte
// offset.
func jsonError(err error) *apiError {
	var syn *json.SyntaxError
	var typ *json.UnmarshalTypeError
	switch {
	case errors.As(err, &syn):
		return &apiError{status: http.StatusBadRequest, msg: fmt.Sprintf("malformed JSON at byte %d", syn.Offset)}
	case errors.As(err, &typ):
		field := typ.Field
		if field == "" {
			field = "(body)"
		}
		return badField(field, fmt.Sprintf("%s: wrong type, want %s", field, jsonType(typ.Type.String())))
	case errors.Is(err, io.ErrUnexpectedEOF), errors.Is(err, io.EOF):
		return &apiError{status: http.StatusBadRequest, msg: "the JSON ends too soon"}
	case errors.Is(err, match.ErrBadMode):
		return badField("constraints.mode", "constraints.mode: want walk, transit, car or school")
	case errors.Is(err, match.ErrBadDays):
		return badField("constraints.availability.days", "days: want two-letter days and ranges such as Mo-Fr,Sa")
	case strings.HasPrefix(err.Error(), "json: unknown field "):
		name := strings.Trim(strings.TrimPrefix(err.Error(), "json: unknown field "), `"`)
		if len(name) > 40 || strings.ContainsFunc(name, func(r rune) bool {
			return !(r == '_' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9')
		}) {
			name = "(a field)"
		}
		return badField(name, "unknown field "+name)
	}
	return &apiError{status: http.StatusBadRequest, msg: "the JSON does not fit the expected shape"}
}

// jsonType names a Go type in JSON terms.
func jsonType(goType string) string {
	switch {
	case goType == "time.Duration":
		return "a number of nanoseconds"
	case goType == "orb.Point":
		return "[lon, lat]"
	case strings.HasPrefix(goType, "[]"):
		return "an array"
	case strings.HasPrefix(goType, "map["), strings.HasPrefix(goType, "struct"), strings.Contains(goType, "."):
		return "an object or value of " + goType
	case strings.HasPrefix(goType, "int"), strings.HasPrefix(goType, "uint"):
		return "an integer"
	case strings.HasPrefix(goType, "float"):
		return "a number"
	case goType == "bool":
		return "true or false"
	case goType == "string":
		return "a string"
	}
	return goType
}
