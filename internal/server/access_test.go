package server_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/igsource/igsource/internal/server"
)

func TestCORS(t *testing.T) {
	const preflight = "Access-Control-Request-Method: POST"
	tests := []struct {
		name        string
		origins     []string
		method      string
		target      string
		headers     []string
		wantStatus  int
		wantAllowed string // Access-Control-Allow-Origin
		wantMethods string // Access-Control-Allow-Methods
	}{
		{"allowed origin", []string{"https://site.example"}, http.MethodGet, "/api/v1/instances",
			[]string{"Origin: https://site.example"}, http.StatusOK, "https://site.example", ""},
		{"configured with slash and capitals", []string{"https://Site.example/"}, http.MethodGet, "/api/v1/instances",
			[]string{"Origin: https://site.example"}, http.StatusOK, "https://site.example", ""},
		{"other origin", []string{"https://site.example"}, http.MethodGet, "/api/v1/instances",
			[]string{"Origin: https://evil.example"}, http.StatusOK, "", ""},
		{"no allow-list", nil, http.MethodGet, "/api/v1/instances",
			[]string{"Origin: https://site.example"}, http.StatusOK, "", ""},
		{"wildcard", []string{"*"}, http.MethodGet, "/media/1-2-file",
			[]string{"Origin: https://any.example"}, http.StatusOK, "https://any.example", ""},
		{"preflight allowed", []string{"https://site.example"}, http.MethodOptions, "/graphql",
			[]string{"Origin: https://site.example", preflight}, http.StatusNoContent,
			"https://site.example", "GET, HEAD, POST"},
		{"no Origin header", []string{"https://site.example"}, http.MethodGet, "/api/v1/instances",
			nil, http.StatusOK, "", ""},
		{"preflight other origin", []string{"https://site.example"}, http.MethodOptions, "/graphql",
			[]string{"Origin: https://evil.example", preflight}, http.StatusForbidden, "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFixture(server.Config{CORSOrigins: tt.origins})

			rec := f.do(t, tt.method, tt.target, "", tt.headers...)

			if rec.Code != tt.wantStatus {
				t.Errorf("status = %d, want %d", rec.Code, tt.wantStatus)
			}
			if got := rec.Header().Get("Access-Control-Allow-Origin"); got != tt.wantAllowed {
				t.Errorf("Access-Control-Allow-Origin = %q, want %q", got, tt.wantAllowed)
			}
			if got := rec.Header().Get("Access-Control-Allow-Methods"); got != tt.wantMethods {
				t.Errorf("Access-Control-Allow-Methods = %q, want %q", got, tt.wantMethods)
			}
			wantVary := "Origin"
			if len(tt.origins) == 0 {
				wantVary = ""
			}
			if got := rec.Header().Get("Vary"); got != wantVary {
				t.Errorf("Vary = %q, want %q", got, wantVary)
			}
		})
	}
}

func TestPreflightNeedsNoAPIKey(t *testing.T) {
	f := newFixture(server.Config{APIKey: "secret-key", CORSOrigins: []string{"https://site.example"}})

	rec := f.do(t, http.MethodOptions, "/api/v1/instances", "",
		"Origin: https://site.example", "Access-Control-Request-Method: GET",
		"Access-Control-Request-Headers: x-api-key")

	if rec.Code != http.StatusNoContent {
		t.Errorf("status = %d, want 204", rec.Code)
	}
	if got := rec.Header().Get("Access-Control-Allow-Headers"); !strings.Contains(got, "X-API-Key") {
		t.Errorf("Access-Control-Allow-Headers = %q, want it to list X-API-Key", got)
	}
}

func TestAPIKey(t *testing.T) {
	const (
		restMissing    = `{"error":{"code":"UNAUTHORIZED","message":"missing API key: send it as \"Authorization: Bearer KEY\" or \"X-API-Key: KEY\""}}` + "\n"
		restInvalid    = `{"error":{"code":"UNAUTHORIZED","message":"invalid API key: use the key configured on this igsource server"}}` + "\n"
		graphqlMissing = `{"errors":[{"extensions":{"code":"UNAUTHORIZED"},"message":"missing API key: send it as \"Authorization: Bearer KEY\" or \"X-API-Key: KEY\""}]}` + "\n"
	)
	tests := []struct {
		name       string
		key        string
		method     string
		target     string
		headers    []string
		wantStatus int
		wantBody   string // checked when not empty
	}{
		{"public API", "", http.MethodGet, "/api/v1/instances", nil, http.StatusOK, ""},
		{"REST without key", "secret-key", http.MethodGet, "/api/v1/instances", nil,
			http.StatusUnauthorized, restMissing},
		{"REST wrong key", "secret-key", http.MethodGet, "/api/v1/instances",
			[]string{"X-API-Key: guess"}, http.StatusUnauthorized, restInvalid},
		{"REST wrong scheme", "secret-key", http.MethodGet, "/api/v1/instances",
			[]string{"Authorization: Basic secret-key"}, http.StatusUnauthorized, restMissing},
		{"REST bearer", "secret-key", http.MethodGet, "/api/v1/instances",
			[]string{"Authorization: Bearer secret-key"}, http.StatusOK, ""},
		{"REST bearer lower case", "secret-key", http.MethodGet, "/api/v1/instances",
			[]string{"Authorization: bearer secret-key"}, http.StatusOK, ""},
		{"REST header", "secret-key", http.MethodGet, "/api/v1/instances",
			[]string{"X-API-Key: secret-key"}, http.StatusOK, ""},
		{"GraphQL without key", "secret-key", http.MethodPost, "/graphql",
			[]string{"Content-Type: application/json"}, http.StatusUnauthorized, graphqlMissing},
		{"GraphQL bearer", "secret-key", http.MethodPost, "/graphql",
			[]string{"Content-Type: application/json", "Authorization: Bearer secret-key"}, http.StatusOK, ""},
		{"media stays public", "secret-key", http.MethodGet, "/media/1-2-file", nil, http.StatusOK, ""},
		{"healthz stays public", "secret-key", http.MethodGet, "/healthz", nil, http.StatusOK, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFixture(server.Config{APIKey: tt.key})
			body := ""
			if tt.method == http.MethodPost {
				body = graphqlBody
			}

			rec := f.do(t, tt.method, tt.target, body, tt.headers...)

			if rec.Code != tt.wantStatus {
				t.Errorf("status = %d, want %d; body %s", rec.Code, tt.wantStatus, rec.Body)
			}
			challenge := rec.Header().Get("WWW-Authenticate")
			if wantChallenge := tt.wantStatus == http.StatusUnauthorized; (challenge != "") != wantChallenge {
				t.Errorf("WWW-Authenticate = %q, want it set only on 401", challenge)
			}
			if tt.wantBody != "" {
				if diff := cmp.Diff(tt.wantBody, rec.Body.String()); diff != "" {
					t.Errorf("body mismatch (-want +got):\n%s", diff)
				}
			}
			if strings.Contains(f.log.String(), "secret-key") {
				t.Errorf("log contains the API key:\n%s", f.log)
			}
		})
	}
}
