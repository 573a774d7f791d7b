package graph_test

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/igsource/igsource/internal/apperr"
	"github.com/igsource/igsource/internal/graph"
	"github.com/igsource/igsource/internal/source"
	"github.com/igsource/igsource/internal/store"
)

// checkingQueries adds to fakeQueries the check of cached results that turns the response
// memo on. Every check returns current.
type checkingQueries struct {
	*fakeQueries

	mu      sync.Mutex
	current bool
	checked []string // the instance of each check
}

func (c *checkingQueries) Current(_ context.Context, instance string, meta source.Meta) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.checked = append(c.checked, instance)
	return c.current && meta.Key != ""
}

// cachedMeta is the Meta of a fresh result served from the cache.
var cachedMeta = source.Meta{Cached: true, FetchedAt: fetchedAt, Key: "v1/instance=7/media", MaxAge: 600 * time.Second}

// post sends body to the handler and returns the response body.
func post(t *testing.T, h http.Handler, body string) []byte {
	t.Helper()
	req := httptest.NewRequestWithContext(t.Context(), http.MethodPost, "/graphql", bytes.NewReader([]byte(body)))
	req.Header.Set("Content-Type", "application/json")
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	if rec.Code != http.StatusOK {
		t.Fatalf("status = %d, body %s", rec.Code, rec.Body)
	}
	if got, want := rec.Header().Get("Content-Length"), strconv.Itoa(rec.Body.Len()); got != "" && got != want {
		t.Errorf("Content-Length = %q, want %s", got, want)
	}
	return rec.Body.Bytes()
}

const memoQuery = `{"query":"{ instance(name: \"Instagram\") { media { id caption hashtags } } }"}`

func TestMemoServesCachedResponse(t *testing.T) {
	fake := newFake()
	fake.media.Meta = cachedMeta
	q := &checkingQueries{fakeQueries: fake, current: true}
	h := graph.NewHandler(q, graph.Options{})

	first := post(t, h, memoQuery)
	second := post(t, h, memoQuery)

	if diff := cmp.Diff(string(first), string(second)); diff != "" {
		t.Errorf("memo body differs from the executed one (-executed +memo):\n%s", diff)
	}
	if n := len(fake.mediaCalls); n != 1 {
		t.Errorf("media calls = %d, want 1", n)
	}
	if diff := cmp.Diff([]string{"Instagram"}, q.checked); diff != "" {
		t.Errorf("checked instances (-want +got):\n%s", diff)
	}
	var resp response
	if err := json.Unmarshal(second, &resp); err != nil {
		t.Fatal(err)
	}
	want := map[string]any{"igsource": map[string]any{"results": []any{
		map[string]any{"path": "instance.media", "cached": true, "stale": false, "fetchedAt": "2026-03-01T12:00:00Z"},
	}}}
	if diff := cmp.Diff(want, resp.Extensions); diff != "" {
		t.Errorf("extensions of the memo body (-want +got):\n%s", diff)
	}
}

func TestMemoBypassed(t *testing.T) {
	stale := cachedMeta
	stale.Stale = true
	fresh := cachedMeta
	fresh.Cached = false
	tests := []struct {
		name    string
		meta    source.Meta
		err     error
		current bool // the result of Current: false after a refresh or an instance change
		query   string
	}{
		{"refreshed or instance changed", cachedMeta, nil, false, memoQuery},
		{"stale", stale, nil, true, memoQuery},
		{"read from Instagram", fresh, nil, true, memoQuery},
		{"error", cachedMeta, apperr.New(apperr.Upstream, "Instagram is down"), true, memoQuery},
		{"instances list", cachedMeta, nil, true, `{"query":"{ instances { name media { id } } }"}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fake := newFake()
			fake.media.Meta = tt.meta
			fake.err = tt.err
			q := &checkingQueries{fakeQueries: fake, current: tt.current}
			h := graph.NewHandler(q, graph.Options{})

			post(t, h, tt.query)
			post(t, h, tt.query)

			if n := len(fake.mediaCalls); n != 2 {
				t.Errorf("media calls = %d, want 2", n)
			}
		})
	}
}

func TestMemoKeyedByVariables(t *testing.T) {
	fake := newFake()
	fake.media.Meta = cachedMeta
	h := graph.NewHandler(&checkingQueries{fakeQueries: fake, current: true}, graph.Options{})
	query := `query($n: Int) { instance(name: "Instagram") { media(amount: $n) { id } } }`
	for _, n := range []int{3, 4, 3} {
		body, err := json.Marshal(map[string]any{"query": query, "variables": map[string]any{"n": n}})
		if err != nil {
			t.Fatal(err)
		}
		post(t, h, string(body))
	}

	var amounts []int
	for _, call := range fake.mediaCalls {
		amounts = append(amounts, *call.Amount)
	}
	if diff := cmp.Diff([]int{3, 4}, amounts); diff != "" {
		t.Errorf("amounts executed (-want +got):\n%s", diff)
	}
}

func TestMemoOffWithoutChecker(t *testing.T) {
	fake := newFake()
	fake.media.Meta = cachedMeta
	h := graph.NewHandler(fake, graph.Options{})

	post(t, h, memoQuery)
	post(t, h, memoQuery)

	if n := len(fake.mediaCalls); n != 2 {
		t.Errorf("media calls = %d, want 2", n)
	}
}

// An instance with no content field is covered by no result that Current checks, so a
// change to it must not leave the memo serving its old fields.
func TestMemoBypassedForInstanceWithoutContent(t *testing.T) {
	fake := newFake()
	fake.media.Meta = cachedMeta
	fake.instances = append(fake.instances, store.Instance{ID: 8, Name: "Other", AccountID: 2, CacheSeconds: 600})
	h := graph.NewHandler(&checkingQueries{fakeQueries: fake, current: true}, graph.Options{})
	query := `{"query":"{ a: instance(name: \"Instagram\") { media { id } } ` +
		`b: instance(name: \"Other\") { defaultCache } }"}`

	post(t, h, query)
	fake.instances[1].CacheSeconds = 1200
	second := post(t, h, query)

	if n := len(fake.mediaCalls); n != 2 {
		t.Errorf("media calls = %d, want 2", n)
	}
	if !bytes.Contains(second, []byte(`"defaultCache":1200`)) {
		t.Errorf("second response = %s, want defaultCache 1200", second)
	}
}
