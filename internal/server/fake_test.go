package server_test

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/igsource/igsource/internal/apperr"
	"github.com/igsource/igsource/internal/server"
	"github.com/igsource/igsource/internal/source"
	"github.com/igsource/igsource/internal/store"
	"github.com/igsource/igsource/internal/testutil"
)

// The real types must satisfy the interfaces that the server consumes.
var (
	_ server.Source = (*source.Service)(nil)
	_ server.Pinger = (*store.Store)(nil)
)

// fakeSource serves one instance, "Instagram", with no media.
type fakeSource struct{}

func (fakeSource) Media(context.Context, string, source.MediaSettings) (*source.MediaResult, error) {
	return &source.MediaResult{Media: []source.Media{}}, nil
}

func (fakeSource) MediaSingle(_ context.Context, _ string, s source.SingleSettings) (*source.SingleResult, error) {
	return nil, apperr.New(apperr.NotFound, "media %q not found", s.ID)
}

func (fakeSource) HashtaggedMedia(context.Context, string, source.HashtagSettings) (*source.MediaResult, error) {
	return &source.MediaResult{}, nil
}

func (fakeSource) User(context.Context, string, source.UserSettings) (*source.UserResult, error) {
	return &source.UserResult{User: &source.User{ID: "1", Username: "studio"}}, nil
}

func (fakeSource) Instance(_ context.Context, name string) (*store.Instance, error) {
	if name != "Instagram" {
		return nil, apperr.New(apperr.NotFound, "instance %q not found", name)
	}
	return &store.Instance{ID: 1, Name: name, CacheSeconds: 3600}, nil
}

func (fakeSource) Instances(context.Context) ([]store.Instance, error) {
	return []store.Instance{{ID: 1, Name: "Instagram", CacheSeconds: 3600}}, nil
}

// fakePinger fails its pings while err is set.
type fakePinger struct {
	mu  sync.Mutex
	err error
}

func (p *fakePinger) Ping(context.Context) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.err
}

func (p *fakePinger) set(err error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.err = err
}

// fixture is a server under test with its log and dependencies.
type fixture struct {
	srv    *server.Server
	log    *testutil.SyncBuffer
	pinger *fakePinger
}

// newFixture returns a server over fakeSource whose media route replies "media file".
func newFixture(cfg server.Config) *fixture {
	log := &testutil.SyncBuffer{}
	pinger := &fakePinger{}
	media := http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		_, _ = io.WriteString(w, "media file")
	})
	srv := server.New(cfg, server.Deps{
		Source:   fakeSource{},
		Media:    media,
		Store:    pinger,
		Logger:   slog.New(slog.NewTextHandler(log, &slog.HandlerOptions{Level: slog.LevelDebug})),
		Registry: prometheus.NewRegistry(),
	})
	return &fixture{srv: srv, log: log, pinger: pinger}
}

// do sends a request with headers given as "Name: value" pairs.
func (f *fixture) do(t *testing.T, method, target, body string, headers ...string) *httptest.ResponseRecorder {
	t.Helper()
	var reader io.Reader
	if body != "" {
		reader = strings.NewReader(body)
	}
	req := httptest.NewRequestWithContext(t.Context(), method, target, reader)
	for _, h := range headers {
		name, value, ok := strings.Cut(h, ": ")
		if !ok {
			t.Fatalf("header %q has no \": \"", h)
		}
		req.Header.Set(name, value)
	}
	rec := httptest.NewRecorder()
	f.srv.Handler().ServeHTTP(rec, req)
	return rec
}

var errDatabaseDown = errors.New("database is locked")
