package accounts_test

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/igsource/igsource/internal/accounts"
	"github.com/igsource/igsource/internal/instagram"
	"github.com/igsource/igsource/internal/store"
)

const adminPassword = "correct horse battery staple"

// adminClient returns a client that sends the admin password and keeps cookies but does not
// follow redirects, so that tests see where the admin routes send the browser.
func adminClient(t *testing.T) *http.Client {
	t.Helper()
	jar, err := cookiejar.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	return &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error {
		return http.ErrUseLastResponse
	}}
}

func get(t *testing.T, c *http.Client, rawURL, password string) (*http.Response, string) {
	t.Helper()
	req, err := http.NewRequestWithContext(t.Context(), http.MethodGet, rawURL, nil)
	if err != nil {
		t.Fatal(err)
	}
	if password != "" {
		req.SetBasicAuth("admin", password)
	}
	resp, err := c.Do(req)
	if err != nil {
		t.Fatalf("GET %s: %v", rawURL, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("read %s: %v", rawURL, err)
	}
	return resp, string(body)
}

func TestHandlerAuthentication(t *testing.T) {
	tests := []struct {
		name       string
		configured string
		sent       string
		wantStatus int
	}{
		{"no password sent", adminPassword, "", http.StatusUnauthorized},
		{"wrong password", adminPassword, "guess", http.StatusUnauthorized},
		{"right password", adminPassword, adminPassword, http.StatusOK},
		{"no password configured", "", "", http.StatusServiceUnavailable},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			env := newConnectEnv(t)
			srv := httptest.NewServer(accounts.NewHandler(env.svc, tt.configured))
			defer srv.Close()

			resp, _ := get(t, adminClient(t), srv.URL+"/admin/api/accounts", tt.sent)
			if resp.StatusCode != tt.wantStatus {
				t.Errorf("status = %d, want %d", resp.StatusCode, tt.wantStatus)
			}
		})
	}
}

func TestHandlerSessionCookie(t *testing.T) {
	env := newConnectEnv(t)
	srv := httptest.NewServer(accounts.NewHandler(env.svc, adminPassword))
	defer srv.Close()
	c := adminClient(t)

	if resp, _ := get(t, c, srv.URL+"/admin/api/accounts", adminPassword); resp.StatusCode != http.StatusOK {
		t.Fatalf("login status = %d, want 200", resp.StatusCode)
	}
	if resp, _ := get(t, c, srv.URL+"/admin/api/accounts", ""); resp.StatusCode != http.StatusOK {
		t.Errorf("status with the session cookie only = %d, want 200", resp.StatusCode)
	}
	env.clock.Advance(13 * time.Hour)
	if resp, _ := get(t, c, srv.URL+"/admin/api/accounts", ""); resp.StatusCode != http.StatusUnauthorized {
		t.Errorf("status with an expired session = %d, want 401", resp.StatusCode)
	}
}

func TestHandlerConnectAndCallback(t *testing.T) {
	env := newConnectEnv(t)
	srv := httptest.NewServer(accounts.NewHandler(env.svc, adminPassword))
	defer srv.Close()
	c := adminClient(t)

	resp, _ := get(t, c, srv.URL+"/admin/connect/instagram", adminPassword)
	if resp.StatusCode != http.StatusFound {
		t.Fatalf("connect status = %d, want 302", resp.StatusCode)
	}
	loc, err := url.Parse(resp.Header.Get("Location"))
	if err != nil || loc.Host != "www.instagram.com" {
		t.Fatalf("connect redirects to %q, want Instagram's authorization page", resp.Header.Get("Location"))
	}
	callback := srv.URL + "/admin/oauth/callback?" + url.Values{
		"code": {goodCode}, "state": {loc.Query().Get("state")}}.Encode()

	resp, body := get(t, c, callback, "")
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("callback status = %d, want 200; body:\n%s", resp.StatusCode, body)
	}
	if !strings.Contains(body, "Connected @creator with Instagram Login") {
		t.Errorf("callback page does not name the account:\n%s", body)
	}
	if strings.Contains(body, "IGAA") {
		t.Errorf("callback page shows the token:\n%s", body)
	}

	resp, body = get(t, adminClient(t), callback, adminPassword)
	if resp.StatusCode != http.StatusBadRequest {
		t.Errorf("callback from another session: status = %d, want 400; body:\n%s", resp.StatusCode, body)
	}
}

func TestHandlerCallbackEscapesOnce(t *testing.T) {
	env := newConnectEnv(t)
	srv := httptest.NewServer(accounts.NewHandler(env.svc, adminPassword))
	defer srv.Close()

	c := adminClient(t)
	state := startConnect(t, c, srv.URL)

	q := url.Values{"error": {"access_denied"}, "error_description": {`<script>alert("x")</script> & more`},
		"state": {state}}
	_, body := get(t, c, srv.URL+"/admin/oauth/callback?"+q.Encode(), "")
	if strings.Contains(body, "<script>") {
		t.Errorf("page contains unescaped markup:\n%s", body)
	}
	if !strings.Contains(body, "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt; &amp; more") {
		t.Errorf("page does not show the text escaped exactly once:\n%s", body)
	}
}

func TestHandlerAccountsJSON(t *testing.T) {
	env := newConnectEnv(t)
	expires := date("2024-03-01T00:00:00Z")
	env.store = newMemStore(
		igAccount(1, "IGAA-secret-token", date("2024-01-01T00:00:00Z"), expires),
		store.Account{ID: 2, Kind: instagram.KindFacebook, UserID: "17841400000000002", Username: "cafe",
			Token: "EAA-secret-token", Status: store.StatusNeedsReauth, StatusMessage: "Connect the account again.",
			Pages: []store.Page{{ID: "102", Name: "Cafe", UserID: "17841400000000002"}}})
	svc, err := accounts.New(accounts.Options{Store: env.store, Meta: env.meta, Clock: env.clock})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(accounts.NewHandler(svc, adminPassword))
	defer srv.Close()

	resp, body := get(t, adminClient(t), srv.URL+"/admin/api/accounts", adminPassword)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("status = %d, want 200", resp.StatusCode)
	}
	if strings.Contains(body, "secret-token") {
		t.Errorf("response contains a token:\n%s", body)
	}
	var got struct {
		Data []map[string]any `json:"data"`
	}
	if err := json.Unmarshal([]byte(body), &got); err != nil {
		t.Fatalf("decode %s: %v", body, err)
	}
	want := []map[string]any{
		{"id": 1.0, "kind": "instagram", "userId": "17841000000000001", "username": "user1", "name": "",
			"status": "active", "statusMessage": "", "expiresAt": "2024-03-01T00:00:00Z",
			"lastRefreshAt": nil, "pages": []any{}},
		{"id": 2.0, "kind": "facebook", "userId": "17841400000000002", "username": "cafe", "name": "",
			"status": "needs_reauth", "statusMessage": "Connect the account again.", "expiresAt": nil,
			"lastRefreshAt": nil, "pages": []any{map[string]any{"id": "102", "name": "Cafe", "userId": "17841400000000002"}}},
	}
	if diff := cmp.Diff(want, got.Data); diff != "" {
		t.Errorf("accounts (-want +got):\n%s", diff)
	}
}

func TestHandlerRefreshRejectsCrossSite(t *testing.T) {
	env := newConnectEnv(t)
	srv := httptest.NewServer(accounts.NewHandler(env.svc, adminPassword))
	defer srv.Close()

	req, err := http.NewRequestWithContext(t.Context(), http.MethodPost, srv.URL+"/admin/api/accounts/1/refresh", nil)
	if err != nil {
		t.Fatal(err)
	}
	req.SetBasicAuth("admin", adminPassword)
	req.Header.Set("Origin", "https://evil.example")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusBadRequest {
		t.Errorf("status = %d, want 400", resp.StatusCode)
	}
}

func TestHandlerAccountsPage(t *testing.T) {
	env := newConnectEnv(t)
	env.store = newMemStore(
		igAccount(1, "IGAA-secret-token", date("2024-01-01T00:00:00Z"), date("2024-03-01T00:00:00Z")),
		store.Account{ID: 2, Kind: instagram.KindFacebook, Username: "cafe", Token: "EAA-secret-token",
			Status: store.StatusNeedsReauth, StatusMessage: "Meta rejected <the> token."})
	svc, err := accounts.New(accounts.Options{Store: env.store, Meta: env.meta, Clock: env.clock})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(accounts.NewHandler(svc, adminPassword))
	defer srv.Close()

	resp, body := get(t, adminClient(t), srv.URL+"/admin/accounts", adminPassword)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("status = %d, want 200", resp.StatusCode)
	}
	for _, want := range []string{
		"@user1", "2024-03-01T00:00:00Z", `action="/admin/accounts/1/refresh"`,
		"needs_reauth: Meta rejected &lt;the&gt; token.", `<a href="/admin/connect/facebook">Reconnect</a>`,
	} {
		if !strings.Contains(body, want) {
			t.Errorf("page lacks %q:\n%s", want, body)
		}
	}
	if strings.Contains(body, "secret-token") {
		t.Errorf("page shows a token:\n%s", body)
	}
}

func TestHandlerRefreshForm(t *testing.T) {
	env := newRefresherEnv(t, date("2024-02-25T00:00:00Z"),
		igAccount(1, "IGAA-1", date("2024-01-01T00:00:00Z"), date("2024-03-01T00:00:00Z")))
	svc, err := accounts.New(accounts.Options{Store: env.store, Meta: env.meta, Clock: env.clock})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(accounts.NewHandler(svc, adminPassword))
	defer srv.Close()
	tests := []struct {
		name       string
		origin     string
		wantStatus int
		wantToken  string
	}{
		{"other site", "https://evil.example", http.StatusBadRequest, "IGAA-1"},
		{"same origin", srv.URL, http.StatusSeeOther, "IGAA-refreshed-1"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req, err := http.NewRequestWithContext(t.Context(), http.MethodPost, srv.URL+"/admin/accounts/1/refresh", nil)
			if err != nil {
				t.Fatal(err)
			}
			req.SetBasicAuth("admin", adminPassword)
			req.Header.Set("Origin", tt.origin)
			resp, _ := do(t, adminClient(t), req)
			if resp.StatusCode != tt.wantStatus {
				t.Errorf("status = %d, want %d", resp.StatusCode, tt.wantStatus)
			}
			if got := env.store.get(1).Token; got != tt.wantToken {
				t.Errorf("stored token = %q, want %q", got, tt.wantToken)
			}
		})
	}
}
