// Navigator: an HTTP service and a map page over the wraparound engine,
// for the adult who sits with a family and asks "what near them, open
// when they can go, that they can reach, in their language, free?".
//
//	go run ./examples/navigator                 # the Chattanooga demo at http://localhost:8080
//	go run ./examples/navigator -addr :9090 -tiles 'https://tile.openstreetmap.org/{z}/{x}/{y}.png'
//	go run ./examples/navigator -hsds ./hsds -gtfs feed.zip -regions hoods.geojson
//
// It serves a JSON API (nearby and text search, a student's plan in
// English or Spanish, a small cohort assignment with progress, trends of
// need requests with suppression, taxonomy, regions, bus routes, health)
// and a map page drawn offline from the region polygons and the feed's
// route shapes. The demo's providers other than groceries are generated
// and its need requests are invented (see demo.Attribution): no real
// family's data is involved.
//
// It is also a worked example of embedding the engine in a service: body
// and K limits, a time limit per request, graceful shutdown on SIGINT or
// SIGTERM, JSON errors that name the field and never echo a value, and
// log lines with only method, route pattern, status and duration.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"syscall"
	"time"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Stdout, os.Stderr, nil); err != nil {
		fmt.Fprintln(os.Stderr, "navigator:", err)
		os.Exit(1)
	}
}

// options are the command line.
type options struct {
	addr        string
	snapshot    string
	hsds        string
	gtfs        string
	regions     string
	regionsName string
	lenient     bool
	tiles       string
	timeout     time.Duration
	requests    int
	seed        uint64
}

func parse(args []string, stderr io.Writer) (options, error) {
	var o options
	fs := flag.NewFlagSet("navigator", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprintln(fs.Output(), "usage: navigator [flags]\n\nServes the Navigator map page and JSON API; without flags, the embedded Chattanooga demo.\n\nflags:")
		fs.PrintDefaults()
	}
	fs.StringVar(&o.addr, "addr", "localhost:8080", "address to listen on")
	fs.StringVar(&o.snapshot, "snapshot", "", "directory snapshot folder (directory.Save) instead of the demo providers")
	fs.StringVar(&o.hsds, "hsds", "", "HSDS folder or file to import instead of the demo providers")
	fs.StringVar(&o.gtfs, "gtfs", "", "GTFS feed (zip) instead of the demo's CARTA feed")
	fs.StringVar(&o.regions, "regions", "", "regions GeoJSON instead of the demo's neighborhoods, zip codes and council districts")
	fs.StringVar(&o.regionsName, "regions-name", "name", "GeoJSON property naming each region of -regions; empty names each region by its feature's id")
	fs.BoolVar(&o.lenient, "lenient", false, "leave out the bad records of -gtfs and the bad features of -regions (each logged) instead of refusing the file")
	fs.StringVar(&o.tiles, "tiles", "", "optional tile URL template for the map background, e.g. https://tile.openstreetmap.org/{z}/{x}/{y}.png (default: none, offline)")
	fs.DurationVar(&o.timeout, "timeout", 10*time.Second, "time limit of one request")
	fs.IntVar(&o.requests, "requests", 60000, "generated need requests for the trends view")
	fs.Uint64Var(&o.seed, "seed", 1, "seed of the generated need requests")
	if err := fs.Parse(args); err != nil {
		return o, err
	}
	switch {
	case fs.NArg() > 0:
		return o, fmt.Errorf("unexpected argument %q", fs.Arg(0))
	case o.snapshot != "" && o.hsds != "":
		return o, errors.New("-snapshot and -hsds are alternatives: give one")
	case o.timeout <= 0:
		return o, errors.New("-timeout must be positive")
	case o.requests < 0 || o.requests > 10_000_000:
		return o, errors.New("-requests must be between 0 and 10,000,000")
	}
	return o, nil
}

// run loads the data, serves until ctx ends, then shuts down gracefully.
// When ready is not nil it receives the listening address once serving.
func run(ctx context.Context, args []string, stdout, stderr io.Writer, ready chan<- string) error {
	o, err := parse(args, stderr)
	if errors.Is(err, flag.ErrHelp) {
		return nil
	}
	if err != nil {
		return err
	}
	log := slog.New(slog.NewTextHandler(stderr, nil))
	start := time.Now()
	d, err := load(ctx, o)
	if err != nil {
		return err
	}
	for _, w := range d.skipped {
		log.Warn("left out", "problem", w)
	}
	ln, err := net.Listen("tcp", o.addr)
	if err != nil {
		return err
	}
	jobsCtx, stopJobs := context.WithCancel(context.Background())
	defer stopJobs()
	srv := &http.Server{
		Handler:           newServer(jobsCtx, d, log, o.timeout, o.tiles),
		ReadHeaderTimeout: 5 * time.Second,
		ReadTimeout:       30 * time.Second,
		IdleTimeout:       2 * time.Minute,
		MaxHeaderBytes:    32 << 10,
		ErrorLog:          slog.NewLogLogger(log.Handler(), slog.LevelWarn),
	}
	log.Info("serving", "url", "http://"+ln.Addr().String(), "providers", d.dir.Len(), "requests", d.store.Len(), "startup", time.Since(start).Round(time.Millisecond))
	fmt.Fprintf(stdout, "Navigator at http://%s (Ctrl-C to stop)\n", ln.Addr())
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	if ready != nil {
		ready <- ln.Addr().String()
	}
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	log.Info("shutting down")
	stopJobs()
	sctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := srv.Shutdown(sctx); err != nil {
		return err
	}
	if err := <-errc; !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}
