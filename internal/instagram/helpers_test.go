package instagram

import (
	"bytes"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/igsource/igsource/internal/clock"
)

// Placeholder credentials of the fake Meta server.
var (
	facebookCred  = Credentials{Kind: KindFacebook, Token: "EAA_TEST_TOKEN", UserID: "17841400000000001"}
	instagramCred = Credentials{Kind: KindInstagram, Token: "IGAA_TEST_TOKEN", UserID: "17841400000000002"}
	testApp       = AppCredentials{ID: "990000000000001", Secret: "APP_SECRET_PLACEHOLDER"}
	testNow       = time.Date(2024, 5, 2, 12, 0, 0, 0, time.UTC)
)

// route is a canned response of the fake Meta server.
type route struct {
	file   string // fixture under testdata; its {{base}} becomes the host's base URL
	body   string // used when file is empty
	status int    // 200 when 0
	header map[string]string
}

// recordedRequest is what the fake Meta server received.
type recordedRequest struct {
	Method   string
	Path     string
	RawQuery string
	Form     string
}

// fakeMeta serves canned responses under the emulator's host path prefixes. Routes are keyed by
// "METHOD /path", or "METHOD /path?after=CURSOR" for a later page.
type fakeMeta struct {
	t      *testing.T
	server *httptest.Server
	routes map[string]route

	mu       sync.Mutex
	requests []recordedRequest
}

func newFakeMeta(t *testing.T, routes map[string]route) *fakeMeta {
	t.Helper()
	f := &fakeMeta{t: t, routes: routes}
	f.server = httptest.NewServer(http.HandlerFunc(f.serve))
	t.Cleanup(f.server.Close)
	return f
}

func (f *fakeMeta) serve(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	f.mu.Lock()
	f.requests = append(f.requests, recordedRequest{r.Method, r.URL.Path, r.URL.RawQuery, string(body)})
	f.mu.Unlock()

	key := r.Method + " " + r.URL.Path
	if after := r.URL.Query().Get("after"); after != "" {
		if _, ok := f.routes[key+"?after="+after]; ok {
			key += "?after=" + after
		}
	}
	rt, ok := f.routes[key]
	if !ok {
		w.WriteHeader(http.StatusNotFound)
		_, _ = io.WriteString(w, `{"error":{"message":"no route in test","type":"OAuthException","code":803}}`)
		return
	}
	data := []byte(rt.body)
	if rt.file != "" {
		var err error
		if data, err = os.ReadFile(filepath.Join("testdata", rt.file)); err != nil {
			f.t.Errorf("read fixture: %v", err)
		}
	}
	prefix := "/" + strings.SplitN(strings.TrimPrefix(r.URL.Path, "/"), "/", 2)[0]
	data = bytes.ReplaceAll(data, []byte("{{base}}"), []byte(f.server.URL+prefix))
	for name, value := range rt.header {
		w.Header().Set(name, value)
	}
	w.Header().Set("Content-Type", "application/json")
	if rt.status != 0 {
		w.WriteHeader(rt.status)
	}
	_, _ = w.Write(data)
}

func (f *fakeMeta) recorded() []recordedRequest {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]recordedRequest(nil), f.requests...)
}

func (f *fakeMeta) config() Config {
	return Config{
		InstagramBaseURL:  f.server.URL + "/graph.instagram.com",
		FacebookBaseURL:   f.server.URL + "/graph.facebook.com",
		InstagramOAuthURL: f.server.URL + "/api.instagram.com",
		HTTPClient:        f.server.Client(),
		Clock:             clock.NewFake(testNow),
	}
}

// newTestClient returns a client of a fake Meta server serving routes.
func newTestClient(t *testing.T, routes map[string]route) (*Client, *fakeMeta) {
	t.Helper()
	fake := newFakeMeta(t, routes)
	c, err := New(fake.config())
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	return c, fake
}

func ptr[T any](v T) *T { return &v }

// ts builds the Timestamp expected from Meta's text raw, which names the UTC instant at.
func ts(raw string, at time.Time) Timestamp {
	return Timestamp{Raw: raw, Time: at, Valid: true}
}

func utc(year int, month time.Month, day, hour, minute, second int) time.Time {
	return time.Date(year, month, day, hour, minute, second, 0, time.UTC)
}
