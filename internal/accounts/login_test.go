package accounts_test

import (
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/igsource/igsource/internal/accounts"
	"github.com/igsource/igsource/internal/clock"
	"github.com/igsource/igsource/internal/testutil"
)

type loginEnv struct {
	handler *accounts.Handler
	clock   *clock.Fake
	logs    *testutil.SyncBuffer
}

func newLoginEnv(t *testing.T) *loginEnv {
	t.Helper()
	env := &loginEnv{clock: clock.NewFake(date("2024-01-01T00:00:00Z")), logs: &testutil.SyncBuffer{}}
	svc, err := accounts.New(accounts.Options{Store: newMemStore(), Meta: newScriptedMeta(), Clock: env.clock,
		Logger: slog.New(slog.NewTextHandler(env.logs, nil))})
	if err != nil {
		t.Fatal(err)
	}
	env.handler = accounts.NewHandler(svc, adminPassword)
	return env
}

// login sends GET /admin/api/accounts with Basic auth credentials from remoteAddr.
func (env *loginEnv) login(t *testing.T, remoteAddr, user, password string) *http.Response {
	t.Helper()
	req := httptest.NewRequestWithContext(t.Context(), http.MethodGet, "/admin/api/accounts", nil)
	req.RemoteAddr = remoteAddr
	req.SetBasicAuth(user, password)
	rec := httptest.NewRecorder()
	env.handler.ServeHTTP(rec, req)
	return rec.Result()
}

func TestHandlerRequiresAdminUser(t *testing.T) {
	tests := []struct {
		name       string
		user       string
		wantStatus int
	}{
		{"admin", "admin", http.StatusOK},
		{"other user", "root", http.StatusUnauthorized},
		{"empty user", "", http.StatusUnauthorized},
		{"other case", "Admin", http.StatusUnauthorized},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			env := newLoginEnv(t)
			resp := env.login(t, "192.0.2.1:4000", tt.user, adminPassword)
			if resp.StatusCode != tt.wantStatus {
				t.Errorf("status = %d, want %d", resp.StatusCode, tt.wantStatus)
			}
		})
	}
}

func TestHandlerThrottlesFailedLogins(t *testing.T) {
	env := newLoginEnv(t)
	const attacker = "192.0.2.1:4000"
	for i := range 5 {
		if resp := env.login(t, attacker, "admin", "guess"); resp.StatusCode != http.StatusUnauthorized {
			t.Fatalf("failure %d: status = %d, want 401", i+1, resp.StatusCode)
		}
	}

	resp := env.login(t, attacker, "admin", "guess")
	if resp.StatusCode != http.StatusTooManyRequests {
		t.Errorf("sixth failure: status = %d, want 429", resp.StatusCode)
	}
	if got := resp.Header.Get("Retry-After"); got != "60" {
		t.Errorf("sixth failure: Retry-After = %q, want 60", got)
	}
	if resp := env.login(t, attacker, "admin", adminPassword); resp.StatusCode != http.StatusTooManyRequests {
		t.Errorf("right password while throttled: status = %d, want 429", resp.StatusCode)
	}
	if resp := env.login(t, "192.0.2.2:4000", "admin", adminPassword); resp.StatusCode != http.StatusOK {
		t.Errorf("right password from another address: status = %d, want 200", resp.StatusCode)
	}

	env.clock.Advance(30 * time.Second)
	if got := env.login(t, attacker, "admin", "guess").Header.Get("Retry-After"); got != "30" {
		t.Errorf("Retry-After after 30s = %q, want 30", got)
	}
	env.clock.Advance(30 * time.Second)
	if resp := env.login(t, attacker, "admin", adminPassword); resp.StatusCode != http.StatusOK {
		t.Errorf("right password after the wait: status = %d, want 200", resp.StatusCode)
	}
}

func TestHandlerLoginSuccessesDoNotCount(t *testing.T) {
	env := newLoginEnv(t)
	const addr = "192.0.2.1:4000"
	for range 4 {
		env.login(t, addr, "admin", "guess")
	}
	for i := range 10 {
		if resp := env.login(t, addr, "admin", adminPassword); resp.StatusCode != http.StatusOK {
			t.Fatalf("success %d: status = %d, want 200", i+1, resp.StatusCode)
		}
	}
	if resp := env.login(t, addr, "admin", "guess"); resp.StatusCode != http.StatusUnauthorized {
		t.Errorf("fifth failure: status = %d, want 401", resp.StatusCode)
	}
	if resp := env.login(t, addr, "admin", "guess"); resp.StatusCode != http.StatusTooManyRequests {
		t.Errorf("sixth failure: status = %d, want 429", resp.StatusCode)
	}
}

func TestHandlerThrottlesConcurrentGuesses(t *testing.T) {
	env := newLoginEnv(t)
	var mu sync.Mutex
	statuses := map[int]int{}
	var wg sync.WaitGroup
	for range 50 {
		wg.Go(func() {
			resp := env.login(t, "192.0.2.1:4000", "admin", "guess")
			mu.Lock()
			defer mu.Unlock()
			statuses[resp.StatusCode]++
		})
	}
	wg.Wait()

	want := map[int]int{http.StatusUnauthorized: 5, http.StatusTooManyRequests: 45}
	if diff := cmp.Diff(want, statuses); diff != "" {
		t.Errorf("responses by status (-want +got):\n%s", diff)
	}
}

func TestHandlerThrottlesIPv6ByNetwork(t *testing.T) {
	tests := []struct {
		name       string
		next       string
		wantStatus int
	}{
		{"same /64", "[2001:db8::2]:4000", http.StatusTooManyRequests},
		{"other /64", "[2001:db8:0:1::1]:4000", http.StatusUnauthorized},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			env := newLoginEnv(t)
			for i := range 5 {
				env.login(t, fmt.Sprintf("[2001:db8::%x]:4000", 0x100+i), "admin", "guess")
			}
			if resp := env.login(t, tt.next, "admin", "guess"); resp.StatusCode != tt.wantStatus {
				t.Errorf("status = %d, want %d", resp.StatusCode, tt.wantStatus)
			}
		})
	}
}

func TestHandlerLogsFailedLogins(t *testing.T) {
	env := newLoginEnv(t)
	for i := range 100 {
		env.login(t, fmt.Sprintf("192.0.2.%d:4000", i), "admin", "guess")
	}
	lines := strings.Split(strings.TrimSpace(env.logs.String()), "\n")
	if len(lines) != 10 {
		t.Fatalf("logged %d lines for 100 failures, want 10:\n%s", len(lines), env.logs)
	}
	for _, want := range []string{"level=WARN", `msg="Admin login failed"`, "remote_addr=192.0.2.0:4000"} {
		if !strings.Contains(lines[0], want) {
			t.Errorf("first line %q lacks %q", lines[0], want)
		}
	}
	if strings.Contains(env.logs.String(), "guess") {
		t.Errorf("log contains the password:\n%s", env.logs)
	}

	env.clock.Advance(6 * time.Second)
	env.login(t, "198.51.100.1:4000", "admin", "guess")
	lines = strings.Split(strings.TrimSpace(env.logs.String()), "\n")
	last := lines[len(lines)-1]
	for _, want := range []string{"remote_addr=198.51.100.1:4000", "skipped_log_lines=90"} {
		if !strings.Contains(last, want) {
			t.Errorf("line after the pause %q lacks %q", last, want)
		}
	}
}
