package main

import (
	"context"
	"fmt"
	"net/http"
	"slices"
	"time"
)

// overheadRow is the cold latency of one query kind, split into the emulator's handler time
// and igsource's own time.
type overheadRow struct {
	Case              string
	Queries           int
	Total             [2]time.Duration // median and p99 of the whole request
	Upstream          [2]time.Duration // median and p99 of the emulator's handler time
	Overhead          [2]time.Duration // median and p99 of the request minus its handler time
	UpstreamCallsEach int
}

// coldQuery is the warm scenarios' GraphQL query with cache 0, so that every request reads
// from the emulator.
var coldQuery = fmt.Sprintf(`{ instance(name: "cold") { media(cache: 0) { %s children { %s children { id } } } } }`,
	mediaFields, mediaFields)

// runOverhead sends n cold GraphQL and REST media queries one after another to the in-process
// igsource and subtracts, from each one's latency, the time the emulator's handler took.
func runOverhead(ctx context.Context, r *rig, n int) ([]overheadRow, error) {
	if err := r.addInstance(ctx, "cold", false); err != nil {
		return nil, err
	}
	gql, err := graphqlBody(coldQuery)
	if err != nil {
		return nil, err
	}
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 1, DisableCompression: true}}
	cases := []struct {
		name string
		next request
	}{
		{"cold GraphQL media, every field, amount 20", post(r.api.URL+"/graphql", gql)},
		{"cold REST media, amount 20", get(r.api.URL + "/api/v1/instances/cold/media?cache=0")},
	}
	var rows []overheadRow
	for _, c := range cases {
		row, err := measureCold(ctx, r, client, c.next, n)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", c.name, err)
		}
		row.Case = c.name
		rows = append(rows, row)
	}
	return rows, nil
}

func measureCold(ctx context.Context, r *rig, client *http.Client, next request, n int) (overheadRow, error) {
	var total, upstream, overhead []time.Duration
	r.emu.ResetCalls()
	for i := range n + 1 {
		req, err := next(ctx, 0, i)
		if err != nil {
			return overheadRow{}, err
		}
		r.handlerNanos.Store(0)
		start := time.Now()
		if _, err := fetchRequest(client, req); err != nil {
			return overheadRow{}, err
		}
		elapsed := time.Since(start)
		if i == 0 {
			continue // the first request opens the connections on both sides
		}
		spent := time.Duration(r.handlerNanos.Load())
		total = append(total, elapsed)
		upstream = append(upstream, spent)
		overhead = append(overhead, elapsed-spent)
	}
	return overheadRow{
		Queries:           n,
		Total:             medianP99(total),
		Upstream:          medianP99(upstream),
		Overhead:          medianP99(overhead),
		UpstreamCallsEach: r.graphCalls() / (n + 1),
	}, nil
}

func medianP99(d []time.Duration) [2]time.Duration {
	slices.Sort(d)
	return [2]time.Duration{percentile(d, 0.5), percentile(d, 0.99)}
}
