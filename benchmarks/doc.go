// Package benchmarks holds wraparound's measurements: each benchmark runs
// the library beside a baseline (a brute-force scan, a greedy assignment)
// in the same run, on seeded synthetic data of the sizes the targets name.
//
//	go test ./benchmarks -run '^$' -bench . -benchtime 2s
//
// The tests in this package check that the library and its baseline return
// the same answers, so a faster index is never bought with wrong results.
// Baselines are this package's own code (a scan of the public Provider
// fields, a substring scan, scoring every provider), not library calls.
//
// # Query mixes
//
// BenchmarkNearby, BenchmarkTextSearch and BenchmarkPlan run the district
// mix (mix_test.go): the queries a district sends, from the homes of a
// generated student population, at local times in the directory's zone
// (America/New_York) after school on every school day and at weekends,
// for ages 3–20, in leaf and (30%) parent categories, with the language,
// free, wheelchair and radius filters on a share. Each also runs the old
// mix (fixed UTC hours, provider-mixture points, leaf categories) as
// mix=old, so the two can be compared, and its baseline on the district
// mix. Percentiles (p50-ns, p90-ns, p99-ns) time each query once while
// cycling through 4,096 pre-drawn queries; ns/op is their mean:
//
//	go test ./benchmarks -run '^$' -bench 'Nearby|TextSearch|Plan' -benchtime 2000x
//
// # State scale
//
// The largest sizes run only when the environment variable
// WRAPAROUND_LARGE is "1"; CI runs the others. BenchmarkAssign then adds
// 1,000,000 students (three needs each) on 100,000 providers, and
// BenchmarkTrendsIngest, BenchmarkTrendsQuery and BenchmarkTrendsPersist
// add events=100000000 (the 10M generated requests ingested ten times):
//
//	WRAPAROUND_LARGE=1 go test ./benchmarks -run '^$' -bench 'Assign/students=1000000' -benchtime 1x -timeout 2h
//	WRAPAROUND_LARGE=1 go test ./benchmarks -run '^$' -bench 'Trends' -benchtime 1x -timeout 2h
//
// # Cohorts beside an outside solver
//
// With WRAPAROUND_DIMACS_DIR set to a directory, BenchmarkAssign writes
// each MaxTotal instance there as DIMACS (assign-<students>.dimacs), which
// any min-cost-flow solver reproduces; LEMON's network simplex, for one
// (Debian: apt-get install liblemon-utils):
//
//	WRAPAROUND_DIMACS_DIR=/tmp go test ./benchmarks -run '^$' -bench 'Assign/students=100000/maxtotal' -benchtime 1x
//	/usr/bin/time dimacs-solver -long /tmp/assign-100000.dimacs   # min cost = −objective
//	FLOW_DIMACS=/tmp/assign-100000.dimacs go test ./internal/flow -run '^$' -bench 'Real/maxtotal/ssp' -benchtime 1x
//
// The last line times the package's own solver on the same file; its
// cpu-s/op is comparable with dimacs-solver's user time on a shared
// machine, where wall times follow the load. BenchmarkAssign's solve-s,
// candidates-s and explain-s time the phases of one assignment.
package benchmarks
