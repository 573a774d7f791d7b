package main

import (
	"fmt"
	"io"
	"os"
	"runtime"
	"strings"
	"time"
)

// Goals: the lowest igsource/baseline throughput ratio of each load goal, and the highest
// median overhead of a cold query.
var ratioGoals = map[string]float64{"P1": 0.8, "P2": 0.9, "P3": 0.9}

const overheadGoal = 2 * time.Millisecond

// report collects the results of one run.
type report struct {
	load     []pairResult
	calls    []callRow
	overhead []overheadRow
	memory   *memoryResult
	elapsed  time.Duration

	loadStart string // /proc/loadavg when the run started
}

// write prints the machine, the settings and one Markdown table per goal group.
func (rep *report) write(w io.Writer, o *options) error {
	p := &printer{w: w}
	p.printf("Machine: %d CPUs (%s), %s, %s/%s\n", runtime.NumCPU(), cpuModel(), runtime.Version(), runtime.GOOS, runtime.GOARCH)
	p.printf("Load average (1, 5, 15 minutes) at the start: %s; at the end: %s\n", rep.loadStart, loadAverage())
	p.printf("Settings: -duration %s -warmup %s -pairs %d -conns %d -cold %d -instances %d -media %d; whole run %s\n\n",
		o.load.Duration, o.load.Warmup, o.load.Pairs, o.load.Conns, o.coldQueries, o.instances, o.mediaEach,
		rep.elapsed.Round(time.Second))
	if len(rep.load) > 0 {
		rep.writeLoad(p)
	}
	if len(rep.calls) > 0 {
		rep.writeCalls(p)
	}
	if len(rep.overhead) > 0 {
		rep.writeOverhead(p)
	}
	if rep.memory != nil {
		rep.writeMemory(p)
	}
	return p.err
}

func (rep *report) writeLoad(p *printer) {
	p.printf("Throughput in requests per second, latency and server CPU time per request, medians of %d runs per side.\n", len(rep.load[0].Subject))
	p.printf("Ratios are medians of the igsource/baseline ratios of runs made one after the other.\n\n")
	p.printf("| Case | igsource req/s | p50 | p99 | CPU/req | baseline req/s | p50 | p99 | CPU/req | throughput ratio | CPU ratio | goal | met | errors | command |\n")
	p.printf("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|---:|---|\n")
	for _, r := range rep.load {
		st, s50, s99 := medians(r.Subject)
		bt, b50, b99 := medians(r.Baseline)
		ratio, cpu := r.ratios()
		goal := ratioGoals[r.Goal]
		p.printf("| %s | %.0f | %s | %s | %s | %.0f | %s | %s | %s | %.2f | %.1f | ≥ %.1f | %s | %d | %s |\n",
			r.Name, st, ms(s50), ms(s99), us(medianCPU(r.Subject)), bt, ms(b50), ms(b99), us(medianCPU(r.Baseline)),
			ratio, cpu, goal, yesNo(ratio >= goal), errorsOf(r.Subject)+errorsOf(r.Baseline), command(r.Goal))
	}
	p.printf("\n")
}

func (rep *report) writeCalls(p *printer) {
	p.printf("P4: Graph API calls of cold queries (CDN downloads not counted):\n\n")
	p.printf("| Case | calls | minimum | met | note | command |\n|---|---:|---:|---|---|---|\n")
	for _, c := range rep.calls {
		p.printf("| %s | %d | %d | %s | %s | %s |\n", c.Case, c.Calls, c.Minimum, yesNo(c.Calls <= c.Minimum), c.Note, command("P4"))
	}
	p.printf("\n")
}

func (rep *report) writeOverhead(p *printer) {
	p.printf("P5: latency of cold queries minus the emulator's handler time:\n\n")
	p.printf("| Case | queries | calls each | total p50 | emulator p50 | overhead p50 | overhead p99 | goal p50 | met | command |\n")
	p.printf("|---|---:|---:|---:|---:|---:|---:|---:|---|---|\n")
	for _, r := range rep.overhead {
		p.printf("| %s | %d | %d | %s | %s | %s | %s | < %s | %s | %s |\n", r.Case, r.Queries, r.UpstreamCallsEach,
			ms(r.Total[0]), ms(r.Upstream[0]), ms(r.Overhead[0]), ms(r.Overhead[1]), ms(overheadGoal),
			yesNo(r.Overhead[0] < overheadGoal), command("P5"))
	}
	p.printf("\n")
}

func (rep *report) writeMemory(p *printer) {
	m := rep.memory
	p.printf("P6: memory after caching instances of %d media each (Go heap after GC, and VmRSS of the benchmark process):\n\n", m.MediaEach)
	p.printf("| instances | files on disk | heap MiB | RSS MiB |\n|---:|---:|---:|---:|\n")
	for _, pt := range m.Points {
		p.printf("| %d | %d | %.1f | %.1f |\n", pt.Instances, pt.Files, mib(float64(pt.Heap)), mib(float64(pt.RSS)))
	}
	p.printf("\nGrowth per instance: heap %.0f KiB, RSS %.0f KiB (%s).\n\n", m.HeapPerInst/1024, m.RSSPerInst/1024, command("P6"))
}

// command returns the command that runs one goal alone.
func command(goal string) string {
	return "`go run ./bench -only " + goal + "`"
}

func ms(d time.Duration) string {
	return fmt.Sprintf("%.2f ms", float64(d)/float64(time.Millisecond))
}

func us(d time.Duration) string {
	return fmt.Sprintf("%.0f µs", float64(d)/float64(time.Microsecond))
}

func mib(b float64) float64 { return b / (1 << 20) }

func yesNo(ok bool) string {
	if ok {
		return "yes"
	}
	return "no"
}

// cpuModel returns the first "model name" of /proc/cpuinfo, or "unknown CPU".
func cpuModel() string {
	b, err := os.ReadFile("/proc/cpuinfo")
	if err != nil {
		return "unknown CPU"
	}
	for line := range strings.SplitSeq(string(b), "\n") {
		if k, v, ok := strings.Cut(line, ":"); ok && strings.TrimSpace(k) == "model name" {
			return strings.TrimSpace(v)
		}
	}
	return "unknown CPU"
}

// printer writes formatted text and keeps the first error.
type printer struct {
	w   io.Writer
	err error
}

func (p *printer) printf(format string, args ...any) {
	if p.err == nil {
		_, p.err = fmt.Fprintf(p.w, format, args...)
	}
}

// loadAverage returns the 1, 5 and 15 minute load averages from /proc/loadavg, which show
// whether other work shared the machine during the run.
func loadAverage() string {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "unknown"
	}
	f := strings.Fields(string(b))
	if len(f) < 3 {
		return "unknown"
	}
	return strings.Join(f[:3], " ")
}
