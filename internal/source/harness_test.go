package source

import (
	"bytes"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/igsource/igsource/internal/clock"
	"github.com/igsource/igsource/internal/instagram"
	"github.com/igsource/igsource/internal/secrets"
	"github.com/igsource/igsource/internal/store"
	"github.com/igsource/igsource/internal/testutil"
)

// testNow is the fake clock's start.
var testNow = time.Date(2024, 6, 1, 12, 0, 0, 0, time.UTC)

// harness is a Service over a real SQLite store, the real Instagram client and an in-test
// registry, pointed at a Graph server at baseURL.
type harness struct {
	store    *store.Store
	clock    *clock.Fake
	registry *testRegistry
	service  *Service
	logs     *testutil.SyncBuffer
}

func newHarness(t *testing.T, baseURL string) *harness {
	t.Helper()
	return newHarnessWithClock(t, baseURL, clock.NewFake(testNow))
}

func newHarnessWithClock(t *testing.T, baseURL string, clk *clock.Fake) *harness {
	t.Helper()
	sealer, err := secrets.NewSealer(bytes.Repeat([]byte{7}, 32))
	if err != nil {
		t.Fatal(err)
	}
	st, err := store.Open(t.Context(), filepath.Join(t.TempDir(), "igsource.db"), sealer, clk)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	logs := &testutil.SyncBuffer{}
	logger := slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	client, err := instagram.New(instagram.Config{
		InstagramBaseURL:  baseURL + "/graph.instagram.com",
		FacebookBaseURL:   baseURL + "/graph.facebook.com",
		InstagramOAuthURL: baseURL + "/api.instagram.com",
		Clock:             clk,
		Logger:            logger,
	})
	if err != nil {
		t.Fatal(err)
	}
	reg := &testRegistry{}
	svc, err := New(Deps{Store: st, Client: client, Media: reg, Clock: clk, Logger: logger})
	if err != nil {
		t.Fatal(err)
	}
	return &harness{store: st, clock: clk, registry: reg, service: svc, logs: logs}
}

// addInstagramInstance stores an Instagram Login account and an instance reading it.
func (h *harness) addInstagramInstance(t *testing.T, name, userID, token string, cacheSeconds int) *store.Instance {
	t.Helper()
	acct := &store.Account{Kind: instagram.KindInstagram, UserID: userID, Username: "user" + userID, Token: token}
	if err := h.store.CreateAccount(t.Context(), acct); err != nil {
		t.Fatal(err)
	}
	inst := &store.Instance{Name: name, AccountID: acct.ID, CacheSeconds: cacheSeconds}
	if err := h.store.CreateInstance(t.Context(), inst); err != nil {
		t.Fatal(err)
	}
	return inst
}

// fakeGraph serves fixed /media pages per token, so a test controls every byte Meta sends.
// A page body's "NEXT" placeholder becomes the link to the following page.
type fakeGraph struct {
	srv   *httptest.Server
	mu    sync.Mutex
	pages map[string][]string // by access token
	fails map[string]string   // error bodies by access token, sent with HTTP 400
	calls []graphRequest      // every request, in order
}

type graphRequest struct {
	path, token string
	query       map[string][]string
}

var (
	mediaPath  = regexp.MustCompile(`^/graph\.instagram\.com/v[0-9.]+/([0-9]+|me)/media$`)
	singlePath = regexp.MustCompile(`^/graph\.instagram\.com/v[0-9.]+/[0-9]+$`)
)

func newFakeGraph(t *testing.T) *fakeGraph {
	g := &fakeGraph{pages: map[string][]string{}, fails: map[string]string{}}
	g.srv = httptest.NewServer(http.HandlerFunc(g.serve))
	t.Cleanup(g.srv.Close)
	return g
}

func (g *fakeGraph) setPages(token string, pages ...string) {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.pages[token] = pages
}

// fail makes every request with token return a Graph error with code, until cleared with 0.
func (g *fakeGraph) fail(token string, code int) {
	g.mu.Lock()
	defer g.mu.Unlock()
	if code == 0 {
		delete(g.fails, token)
		return
	}
	g.fails[token] = fmt.Sprintf(`{"error":{"message":"(#%d) failure","type":"OAuthException","code":%d}}`, code, code)
}

func (g *fakeGraph) requests() []graphRequest {
	g.mu.Lock()
	defer g.mu.Unlock()
	return append([]graphRequest(nil), g.calls...)
}

func (g *fakeGraph) serve(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	token := q.Get("access_token")
	g.mu.Lock()
	g.calls = append(g.calls, graphRequest{path: r.URL.Path, token: token, query: q})
	pages := g.pages[token]
	failure := g.fails[token]
	g.mu.Unlock()
	if failure != "" {
		w.WriteHeader(http.StatusBadRequest)
		fmt.Fprint(w, failure)
		return
	}
	if singlePath.MatchString(r.URL.Path) && pages != nil {
		w.WriteHeader(http.StatusBadRequest)
		fmt.Fprint(w, `{"error":{"message":"Unsupported get request. Object with ID '1' does not exist, cannot be loaded due to missing permissions, or does not support this operation","type":"IGApiException","code":100,"error_subcode":33}}`)
		return
	}
	if !mediaPath.MatchString(r.URL.Path) || pages == nil {
		w.WriteHeader(http.StatusBadRequest)
		fmt.Fprint(w, `{"error":{"message":"Invalid OAuth access token - Cannot parse access token","type":"OAuthException","code":190}}`)
		return
	}
	n, _ := strconv.Atoi(q.Get("page"))
	if n >= len(pages) {
		http.Error(w, "no such page", http.StatusNotFound)
		return
	}
	next, _ := json.Marshal(g.srv.URL + r.URL.Path + "?page=" + strconv.Itoa(n+1) + "&access_token=" + token)
	w.Header().Set("Content-Type", "application/json")
	fmt.Fprint(w, strings.Replace(pages[n], `"NEXT"`, string(next), 1))
}

// mediaItem returns one media object as Meta sends it, with a CDN link unless typ is "".
func mediaItem(id, typ, timestamp string) string {
	m := map[string]any{"id": id, "media_type": typ, "username": "demo",
		"media_url": "https://scontent.cdninstagram.com/v/" + id + ".jpg?oe=650CEAF2"}
	if timestamp != "" {
		m["timestamp"] = timestamp
	}
	b, _ := json.Marshal(m)
	return string(b)
}

// page returns a /media page of items, with a next link when next is true.
func page(next bool, items ...string) string {
	body := `{"data":[` + strings.Join(items, ",") + `]`
	if next {
		body += `,"paging":{"cursors":{"after":"A"},"next":"NEXT"}`
	}
	return body + "}"
}

// itemsFrom returns n image items with ids start, start+1, ..., one hour apart going back.
func itemsFrom(start, n int) []string {
	out := make([]string, n)
	for i := range out {
		ts := testNow.Add(-time.Duration(start+i) * time.Hour).Format("2006-01-02T15:04:05-0700")
		out[i] = mediaItem(strconv.Itoa(17890000000000000+start+i), "IMAGE", ts)
	}
	return out
}

func ids(media []Media) []string {
	out := []string{}
	for _, m := range media {
		out = append(out, m.ID)
	}
	return out
}
