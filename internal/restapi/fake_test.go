package restapi_test

import (
	"bytes"
	"context"
	"encoding/json"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/igsource/igsource/internal/apperr"
	"github.com/igsource/igsource/internal/restapi"
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
	user      *source.UserResult
	err       error // returned by every content query when set

	calls []any // the settings of each content query, in order
}

func (f *fakeQueries) record(settings any) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.calls = append(f.calls, settings)
	return f.err
}

func (f *fakeQueries) Media(_ context.Context, _ string, s source.MediaSettings) (*source.MediaResult, error) {
	if err := f.record(s); err != nil {
		return nil, err
	}
	return f.media, nil
}

func (f *fakeQueries) MediaSingle(_ context.Context, _ string, s source.SingleSettings) (*source.SingleResult, error) {
	if err := f.record(s); err != nil {
		return nil, err
	}
	return f.single, nil
}

func (f *fakeQueries) HashtaggedMedia(_ context.Context, _ string, s source.HashtagSettings) (*source.MediaResult, error) {
	if err := f.record(s); err != nil {
		return nil, err
	}
	return f.media, nil
}

func (f *fakeQueries) User(_ context.Context, _ string, s source.UserSettings) (*source.UserResult, error) {
	if err := f.record(s); err != nil {
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

func ptr[T any](v T) *T { return &v }

// newFake returns a fakeQueries with the instances "Instagram" and "Instagram 2" and results
// that use every field of Media and User.
func newFake() *fakeQueries {
	meta := source.Meta{Cached: true, FetchedAt: time.Date(2026, 3, 1, 13, 0, 0, 0, time.FixedZone("CET", 3600))}
	album := source.Media{
		ID:            "17895695668004550",
		Type:          "ALBUM",
		ProductType:   ptr("FEED"),
		URL:           ptr("http://127.0.0.1/media/1-17895695668004551-file"),
		ThumbnailURL:  ptr("http://127.0.0.1/media/1-17895695668004551-file"),
		Caption:       "Café <b>&</b> #Summer #été",
		Permalink:     ptr("https://www.instagram.com/p/Cx1/"),
		Timestamp:     ptr("2017-08-31T18:10:00Z"),
		Username:      ptr("studio"),
		HashtagList:   []source.Hashtag{{ID: "summer", Name: "Summer"}, {ID: "été", Name: "été"}},
		Children:      []source.Media{{ID: "17895695668004551", Type: "IMAGE"}},
		CommentsCount: ptr(3),
		LikeCount:     ptr(41),
	}
	return &fakeQueries{
		instances: []store.Instance{
			{ID: 7, Name: "Instagram", CacheSeconds: 600},
			{ID: 8, Name: "Instagram 2", CacheSeconds: 3600},
		},
		media:  &source.MediaResult{Media: []source.Media{album}, Meta: meta},
		single: &source.SingleResult{Media: &album, Meta: meta},
		user: &source.UserResult{User: &source.User{
			ID: "17841400000000001", Username: "studio", Name: "Studio",
			PictureURL: ptr("http://127.0.0.1/media/1-17841400000000001-picture"), MediaCount: ptr(310),
		}, Meta: source.Meta{Stale: true}},
	}
}

// api wraps the handler under test and the log it writes.
type api struct {
	handler http.Handler
	log     *bytes.Buffer
}

func newAPI(q restapi.Queries) *api {
	var log bytes.Buffer
	return &api{handler: restapi.New(q, slog.New(slog.NewTextHandler(&log, nil))), log: &log}
}

// do sends a request and returns the recorded response.
func (a *api) do(t *testing.T, method, target string) *httptest.ResponseRecorder {
	t.Helper()
	req := httptest.NewRequestWithContext(t.Context(), method, target, nil)
	rec := httptest.NewRecorder()
	a.handler.ServeHTTP(rec, req)
	return rec
}

// decode returns the JSON value of raw.
func decode(t *testing.T, raw []byte) any {
	t.Helper()
	var v any
	if err := json.Unmarshal(raw, &v); err != nil {
		t.Fatalf("decode %q: %v", raw, err)
	}
	return v
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
