// Command bench measures igsource against baselines on loopback. It compares warm GraphQL,
// REST and media throughput with a bare net/http process serving the same bytes. It counts
// the Graph API calls of cold queries against their minimum, times the latency igsource adds
// to a cold query and measures the memory of cached instances. Run it from the module root
// with `go run ./bench`. BENCHMARKS.md has the method and the results.
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/signal"
	"slices"
	"strings"
	"time"
)

// options are the command-line settings.
type options struct {
	load        loadConfig
	only        []string // goals to run, such as P1; all when empty
	coldQueries int
	instances   int
	mediaEach   int
	profileDir  string
	baselineDir string // set when this binary runs as the baseline server
}

func parseOptions(args []string) (*options, error) {
	o := &options{}
	fs := flag.NewFlagSet("bench", flag.ContinueOnError)
	fs.DurationVar(&o.load.Duration, "duration", 3*time.Second, "length of each measured load run")
	fs.DurationVar(&o.load.Warmup, "warmup", time.Second, "length of the unrecorded warm-up run of each side")
	fs.IntVar(&o.load.Pairs, "pairs", 5, "igsource and baseline runs per scenario, alternated A B A B")
	fs.IntVar(&o.load.Conns, "conns", 8, "concurrent connections of each load run")
	only := fs.String("only", "", "comma-separated goals to run, such as P1,P4 (default all of P1 to P6)")
	fs.IntVar(&o.coldQueries, "cold", 50, "cold queries measured per case of P5")
	fs.IntVar(&o.instances, "instances", 100, "instances cached for P6")
	fs.IntVar(&o.mediaEach, "media", 200, "media cached per instance for P6, at most 1000")
	fs.StringVar(&o.profileDir, "profile", "",
		"folder for CPU and allocation profiles of an in-process igsource under the P1 to P3 load and the P5 queries; nothing is compared")
	fs.StringVar(&o.baselineDir, "baseline", "", "internal: serve this folder as the baseline process")
	if err := fs.Parse(args); err != nil {
		return nil, err
	}

	if err := o.validate(); err != nil {
		return nil, err
	}
	goals, err := parseGoals(*only)
	if err != nil {
		return nil, err
	}
	o.only = goals
	return o, nil
}

func (o *options) validate() error {
	switch {
	case o.load.Pairs < 1 || o.load.Conns < 1:
		return fmt.Errorf("invalid -pairs %d or -conns %d: both must be at least 1", o.load.Pairs, o.load.Conns)
	case o.load.Duration <= 0 || o.load.Warmup < 0:
		return fmt.Errorf("invalid -duration %s or -warmup %s: use positive durations such as 3s", o.load.Duration, o.load.Warmup)
	case o.coldQueries < 1 || o.instances < 1 || o.mediaEach < 1 || o.mediaEach > 1000:
		return fmt.Errorf("invalid -cold %d, -instances %d or -media %d: use at least 1, and at most 1000 media",
			o.coldQueries, o.instances, o.mediaEach)
	}
	return nil
}

// parseGoals parses the -only list, such as "P1,p4".
func parseGoals(list string) ([]string, error) {
	if list == "" {
		return nil, nil
	}
	var goals []string
	for g := range strings.SplitSeq(strings.ToUpper(list), ",") {
		g = strings.TrimSpace(g)
		if !slices.Contains([]string{"P1", "P2", "P3", "P4", "P5", "P6"}, g) {
			return nil, fmt.Errorf("invalid -only goal %q: use P1 to P6, separated by commas", g)
		}
		goals = append(goals, g)
	}
	return goals, nil
}

// runs reports whether any of goals is selected.
func (o *options) runs(goals ...string) bool {
	if len(o.only) == 0 {
		return true
	}
	for _, g := range goals {
		if slices.Contains(o.only, g) {
			return true
		}
	}
	return false
}

func main() {
	o, err := parseOptions(os.Args[1:])
	if err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		os.Exit(2)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	if o.baselineDir != "" {
		err = serveBaseline(ctx, o.baselineDir)
	} else {
		err = run(ctx, o, os.Stdout)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		os.Exit(1)
	}
}

// run executes the selected goals in a temporary folder and writes the report to w.
func run(ctx context.Context, o *options, w io.Writer) (err error) {
	tmp, err := os.MkdirTemp("", "igsource-bench-")
	if err != nil {
		return err
	}
	// The folder, with the logs of igsource and the baseline, stays after a failed run.
	defer func() {
		if err != nil {
			progress("Kept %s with the logs of the failed run", tmp)
			return
		}
		os.RemoveAll(tmp)
	}()
	started := time.Now()
	rep := &report{loadStart: loadAverage()}
	if o.profileDir != "" {
		return runProfile(ctx, o, tmp)
	}
	if o.runs("P1", "P2", "P3") {
		if rep.load, err = runHTTP(ctx, o, tmp); err != nil {
			return err
		}
	}
	if err := runInProcess(ctx, o, tmp, rep); err != nil {
		return err
	}
	rep.elapsed = time.Since(started)
	return rep.write(w, o)
}

// runInProcess runs the goals that use an in-process igsource, P4 to P6, and stores their
// results in rep.
func runInProcess(ctx context.Context, o *options, tmp string, rep *report) (err error) {
	if o.runs("P4", "P5") {
		if err := runRig(ctx, tmp, "calls", func(r *rig) error {
			// P5 runs first: the hashtag media of P4 start background downloads, whose
			// generated files would take CPU time from the timed queries.
			if o.runs("P5") {
				progress("P5: timing %d cold queries per case", o.coldQueries)
				if rep.overhead, err = runOverhead(ctx, r, o.coldQueries); err != nil {
					return err
				}
			}
			if o.runs("P4") {
				progress("P4: counting Graph API calls of cold queries")
				rep.calls, err = runUpstream(ctx, r)
			}
			return err
		}); err != nil {
			return err
		}
	}
	if o.runs("P6") {
		if err := runRig(ctx, tmp, "memory", func(r *rig) error {
			progress("P6: caching %d instances of %d media", o.instances, o.mediaEach)
			rep.memory, err = runMemory(ctx, r, o.instances, o.mediaEach)
			return err
		}); err != nil {
			return err
		}
	}
	return nil
}

// runHTTP builds and starts igsource and the baseline and runs the load scenarios of P1 to P3.
func runHTTP(ctx context.Context, o *options, tmp string) ([]pairResult, error) {
	progress("Building igsource")
	bin, err := buildIgsource(ctx, tmp)
	if err != nil {
		return nil, err
	}
	data, files := tmp+"/data", tmp+"/baseline"
	for _, d := range []string{data, files} {
		if err := os.Mkdir(d, 0o700); err != nil {
			return nil, err
		}
	}

	demo, err := startDemo(ctx, bin, data, tmp+"/igsource.log")
	if err != nil {
		return nil, err
	}
	defer demo.stop()
	client := loadClient(o.load.Conns)
	fx, err := recordFixtures(ctx, client, demo.baseURL, files)
	if err != nil {
		return nil, err
	}
	control, err := startBaseline(files, tmp+"/baseline.log")
	if err != nil {
		return nil, err
	}
	defer control.stop()

	cases, err := httpCases(demo.baseURL, control.baseURL, fx)
	if err != nil {
		return nil, err
	}
	var results []pairResult
	for _, c := range cases {
		if !o.runs(c.id) {
			continue
		}
		progress("%s: %s, %d pairs of %s", c.id, c.name, o.load.Pairs, o.load.Duration)
		res := runPairs(ctx, c.id+" "+c.name, client, o.load,
			side{next: c.subject, pid: demo.pid()}, side{next: c.control, pid: control.pid()})
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		res.Goal = c.id
		results = append(results, res)
	}
	return results, nil
}

// runRig builds an in-process igsource in a folder of tmp, runs f on it and closes it.
func runRig(ctx context.Context, tmp, name string, f func(r *rig) error) error {
	dir := tmp + "/" + name
	if err := os.Mkdir(dir, 0o700); err != nil {
		return err
	}
	r, err := newRig(ctx, dir)
	if err != nil {
		return err
	}
	defer r.close()
	return f(r)
}

// loadClient returns a client that keeps one idle connection per load worker, so that no run
// measures connection setup.
func loadClient(conns int) *http.Client {
	return &http.Client{
		Timeout: 30 * time.Second,
		Transport: &http.Transport{
			MaxIdleConns:        2 * conns,
			MaxIdleConnsPerHost: conns,
			DisableCompression:  true,
		},
	}
}

// progress prints a status line on standard error.
func progress(format string, args ...any) {
	fmt.Fprintf(os.Stderr, "%s  %s\n", time.Now().Format(time.TimeOnly), fmt.Sprintf(format, args...))
}
