package emulator_test

import (
	"bytes"
	"encoding/json"
	"io"
	"maps"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/igsource/igsource/internal/clock"
	"github.com/igsource/igsource/internal/emulator"
)

// start is the fake clock's time in every test.
var start = time.Date(2026, 3, 10, 12, 0, 0, 0, time.UTC)

// fixture is an emulator behind an httptest server with a fake clock and demo tokens.
type fixture struct {
	e        *emulator.Emulator
	srv      *httptest.Server
	clock    *clock.Fake
	tokens   emulator.DemoTokens
	accounts emulator.DemoAccounts
}

func newFixture(t *testing.T, opts emulator.Options) *fixture {
	t.Helper()
	fake := clock.NewFake(start)
	opts.Clock = fake
	if opts.ImageSide == 0 {
		opts.ImageSide = 32 // small images keep tests fast; the seeded large image stays 1080
	}
	if opts.VideoBytes == 0 {
		opts.VideoBytes = 4096
	}
	e := emulator.New(opts)
	srv := httptest.NewServer(e.Handler())
	t.Cleanup(srv.Close)
	e.SetBaseURL(srv.URL)
	return &fixture{e: e, srv: srv, clock: fake, tokens: e.DemoTokens(60 * 24 * time.Hour),
		accounts: e.Accounts()}
}

// response is a recorded HTTP response.
type response struct {
	status int
	header http.Header
	body   []byte
}

// ig returns a graph.instagram.com URL with the Instagram token and the given parameters.
func (f *fixture) ig(path string, params ...string) string {
	return f.e.InstagramBaseURL() + path + "?" + query(append(params, "access_token", f.tokens.Instagram)...)
}

// fb returns a graph.facebook.com URL with the Facebook token and the given parameters.
func (f *fixture) fb(path string, params ...string) string {
	return f.e.FacebookBaseURL() + path + "?" + query(append(params, "access_token", f.tokens.Facebook)...)
}

// query encodes name, value pairs in order.
func query(pairs ...string) string {
	var parts []string
	for i := 0; i+1 < len(pairs); i += 2 {
		parts = append(parts, url.QueryEscape(pairs[i])+"="+url.QueryEscape(pairs[i+1]))
	}
	return strings.Join(parts, "&")
}

// get sends a GET with optional header name, value pairs.
func get(t *testing.T, rawURL string, header ...string) response {
	t.Helper()
	req, err := http.NewRequestWithContext(t.Context(), http.MethodGet, rawURL, nil)
	if err != nil {
		t.Fatalf("build request %s: %v", rawURL, err)
	}
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("GET %s: %v", rawURL, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("read body of %s: %v", rawURL, err)
	}
	return response{status: resp.StatusCode, header: resp.Header, body: body}
}

// object decodes the body as a JSON object, keeping numbers exact.
func (r response) object(t *testing.T) map[string]any {
	t.Helper()
	var v map[string]any
	dec := json.NewDecoder(bytes.NewReader(r.body))
	dec.UseNumber()
	if err := dec.Decode(&v); err != nil {
		t.Fatalf("decode body %s: %v", r.body, err)
	}
	return v
}

// okObject asserts a 200 response and decodes it.
func (r response) okObject(t *testing.T) map[string]any {
	t.Helper()
	if r.status != http.StatusOK {
		t.Fatalf("status = %d, want 200; body %s", r.status, r.body)
	}
	return r.object(t)
}

// graphError is the decoded error envelope.
type graphError struct {
	Message   string `json:"message"`
	Type      string `json:"type"`
	Code      int    `json:"code"`
	Subcode   *int   `json:"error_subcode"`
	FBTraceID string `json:"fbtrace_id"`
}

// graphErr decodes an error envelope and checks the HTTP status.
func (r response) graphErr(t *testing.T, status int) graphError {
	t.Helper()
	if r.status != status {
		t.Fatalf("status = %d, want %d; body %s", r.status, status, r.body)
	}
	var env struct {
		Error *graphError `json:"error"`
	}
	if err := json.Unmarshal(r.body, &env); err != nil || env.Error == nil {
		t.Fatalf("body %s is not a Graph error envelope: %v", r.body, err)
	}
	return *env.Error
}

// data returns the "data" array of a list response.
func data(t *testing.T, body map[string]any) []map[string]any {
	t.Helper()
	raw, ok := body["data"].([]any)
	if !ok {
		t.Fatalf("body has no data array: %v", body)
	}
	out := make([]map[string]any, len(raw))
	for i, item := range raw {
		out[i] = item.(map[string]any)
	}
	return out
}

// keys returns the member names of an object, sorted.
func keys(m map[string]any) []string {
	return slices.Sorted(maps.Keys(m))
}

// allMedia pages through /me/media on graph.instagram.com and returns every item.
func (f *fixture) allMedia(t *testing.T, fields string) []map[string]any {
	t.Helper()
	next := f.ig("/me/media", "fields", fields, "limit", "100")
	var items []map[string]any
	for next != "" {
		body := get(t, next).okObject(t)
		items = append(items, data(t, body)...)
		next = ""
		if paging, ok := body["paging"].(map[string]any); ok {
			next, _ = paging["next"].(string)
		}
	}
	return items
}

// findMedia returns the first item that satisfies match.
func findMedia(t *testing.T, items []map[string]any, what string, match func(map[string]any) bool) map[string]any {
	t.Helper()
	for _, m := range items {
		if match(m) {
			return m
		}
	}
	t.Fatalf("no media is %s", what)
	return nil
}

func sorted(s []string) []string {
	return slices.Sorted(slices.Values(s))
}
