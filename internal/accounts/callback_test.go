package accounts_test

import (
	"errors"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/igsource/igsource/internal/accounts"
)

// startConnect starts an Instagram Login connection with c, which signs in with the admin
// password, and returns the state of Meta's authorization URL.
func startConnect(t *testing.T, c *http.Client, base string) string {
	t.Helper()
	resp, body := get(t, c, base+"/admin/connect/instagram", adminPassword)
	if resp.StatusCode != http.StatusFound {
		t.Fatalf("connect status = %d, want 302; body:\n%s", resp.StatusCode, body)
	}
	loc, err := url.Parse(resp.Header.Get("Location"))
	if err != nil {
		t.Fatalf("parse connect redirect %q: %v", resp.Header.Get("Location"), err)
	}
	return loc.Query().Get("state")
}

func TestHandlerCallbackErrorNeedsState(t *testing.T) {
	const injected = "Call 555 0100 to restore your account"
	tests := []struct {
		name    string
		state   func(valid string) string
		wantMsg string
	}{
		{"missing state", func(string) string { return "" }, "no state parameter"},
		{"wrong state", func(string) string { return "forged" }, "does not match any connection"},
		{"valid state", func(valid string) string { return valid }, injected},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			env := newConnectEnv(t)
			srv := httptest.NewServer(accounts.NewHandler(env.svc, adminPassword))
			defer srv.Close()
			c := adminClient(t)
			state := startConnect(t, c, srv.URL)

			q := url.Values{"error": {"server_error"}, "error_description": {injected}}
			if s := tt.state(state); s != "" {
				q.Set("state", s)
			}
			resp, body := get(t, c, srv.URL+"/admin/oauth/callback?"+q.Encode(), "")
			if resp.StatusCode != http.StatusBadRequest {
				t.Errorf("status = %d, want 400", resp.StatusCode)
			}
			if !strings.Contains(body, tt.wantMsg) {
				t.Errorf("page does not contain %q:\n%s", tt.wantMsg, body)
			}
			if tt.wantMsg != injected && strings.Contains(body, injected) {
				t.Errorf("page shows the error text of a redirect with an invalid state:\n%s", body)
			}
			if tt.wantMsg != injected && strings.Contains(body, "server_error") {
				t.Errorf("page shows the error code of a redirect with an invalid state:\n%s", body)
			}
		})
	}
}

func TestHandlerCallbackStoreFailure(t *testing.T) {
	env := newConnectEnv(t)
	srv := httptest.NewServer(accounts.NewHandler(env.svc, adminPassword))
	defer srv.Close()
	c := adminClient(t)
	state := startConnect(t, c, srv.URL)
	env.store.mu.Lock()
	env.store.consumeErr = errors.New("database is locked")
	env.store.mu.Unlock()

	q := url.Values{"code": {goodCode}, "state": {state}}
	resp, body := get(t, c, srv.URL+"/admin/oauth/callback?"+q.Encode(), "")
	if resp.StatusCode != http.StatusInternalServerError {
		t.Errorf("status = %d, want 500", resp.StatusCode)
	}
	if strings.Contains(body, "does not match") {
		t.Errorf("page blames the state for a store failure:\n%s", body)
	}
}
