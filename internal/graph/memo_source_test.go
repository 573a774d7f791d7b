package graph_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"regexp"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/igsource/igsource/internal/clock"
	"github.com/igsource/igsource/internal/graph"
	"github.com/igsource/igsource/internal/instagram"
	"github.com/igsource/igsource/internal/media"
	"github.com/igsource/igsource/internal/secrets"
	"github.com/igsource/igsource/internal/source"
	"github.com/igsource/igsource/internal/store"
)

var mediaListPath = regexp.MustCompile(`^/graph\.instagram\.com/v[0-9.]+/([0-9]+|me)/media$`)

// graphAPI serves one /media page whose caption the test sets, or Meta's "service
// unavailable" error while failing is set.
type graphAPI struct {
	mu      sync.Mutex
	caption string
	failing bool
	calls   int
}

func (g *graphAPI) set(caption string, failing bool) {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.caption, g.failing = caption, failing
}

func (g *graphAPI) callCount() int {
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.calls
}

func (g *graphAPI) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	g.mu.Lock()
	g.calls++
	caption, failing := g.caption, g.failing
	g.mu.Unlock()
	w.Header().Set("Content-Type", "application/json")
	if failing || !mediaListPath.MatchString(r.URL.Path) {
		w.WriteHeader(http.StatusServiceUnavailable)
		fmt.Fprint(w, `{"error":{"message":"Service temporarily unavailable","type":"OAuthException","code":2}}`)
		return
	}
	item, _ := json.Marshal(map[string]any{"id": "17890000000000001", "media_type": "IMAGE",
		"caption": caption, "username": "demo", "timestamp": "2026-02-28T10:00:00+0000",
		"media_url": "https://scontent.cdninstagram.com/v/1.jpg?oe=650CEAF2"})
	fmt.Fprintf(w, `{"data":[%s]}`, item)
}

// nullRegistry builds media URLs under 127.0.0.1 and records nothing.
type nullRegistry struct{}

func (nullRegistry) Register(context.Context, []media.Registration) error { return nil }
func (nullRegistry) URL(ref media.Ref, _ bool) string {
	return "http://127.0.0.1/media/" + ref.String()
}
func (nullRegistry) PublicURL() string { return "http://127.0.0.1" }

// sourceEnv is the GraphQL handler over a real source layer and SQLite store, reading from
// an in-test Graph API.
type sourceEnv struct {
	api     *graphAPI
	clock   *clock.Fake
	store   *store.Store
	service *source.Service
	handler http.Handler
	inst    *store.Instance
}

func newSourceEnv(t *testing.T) *sourceEnv {
	t.Helper()
	env := &sourceEnv{api: &graphAPI{caption: "first"}, clock: clock.NewFake(time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC))}
	srv := httptest.NewServer(env.api)
	t.Cleanup(srv.Close)
	sealer, err := secrets.NewSealer(bytes.Repeat([]byte{7}, 32))
	if err != nil {
		t.Fatal(err)
	}
	env.store, err = store.Open(t.Context(), filepath.Join(t.TempDir(), "igsource.db"), sealer, env.clock)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { env.store.Close() })
	client, err := instagram.New(instagram.Config{
		InstagramBaseURL:  srv.URL + "/graph.instagram.com",
		FacebookBaseURL:   srv.URL + "/graph.facebook.com",
		InstagramOAuthURL: srv.URL + "/api.instagram.com",
		Clock:             env.clock,
	})
	if err != nil {
		t.Fatal(err)
	}
	env.service, err = source.New(source.Deps{Store: env.store, Client: client, Media: nullRegistry{}, Clock: env.clock})
	if err != nil {
		t.Fatal(err)
	}
	acct := &store.Account{Kind: instagram.KindInstagram, UserID: "17841400000000001", Username: "demo", Token: "IGAAtoken"}
	if err := env.store.CreateAccount(t.Context(), acct); err != nil {
		t.Fatal(err)
	}
	env.inst = &store.Instance{Name: "A", AccountID: acct.ID, CacheSeconds: 60}
	if err := env.store.CreateInstance(t.Context(), env.inst); err != nil {
		t.Fatal(err)
	}
	env.handler = graph.NewHandler(env.service, graph.Options{})
	return env
}

// result is what a test reads from one response.
type result struct {
	Caption string
	Cached  bool
	Stale   bool
	Errors  int
}

func (env *sourceEnv) query(t *testing.T, amount int) result {
	t.Helper()
	body := fmt.Sprintf(`{"query":"{ instance(name: \"A\") { media(amount: %d) { caption } } }"}`, amount)
	raw := post(t, env.handler, body)
	var resp struct {
		Data struct {
			Instance *struct {
				Media []struct{ Caption string }
			}
		}
		Errors     []any
		Extensions struct {
			Igsource struct {
				Results []struct{ Cached, Stale bool }
			}
		}
	}
	if err := json.Unmarshal(raw, &resp); err != nil {
		t.Fatalf("decode %s: %v", raw, err)
	}
	var got result
	got.Errors = len(resp.Errors)
	if resp.Data.Instance != nil && len(resp.Data.Instance.Media) > 0 {
		got.Caption = resp.Data.Instance.Media[0].Caption
	}
	if results := resp.Extensions.Igsource.Results; len(results) == 1 {
		got.Cached, got.Stale = results[0].Cached, results[0].Stale
	}
	return got
}

func TestMemoWithSourceLayer(t *testing.T) {
	env := newSourceEnv(t)
	type step struct {
		name   string
		before func(t *testing.T)
		amount int
		want   result
	}
	steps := []step{
		{"first read", func(*testing.T) {}, 20, result{Caption: "first"}},
		{"cached", func(*testing.T) {}, 20, result{Caption: "first", Cached: true}},
		{"memo", func(*testing.T) {}, 20, result{Caption: "first", Cached: true}},
		{"refresh", func(*testing.T) {
			env.api.set("second", false)
			env.clock.Advance(time.Minute)
		}, 20, result{Caption: "second"}},
		{"cached after refresh", func(*testing.T) {}, 20, result{Caption: "second", Cached: true}},
		{"memo after refresh", func(*testing.T) {}, 20, result{Caption: "second", Cached: true}},
		{"stale", func(*testing.T) {
			env.api.set("third", true)
			env.clock.Advance(time.Minute)
		}, 20, result{Caption: "second", Cached: true, Stale: true}},
		{"stale again", func(*testing.T) {}, 20, result{Caption: "second", Cached: true, Stale: true}},
		{"error", func(*testing.T) {}, 5, result{Errors: 1}},
		{"recovered", func(*testing.T) { env.api.set("fourth", false) }, 20, result{Caption: "fourth"}},
		{"cached after recovery", func(*testing.T) {}, 20, result{Caption: "fourth", Cached: true}},
		{"instance changed elsewhere", func(t *testing.T) {
			env.api.set("fifth", false)
			changed := *env.inst
			changed.CacheSeconds = 120
			if err := env.store.UpdateInstance(t.Context(), &changed); err != nil {
				t.Fatal(err)
			}
			env.clock.Advance(source.InstanceTTL)
		}, 20, result{Caption: "fifth"}},
		{"instance invalidated", func(t *testing.T) {
			env.api.set("sixth", false)
			if err := env.service.InvalidateInstance(t.Context(), env.inst.ID); err != nil {
				t.Fatal(err)
			}
		}, 20, result{Caption: "sixth"}},
		{"memo after invalidation", func(*testing.T) {}, 20, result{Caption: "sixth", Cached: true}},
	}
	for _, s := range steps {
		s.before(t)
		got := env.query(t, s.amount)
		if diff := cmp.Diff(s.want, got); diff != "" {
			t.Errorf("%s: response (-want +got):\n%s", s.name, diff)
		}
	}
	// One call each for the first read, the refresh, the two failed refreshes, the error,
	// the recovery, the changed instance and the invalidated one.
	if got := env.api.callCount(); got != 8 {
		t.Errorf("Graph API calls = %d, want 8", got)
	}
}
