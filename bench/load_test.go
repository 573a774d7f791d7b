package main

import (
	"os"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

func TestParseGoals(t *testing.T) {
	tests := []struct {
		name    string
		list    string
		want    []string
		wantErr bool
	}{
		{name: "empty runs all", list: "", want: nil},
		{name: "one goal", list: "P4", want: []string{"P4"}},
		{name: "lower case and spaces", list: "p1, p6", want: []string{"P1", "P6"}},
		{name: "unknown goal", list: "P1,P7", wantErr: true},
		{name: "empty item", list: "P1,", wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := parseGoals(tt.list)
			if (err != nil) != tt.wantErr {
				t.Fatalf("parseGoals(%q) error = %v, want error %t", tt.list, err, tt.wantErr)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("parseGoals(%q) mismatch (-want +got):\n%s", tt.list, diff)
			}
		})
	}
}

func TestPercentile(t *testing.T) {
	sorted := []time.Duration{1, 2, 3, 4, 5, 6, 7, 8, 9, 10}
	tests := []struct {
		name string
		q    float64
		want time.Duration
	}{
		{name: "median", q: 0.5, want: 5},
		{name: "p99", q: 0.99, want: 9},
		{name: "minimum", q: 0, want: 1},
		{name: "maximum", q: 1, want: 10},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := percentile(sorted, tt.q); got != tt.want {
				t.Errorf("percentile(%v) = %v, want %v", tt.q, got, tt.want)
			}
		})
	}
	if got := percentile(nil, 0.5); got != 0 {
		t.Errorf("percentile of no latencies = %v, want 0", got)
	}
}

func TestPairRatios(t *testing.T) {
	run := func(throughput float64, requests int, cpu time.Duration) loadResult {
		return loadResult{Throughput: throughput, Requests: requests, CPU: cpu}
	}
	// Pair ratios of throughput: 0.5, 0.25 and 1; of CPU per request: 2, 4 and 1.
	p := pairResult{
		Subject:  []loadResult{run(50, 100, 200*time.Millisecond), run(50, 100, 400*time.Millisecond), run(100, 100, 100*time.Millisecond)},
		Baseline: []loadResult{run(100, 100, 100*time.Millisecond), run(200, 100, 100*time.Millisecond), run(100, 100, 100*time.Millisecond)},
	}
	throughput, cpu := p.ratios()
	if throughput != 0.5 {
		t.Errorf("throughput ratio = %v, want the median 0.5", throughput)
	}
	if cpu != 2 {
		t.Errorf("CPU ratio = %v, want the median 2", cpu)
	}
}

func TestProcessCPUOfSelf(t *testing.T) {
	if _, err := os.Stat("/proc/self/stat"); err != nil {
		t.Skip("no /proc on this system")
	}
	if _, err := processCPU(os.Getpid()); err != nil {
		t.Errorf("processCPU(own pid) error = %v", err)
	}
	if _, err := processCPU(0); err == nil {
		t.Error("processCPU(0) returned no error")
	}
}
