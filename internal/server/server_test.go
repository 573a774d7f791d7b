package server_test

import (
	"context"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/igsource/igsource/internal/server"
)

const graphqlBody = `{"query":"{ instances { name } }"}`

func TestRoutesMounted(t *testing.T) {
	tests := []struct {
		name       string
		method     string
		target     string
		body       string
		wantStatus int
		wantBody   string
	}{
		{"REST", http.MethodGet, "/api/v1/instances", "", http.StatusOK,
			`{"data":[{"id":"1","name":"Instagram","defaultCache":3600}]}` + "\n"},
		{"GraphQL", http.MethodPost, "/graphql", graphqlBody, http.StatusOK,
			`{"data":{"instances":[{"name":"Instagram"}]}}`},
		{"media", http.MethodGet, "/media/1-2-file.jpg", "", http.StatusOK, "media file"},
		{"unknown", http.MethodGet, "/nothing", "", http.StatusNotFound, "404 page not found\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFixture(server.Config{})

			rec := f.do(t, tt.method, tt.target, tt.body, "Content-Type: application/json")

			if rec.Code != tt.wantStatus {
				t.Errorf("status = %d, want %d", rec.Code, tt.wantStatus)
			}
			if diff := cmp.Diff(tt.wantBody, rec.Body.String()); diff != "" {
				t.Errorf("body mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

func TestHealthz(t *testing.T) {
	for _, method := range []string{http.MethodGet, http.MethodHead} {
		t.Run(method, func(t *testing.T) {
			f := newFixture(server.Config{})
			f.pinger.set(errDatabaseDown)

			rec := f.do(t, method, "/healthz", "")

			if rec.Code != http.StatusOK {
				t.Errorf("status = %d, want 200 even while the database is down", rec.Code)
			}
			if got := rec.Body.String(); got != "ok\n" {
				t.Errorf("body = %q, want %q", got, "ok\n")
			}
		})
	}
}

func TestReadyz(t *testing.T) {
	f := newFixture(server.Config{})

	steps := []struct {
		name       string
		pingErr    error
		wantStatus int
	}{
		{"database up", nil, http.StatusOK},
		{"database down", errDatabaseDown, http.StatusServiceUnavailable},
		{"still down", errDatabaseDown, http.StatusServiceUnavailable},
		{"back up", nil, http.StatusOK},
	}
	for _, step := range steps {
		f.pinger.set(step.pingErr)
		for _, method := range []string{http.MethodGet, http.MethodHead} {
			if rec := f.do(t, method, "/readyz", ""); rec.Code != step.wantStatus {
				t.Errorf("%s: %s status = %d, want %d", step.name, method, rec.Code, step.wantStatus)
			}
		}
	}

	log := f.log.String()
	if n := strings.Count(log, "Readiness check failed"); n != 1 {
		t.Errorf("logged the outage %d times, want once:\n%s", n, log)
	}
	if n := strings.Count(log, "Readiness check passes again"); n != 1 {
		t.Errorf("logged the recovery %d times, want once:\n%s", n, log)
	}
}

func TestReadyzWithoutStore(t *testing.T) {
	srv := server.New(server.Config{}, server.Deps{Source: fakeSource{}})
	rec := (&fixture{srv: srv}).do(t, http.MethodGet, "/readyz", "")

	if rec.Code != http.StatusOK {
		t.Errorf("status = %d, want 200", rec.Code)
	}
}

func TestHandleMountsRoute(t *testing.T) {
	f := newFixture(server.Config{APIKey: "secret-key", CORSOrigins: []string{"*"}})
	f.srv.Handle("GET /admin/", http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		_, _ = io.WriteString(w, "admin")
	}))

	rec := f.do(t, http.MethodGet, "/admin/instances", "", "Origin: https://evil.example")

	if rec.Code != http.StatusOK {
		t.Errorf("status = %d, want 200: the API key applies to content routes only", rec.Code)
	}
	if got := rec.Header().Get("Access-Control-Allow-Origin"); got != "" {
		t.Errorf("Access-Control-Allow-Origin = %q, want none on a mounted route", got)
	}
}

func TestPanicRecovered(t *testing.T) {
	f := newFixture(server.Config{})
	f.srv.Handle("/boom", http.HandlerFunc(func(http.ResponseWriter, *http.Request) {
		panic("secret detail")
	}))

	rec := f.do(t, http.MethodGet, "/boom", "")

	if rec.Code != http.StatusInternalServerError {
		t.Errorf("status = %d, want 500", rec.Code)
	}
	want := `{"error":{"code":"INTERNAL","message":"Internal error. The server log has the details."}}` + "\n"
	if diff := cmp.Diff(want, rec.Body.String()); diff != "" {
		t.Errorf("body mismatch (-want +got):\n%s", diff)
	}
	if log := f.log.String(); !strings.Contains(log, "HTTP handler panicked") {
		t.Errorf("log has no panic entry:\n%s", log)
	}
	if log := f.log.String(); !strings.Contains(log, `route=/boom status=500`) {
		t.Errorf("access log has no 500 entry for the route:\n%s", log)
	}
}

func TestMetricsByRouteAndStatus(t *testing.T) {
	f := newFixture(server.Config{})
	f.do(t, http.MethodGet, "/api/v1/instances/Instagram/media", "")
	f.do(t, http.MethodGet, "/api/v1/instances/Instagram/media", "")
	f.do(t, http.MethodGet, "/api/v1/instances/Instagram/media/123", "")
	f.do(t, http.MethodGet, "/nothing", "")

	rec := f.do(t, http.MethodGet, "/metrics", "")

	if rec.Code != http.StatusOK {
		t.Fatalf("status = %d, want 200", rec.Code)
	}
	for _, want := range []string{
		`igsource_http_requests_total{route="GET /api/v1/instances/{name}/media",status="200"} 2`,
		`igsource_http_requests_total{route="GET /api/v1/instances/{name}/media/{id}",status="404"} 1`,
		`igsource_http_requests_total{route="unmatched",status="404"} 1`,
		`igsource_http_request_duration_seconds_count{route="GET /api/v1/instances/{name}/media"} 2`,
	} {
		if !strings.Contains(rec.Body.String(), want) {
			t.Errorf("metrics lack %s:\n%s", want, rec.Body)
		}
	}
}

func TestServeShutsDownGracefully(t *testing.T) {
	f := newFixture(server.Config{})
	started := make(chan struct{})
	release := make(chan struct{})
	f.srv.Handle("/slow", http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		close(started)
		<-release
		_, _ = io.WriteString(w, "done")
	}))

	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("listen: %v", err)
	}
	ctx, cancel := context.WithCancel(t.Context())
	served := make(chan error, 1)
	go func() { served <- f.srv.Serve(ctx, ln) }()

	type result struct {
		body string
		err  error
	}
	got := make(chan result, 1)
	go func() {
		resp, err := http.Get("http://" + ln.Addr().String() + "/slow")
		if err != nil {
			got <- result{err: err}
			return
		}
		defer resp.Body.Close()
		body, err := io.ReadAll(resp.Body)
		got <- result{body: string(body), err: err}
	}()

	<-started
	cancel()
	close(release)

	r := <-got
	if r.err != nil {
		t.Fatalf("request in flight failed: %v", r.err)
	}
	if r.body != "done" {
		t.Errorf("body = %q, want %q", r.body, "done")
	}
	if err := <-served; err != nil {
		t.Errorf("Serve returned %v, want nil after a graceful shutdown", err)
	}
	if _, err := http.Get("http://" + ln.Addr().String() + "/healthz"); err == nil {
		t.Errorf("server still accepts requests after shutdown")
	}
}

func TestHEADOverRealConnection(t *testing.T) {
	f := newFixture(server.Config{})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("listen: %v", err)
	}
	ctx, cancel := context.WithCancel(t.Context())
	served := make(chan error, 1)
	go func() { served <- f.srv.Serve(ctx, ln) }()
	defer func() {
		cancel()
		<-served
	}()

	resp, err := http.Head("http://" + ln.Addr().String() + "/healthz")
	if err != nil {
		t.Fatalf("HEAD /healthz: %v", err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Errorf("status = %d, want 200", resp.StatusCode)
	}
	if body, _ := io.ReadAll(resp.Body); len(body) != 0 {
		t.Errorf("HEAD response has a body: %q", body)
	}
}

func TestTwoServersShareRegistry(t *testing.T) {
	registry := prometheus.NewRegistry()
	first := server.New(server.Config{}, server.Deps{Source: fakeSource{}, Registry: registry})
	second := server.New(server.Config{}, server.Deps{Source: fakeSource{}, Registry: registry})

	(&fixture{srv: first}).do(t, http.MethodGet, "/healthz", "")
	(&fixture{srv: second}).do(t, http.MethodGet, "/healthz", "")
	rec := (&fixture{srv: first}).do(t, http.MethodGet, "/metrics", "")

	want := `igsource_http_requests_total{route="GET /healthz",status="200"} 2`
	if !strings.Contains(rec.Body.String(), want) {
		t.Errorf("metrics lack %s:\n%s", want, rec.Body)
	}
}
