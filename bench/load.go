package main

import (
	"context"
	"io"
	"net/http"
	"slices"
	"sync"
	"time"
)

// request builds one HTTP request of a load run. Each worker calls it once per request, so a
// scenario can vary ranges or bodies.
type request func(ctx context.Context, worker, n int) (*http.Request, error)

// loadResult is the measurement of one closed-loop run.
type loadResult struct {
	Requests   int
	Errors     int
	Duration   time.Duration
	Throughput float64 // requests per second
	P50, P99   time.Duration
	Bytes      int64
	CPU        time.Duration // user and system CPU time of the server process during the run
}

// cpuPerRequest returns the server's CPU time per request, or 0 when it was not measured.
func (r loadResult) cpuPerRequest() time.Duration {
	if r.Requests == 0 {
		return 0
	}
	return r.CPU / time.Duration(r.Requests)
}

// runLoad sends the requests of next from conns workers for d. Each worker sends its next
// request as soon as it has read the previous response body, a closed loop as in wrk.
// Responses with a status of 300 or more count as errors.
func runLoad(ctx context.Context, client *http.Client, conns int, d time.Duration, next request) loadResult {
	ctx, cancel := context.WithTimeout(ctx, d)
	defer cancel()
	var (
		mu        sync.Mutex
		latencies []time.Duration
		errs      int
		bytes     int64
	)
	start := time.Now()
	var wg sync.WaitGroup
	for w := range conns {
		wg.Go(func() {
			local := make([]time.Duration, 0, 4096)
			var localErrs int
			var localBytes int64
			for n := 0; ctx.Err() == nil; n++ {
				req, err := next(ctx, w, n)
				if err != nil {
					localErrs++
					break
				}
				t0 := time.Now()
				resp, err := client.Do(req)
				if err != nil {
					if ctx.Err() == nil {
						localErrs++
					}
					continue
				}
				written, _ := io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
				if ctx.Err() != nil {
					break // a response cut short by the deadline is not counted
				}
				if resp.StatusCode >= 300 {
					localErrs++
					continue
				}
				local = append(local, time.Since(t0))
				localBytes += written
			}
			mu.Lock()
			latencies = append(latencies, local...)
			errs += localErrs
			bytes += localBytes
			mu.Unlock()
		})
	}
	wg.Wait()
	elapsed := time.Since(start)
	slices.Sort(latencies)
	return loadResult{
		Requests:   len(latencies),
		Errors:     errs,
		Duration:   elapsed,
		Throughput: float64(len(latencies)) / elapsed.Seconds(),
		P50:        percentile(latencies, 0.50),
		P99:        percentile(latencies, 0.99),
		Bytes:      bytes,
	}
}

// percentile returns the q-quantile of sorted latencies, or 0 for none.
func percentile(sorted []time.Duration, q float64) time.Duration {
	if len(sorted) == 0 {
		return 0
	}
	i := int(q * float64(len(sorted)-1))
	return sorted[i]
}

// pairResult contains the alternating runs of one scenario: the igsource case and its baseline.
type pairResult struct {
	Goal     string // P1, P2 or P3
	Name     string
	Subject  []loadResult
	Baseline []loadResult
}

// medians returns the median throughput, p50 and p99 of runs.
func medians(runs []loadResult) (throughput float64, p50, p99 time.Duration) {
	tp := make([]float64, len(runs))
	a := make([]time.Duration, len(runs))
	b := make([]time.Duration, len(runs))
	for i, r := range runs {
		tp[i], a[i], b[i] = r.Throughput, r.P50, r.P99
	}
	slices.Sort(tp)
	slices.Sort(a)
	slices.Sort(b)
	m := len(runs) / 2
	return tp[m], a[m], b[m]
}

// errorsOf sums the errors of runs.
func errorsOf(runs []loadResult) int {
	n := 0
	for _, r := range runs {
		n += r.Errors
	}
	return n
}

// side is one side of a comparison: its requests and the process that serves them.
type side struct {
	next request
	pid  int // the server process, whose CPU time is read from /proc
}

// runPairs runs subject and baseline alternately, pairs times each (A B A B ...), so that both
// see the same machine state over the run.
func runPairs(ctx context.Context, name string, client *http.Client, cfg loadConfig, subject, baseline side) pairResult {
	res := pairResult{Name: name}
	// One short warm-up of each, not recorded, so that connections and caches are set up.
	runLoad(ctx, client, cfg.Conns, cfg.Warmup, subject.next)
	runLoad(ctx, client, cfg.Conns, cfg.Warmup, baseline.next)
	for range cfg.Pairs {
		res.Subject = append(res.Subject, runMeasured(ctx, client, cfg, subject))
		res.Baseline = append(res.Baseline, runMeasured(ctx, client, cfg, baseline))
	}
	return res
}

// runMeasured runs one load run and adds the CPU time its server process spent meanwhile.
func runMeasured(ctx context.Context, client *http.Client, cfg loadConfig, s side) loadResult {
	before, errBefore := processCPU(s.pid)
	r := runLoad(ctx, client, cfg.Conns, cfg.Duration, s.next)
	after, errAfter := processCPU(s.pid)
	if errBefore == nil && errAfter == nil {
		r.CPU = after - before
	}
	return r
}

// ratios returns the medians, over the pairs, of the igsource/baseline throughput ratio and
// of the igsource/baseline CPU time per request. Each ratio compares two runs made one after
// the other, so a slow phase of the machine affects both of its sides.
func (p pairResult) ratios() (throughput, cpu float64) {
	tp := make([]float64, len(p.Subject))
	cp := make([]float64, len(p.Subject))
	for i := range p.Subject {
		s, b := p.Subject[i], p.Baseline[i]
		tp[i] = s.Throughput / b.Throughput
		if b.cpuPerRequest() > 0 {
			cp[i] = float64(s.cpuPerRequest()) / float64(b.cpuPerRequest())
		}
	}
	slices.Sort(tp)
	slices.Sort(cp)
	return tp[len(tp)/2], cp[len(cp)/2]
}

// medianCPU returns the median server CPU time per request of runs.
func medianCPU(runs []loadResult) time.Duration {
	c := make([]time.Duration, len(runs))
	for i, r := range runs {
		c[i] = r.cpuPerRequest()
	}
	slices.Sort(c)
	return c[len(c)/2]
}

// loadConfig sets the size of every load run.
type loadConfig struct {
	Conns    int
	Pairs    int
	Duration time.Duration
	Warmup   time.Duration
}
