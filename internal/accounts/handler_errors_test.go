package accounts_test

import (
	"encoding/json"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/igsource/igsource/internal/accounts"
	"github.com/igsource/igsource/internal/testutil"
)

// newLoggedHandlerServer serves the admin routes of a service with one refreshable account
// (id 1) and returns the server with the service's log output.
func newLoggedHandlerServer(t *testing.T) (*httptest.Server, *testutil.SyncBuffer) {
	t.Helper()
	env := newRefresherEnv(t, date("2024-02-25T00:00:00Z"),
		igAccount(1, "IGAA-1", date("2024-01-01T00:00:00Z"), date("2024-03-01T00:00:00Z")))
	logs := &testutil.SyncBuffer{}
	svc, err := accounts.New(accounts.Options{Store: env.store, Meta: env.meta, Clock: env.clock,
		Logger: slog.New(slog.NewTextHandler(logs, nil))})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(accounts.NewHandler(svc, adminPassword))
	t.Cleanup(srv.Close)
	return srv, logs
}

func post(t *testing.T, rawURL string) (*http.Response, string) {
	t.Helper()
	req, err := http.NewRequestWithContext(t.Context(), http.MethodPost, rawURL, nil)
	if err != nil {
		t.Fatal(err)
	}
	req.SetBasicAuth("admin", adminPassword)
	return do(t, adminClient(t), req)
}

func TestHandlerRefreshErrors(t *testing.T) {
	tests := []struct {
		name       string
		id         string
		wantStatus int
		wantCode   string
		wantText   string
	}{
		{"unknown account", "999", http.StatusNotFound, "NOT_FOUND", "account 999 not found"},
		{"letters", "abc", http.StatusBadRequest, "INVALID_INPUT", `invalid account id "abc"`},
		{"zero", "0", http.StatusBadRequest, "INVALID_INPUT", `invalid account id "0"`},
		{"negative", "-1", http.StatusBadRequest, "INVALID_INPUT", `invalid account id "-1"`},
		{"beyond int64", "99999999999999999999", http.StatusBadRequest, "INVALID_INPUT",
			`invalid account id "99999999999999999999"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv, logs := newLoggedHandlerServer(t)

			resp, body := post(t, srv.URL+"/admin/api/accounts/"+tt.id+"/refresh")
			if resp.StatusCode != tt.wantStatus {
				t.Errorf("API status = %d, want %d; body:\n%s", resp.StatusCode, tt.wantStatus, body)
			}
			var got struct {
				Error struct{ Code, Message string } `json:"error"`
			}
			if err := json.Unmarshal([]byte(body), &got); err != nil {
				t.Fatalf("decode %s: %v", body, err)
			}
			if got.Error.Code != tt.wantCode {
				t.Errorf("API error code = %q, want %q", got.Error.Code, tt.wantCode)
			}
			if !strings.Contains(got.Error.Message, tt.wantText) {
				t.Errorf("API error message = %q, want it to contain %q", got.Error.Message, tt.wantText)
			}

			resp, body = post(t, srv.URL+"/admin/accounts/"+tt.id+"/refresh")
			if resp.StatusCode != tt.wantStatus {
				t.Errorf("page status = %d, want %d; body:\n%s", resp.StatusCode, tt.wantStatus, body)
			}
			if !strings.Contains(body, strings.ReplaceAll(tt.wantText, `"`, "&#34;")) {
				t.Errorf("page does not contain %q:\n%s", tt.wantText, body)
			}

			if strings.Contains(logs.String(), "level=ERROR") {
				t.Errorf("log has an ERROR line:\n%s", logs)
			}
		})
	}
}
