package main

import (
	"context"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"runtime"
	"runtime/pprof"
	"strings"
	"time"
)

// runProfile serves the warm scenarios of P1 to P3 from an in-process igsource and writes,
// for each, a CPU profile taken while it runs under load and the allocation profile after it.
// The load generator runs in the same process, so its own functions appear in the profiles;
// focus on igsource's packages with `go tool pprof -focus igsource`.
func runProfile(ctx context.Context, o *options, tmp string) error {
	if err := os.MkdirAll(o.profileDir, 0o755); err != nil {
		return err
	}
	return runRig(ctx, tmp, "profile", func(r *rig) error {
		if err := r.addInstance(ctx, "demo", false); err != nil {
			return err
		}
		files := filepath.Join(tmp, "fixtures")
		if err := os.Mkdir(files, 0o700); err != nil {
			return err
		}
		client := loadClient(o.load.Conns)
		fx, err := recordFixtures(ctx, client, r.api.URL, files)
		if err != nil {
			return err
		}
		// The baseline URLs are unused here: only the igsource side is profiled.
		cases, err := httpCases(r.api.URL, r.api.URL, fx)
		if err != nil {
			return err
		}
		d := o.load.Duration * time.Duration(o.load.Pairs)
		for i, c := range cases {
			if !o.runs(c.id) {
				continue
			}
			name := fmt.Sprintf("%d-%s", i+1, strings.ToLower(c.id))
			progress("Profiling %s %s for %s", c.id, c.name, d)
			runLoad(ctx, client, o.load.Conns, o.load.Warmup, c.subject)
			if err := profileCase(ctx, o, filepath.Join(o.profileDir, name), d, client, c.subject); err != nil {
				return err
			}
		}
		if !o.runs("P5") {
			return nil
		}
		// Cold queries run one at a time, as P5 times them.
		if err := r.addInstance(ctx, "cold", false); err != nil {
			return err
		}
		body, err := graphqlBody(coldQuery)
		if err != nil {
			return err
		}
		progress("Profiling P5 cold GraphQL queries for %s", d)
		return profileCase(ctx, &options{load: loadConfig{Conns: 1}}, filepath.Join(o.profileDir, "5-p5"), d, client,
			post(r.api.URL+"/graphql", body))
	})
}

// profileCase runs next under load for d with the CPU profiler on and writes the CPU profile
// to base.cpu.pprof. It also writes the allocation profile before and after the run, to
// base.allocs-before.pprof and base.allocs.pprof. Allocation counts are cumulative, so compare
// the two with `go tool pprof -sample_index=alloc_space -diff_base BEFORE AFTER`.
func profileCase(ctx context.Context, o *options, base string, d time.Duration, client *http.Client, next request) error {
	if err := writeAllocs(base + ".allocs-before.pprof"); err != nil {
		return err
	}
	cpu, err := os.Create(base + ".cpu.pprof")
	if err != nil {
		return err
	}
	defer cpu.Close()
	if err := pprof.StartCPUProfile(cpu); err != nil {
		return err
	}
	res := runLoad(ctx, client, o.load.Conns, d, next)
	pprof.StopCPUProfile()
	progress("  %.0f req/s, p50 %s, p99 %s, %d errors", res.Throughput, ms(res.P50), ms(res.P99), res.Errors)
	return writeAllocs(base + ".allocs.pprof")
}

func writeAllocs(path string) error {
	runtime.GC() // the heap profile shows the state as of the last collection
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	if err := pprof.Lookup("allocs").WriteTo(f, 0); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}
