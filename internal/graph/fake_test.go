package graph_test

import (
	"bytes"
	"context"
	"encoding/json"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/igsource/igsource/internal/apperr"
	"github.com/igsource/igsource/internal/graph"
	"github.com/igsource/igsource/internal/source"
	"github.com/igsource/igsource/internal/store"
)

// fakeQueries is an in-memory source layer. It returns the configured results and records
// the settings of each call.
type fakeQueries struct {
	mu sync.Mutex

	instances []store.Instance
	media     *source.MediaResult
	single    *source.SingleResult
	hashtag   *source.MediaResult
	user      *source.UserResult
	err       error // returned by every content query when set
	panicWith any   // a content query panics with it when set

	mediaCalls   []source.MediaSettings
	singleCalls  []source.SingleSettings
	hashtagCalls []source.HashtagSettings
	userCalls    []source.UserSettings
}

func (f *fakeQueries) content() error {
	if f.panicWith != nil {
		panic(f.panicWith)
	}
	return f.err
}

func (f *fakeQueries) Media(_ context.Context, _ string, s source.MediaSettings) (*source.MediaResult, error) {
	f.mu.Lock()
	f.mediaCalls = append(f.mediaCalls, s)
	f.mu.Unlock()
	if err := f.content(); err != nil {
		return nil, err
	}
	return f.media, nil
}

func (f *fakeQueries) MediaSingle(_ context.Context, _ string, s source.SingleSettings) (*source.SingleResult, error) {
	f.mu.Lock()
	f.singleCalls = append(f.singleCalls, s)
	f.mu.Unlock()
	if err := f.content(); err != nil {
		return nil, err
	}
	return f.single, nil
}

func (f *fakeQueries) HashtaggedMedia(_ context.Context, _ string, s source.HashtagSettings) (*source.MediaResult, error) {
	f.mu.Lock()
	f.hashtagCalls = append(f.hashtagCalls, s)
	f.mu.Unlock()
	if err := f.content(); err != nil {
		return nil, err
	}
	return f.hashtag, nil
}

func (f *fakeQueries) User(_ context.Context, _ string, s source.UserSettings) (*source.UserResult, error) {
	f.mu.Lock()
	f.userCalls = append(f.userCalls, s)
	f.mu.Unlock()
	if err := f.content(); err != nil {
		return nil, err
	}
	return f.user, nil
}

func (f *fakeQueries) Instance(_ context.Context, name string) (*store.Instance, error) {
	for _, in := range f.instances {
		if in.Name == name {
			return &in, nil
		}
	}
	return nil, apperr.New(apperr.NotFound, "instance %q not found: create it first", name)
}

func (f *fakeQueries) Instances(context.Context) ([]store.Instance, error) {
	return f.instances, nil
}

// fetchedAt is the FetchedAt of every fixture result.
var fetchedAt = time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)

func ptr[T any](v T) *T { return &v }

// newFake returns a fakeQueries with one instance, "Instagram", and results that use every
// field of Media and User.
func newFake() *fakeQueries {
	meta := source.Meta{FetchedAt: fetchedAt}
	return &fakeQueries{
		instances: []store.Instance{{ID: 7, Name: "Instagram", AccountID: 1, CacheSeconds: 600}},
		media:     &source.MediaResult{Media: []source.Media{albumFixture(), videoFixture()}, Meta: meta},
		single:    &source.SingleResult{Media: ptr(videoFixture()), Meta: meta},
		hashtag:   &source.MediaResult{Media: []source.Media{videoFixture()}, Meta: meta},
		user:      &source.UserResult{User: userFixture(), Meta: meta},
	}
}

func albumFixture() source.Media {
	return source.Media{
		ID:           "17895695668004550",
		Type:         "ALBUM",
		ProductType:  ptr("FEED"),
		URL:          ptr("http://127.0.0.1/media/1-17895695668004551-file"),
		ThumbnailURL: ptr("http://127.0.0.1/media/1-17895695668004551-file"),
		Caption:      "Café <b>&</b> #Summer #été #summer",
		Permalink:    ptr("https://www.instagram.com/p/Cx1/"),
		Timestamp:    ptr("2017-08-31T18:10:00Z"),
		Username:     ptr("studio"),
		HashtagList:  []source.Hashtag{{ID: "summer", Name: "Summer"}, {ID: "été", Name: "été"}},
		Children: []source.Media{{
			ID:           "17895695668004551",
			Type:         "IMAGE",
			URL:          ptr("http://127.0.0.1/media/1-17895695668004551-file"),
			ThumbnailURL: ptr("http://127.0.0.1/media/1-17895695668004551-file"),
			Timestamp:    ptr("2017-08-31T18:10:00Z"),
		}},
		CommentsCount: ptr(3),
		LikeCount:     ptr(41),
	}
}

func videoFixture() source.Media {
	return source.Media{
		ID:          "17912345678901234",
		Type:        "VIDEO",
		ProductType: ptr("REELS"),
		Caption:     "",
	}
}

func userFixture() *source.User {
	return &source.User{
		ID:             "17841400000000001",
		Username:       "studio",
		Name:           "Studio",
		Website:        "https://example.org",
		Biography:      "Photos.",
		PictureURL:     ptr("http://127.0.0.1/media/1-17841400000000001-picture"),
		FollowersCount: ptr(1200),
		FollowsCount:   ptr(80),
		MediaCount:     ptr(310),
	}
}

// response is a GraphQL response with the data kept raw for comparison with a fixture.
type response struct {
	Data       json.RawMessage `json:"data"`
	Errors     []responseError `json:"errors"`
	Extensions map[string]any  `json:"extensions"`
}

type responseError struct {
	Message    string         `json:"message"`
	Path       []any          `json:"path"`
	Extensions map[string]any `json:"extensions"`
}

// server wraps a handler under test and the log it writes.
type server struct {
	handler http.Handler
	log     *bytes.Buffer
}

func newServer(t *testing.T, q graph.Queries, opts graph.Options) *server {
	t.Helper()
	var log bytes.Buffer
	opts.Logger = slog.New(slog.NewTextHandler(&log, nil))
	return &server{handler: graph.NewHandler(q, opts), log: &log}
}

// query posts a query with variables and decodes the response.
func (s *server) query(t *testing.T, query string, variables map[string]any) response {
	t.Helper()
	body, err := json.Marshal(map[string]any{"query": query, "variables": variables})
	if err != nil {
		t.Fatalf("encode request: %v", err)
	}
	req := httptest.NewRequestWithContext(t.Context(), http.MethodPost, "/graphql", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	rec := httptest.NewRecorder()
	s.handler.ServeHTTP(rec, req)

	var resp response
	if err := json.Unmarshal(rec.Body.Bytes(), &resp); err != nil {
		t.Fatalf("decode response %q: %v", rec.Body.String(), err)
	}
	return resp
}

// get sends a query by GET and decodes the response.
func (s *server) get(t *testing.T, query string) response {
	t.Helper()
	target := "/graphql?" + url.Values{"query": {query}}.Encode()
	req := httptest.NewRequestWithContext(t.Context(), http.MethodGet, target, nil)
	rec := httptest.NewRecorder()
	s.handler.ServeHTTP(rec, req)

	var resp response
	if err := json.Unmarshal(rec.Body.Bytes(), &resp); err != nil {
		t.Fatalf("decode response %q: %v", rec.Body.String(), err)
	}
	return resp
}

// readFixture returns the content of testdata/name.
func readFixture(t *testing.T, name string) []byte {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatalf("read fixture: %v", err)
	}
	return raw
}

// decode returns the JSON value of raw.
func decode(t *testing.T, raw []byte) any {
	t.Helper()
	var v any
	if err := json.Unmarshal(raw, &v); err != nil {
		t.Fatalf("decode %s: %v", raw, err)
	}
	return v
}

// errorCodes returns the extensions.code of each error, or nil when there are none.
func errorCodes(errs []responseError) []string {
	if len(errs) == 0 {
		return nil
	}
	codes := make([]string, len(errs))
	for i, e := range errs {
		codes[i], _ = e.Extensions["code"].(string)
	}
	return codes
}
