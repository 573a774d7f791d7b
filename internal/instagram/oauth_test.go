package instagram

import (
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

func TestExchangeCodeShapes(t *testing.T) {
	want := &TokenResponse{
		AccessToken: "IGAA_PLACEHOLDER_SHORT_TOKEN",
		UserID:      "27000000000000001",
		Permissions: []string{"instagram_business_basic", "instagram_business_manage_insights"},
	}
	for _, file := range []string{"token_exchange_flat.json", "token_exchange_wrapped.json"} {
		t.Run(file, func(t *testing.T) {
			c, fake := newTestClient(t, map[string]route{"POST /api.instagram.com/oauth/access_token": {file: file}})
			got, err := c.ExchangeCode(t.Context(), testApp, "https://igsource.example/callback", "CODE_PLACEHOLDER#_")
			if err != nil {
				t.Fatalf("ExchangeCode: %v", err)
			}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("token mismatch (-want +got):\n%s", diff)
			}
			form, err := url.ParseQuery(fake.recorded()[0].Form)
			if err != nil {
				t.Fatal(err)
			}
			wantForm := url.Values{
				"client_id":     {testApp.ID},
				"client_secret": {testApp.Secret},
				"grant_type":    {"authorization_code"},
				"redirect_uri":  {"https://igsource.example/callback"},
				"code":          {"CODE_PLACEHOLDER"},
			}
			if diff := cmp.Diff(wantForm, form); diff != "" {
				t.Errorf("form mismatch (-want +got):\n%s", diff)
			}
			if raw := fake.recorded()[0].RawQuery; raw != "" {
				t.Errorf("query = %q, want the secret in the form body only", raw)
			}
		})
	}
}

func TestExchangeCodeLegacyError(t *testing.T) {
	c, _ := newTestClient(t, map[string]route{
		"POST /api.instagram.com/oauth/access_token": {file: "token_exchange_error.json", status: 400},
	})
	_, err := c.ExchangeCode(t.Context(), testApp, "https://igsource.example/callback", "USED_CODE")
	e, ok := errors.AsType[*Error](err)
	if !ok {
		t.Fatalf("error %v is %T, want *Error", err, err)
	}
	want := &Error{
		Op: "POST /api.instagram.com/oauth/access_token", HTTPStatus: 400, Code: 400, Type: "OAuthException",
		Message: "Matching code was not found or was already used", Kind: InvalidRequest,
	}
	if diff := cmp.Diff(want, e); diff != "" {
		t.Errorf("error mismatch (-want +got):\n%s", diff)
	}
	for _, secret := range []string{testApp.Secret, "USED_CODE"} {
		if strings.Contains(err.Error(), secret) {
			t.Errorf("error %q contains %q", err, secret)
		}
	}
}

func TestLongLivedAndRefresh(t *testing.T) {
	tests := []struct {
		name      string
		routes    map[string]route
		call      func(c *Client) (*TokenResponse, error)
		want      *TokenResponse
		wantQuery url.Values
	}{
		{
			name:   "instagram long-lived exchange",
			routes: map[string]route{"GET /graph.instagram.com/access_token": {file: "token_long_lived.json"}},
			call: func(c *Client) (*TokenResponse, error) {
				return c.ExchangeLongLived(t.Context(), testApp.Secret, "IGAA_SHORT")
			},
			want:      &TokenResponse{AccessToken: "IGAA_PLACEHOLDER_LONG_TOKEN", TokenType: "bearer", ExpiresIn: 5183944 * time.Second},
			wantQuery: url.Values{"grant_type": {"ig_exchange_token"}, "client_secret": {testApp.Secret}, "access_token": {"IGAA_SHORT"}},
		},
		{
			name:   "instagram refresh",
			routes: map[string]route{"GET /graph.instagram.com/refresh_access_token": {file: "token_long_lived.json"}},
			call: func(c *Client) (*TokenResponse, error) {
				return c.RefreshToken(t.Context(), "IGAA_LONG")
			},
			want:      &TokenResponse{AccessToken: "IGAA_PLACEHOLDER_LONG_TOKEN", TokenType: "bearer", ExpiresIn: 5183944 * time.Second},
			wantQuery: url.Values{"grant_type": {"ig_refresh_token"}, "access_token": {"IGAA_LONG"}},
		},
		{
			name:   "facebook code exchange",
			routes: map[string]route{"GET /graph.facebook.com/v25.0/oauth/access_token": {file: "token_long_lived.json"}},
			call: func(c *Client) (*TokenResponse, error) {
				return c.ExchangeFacebookCode(t.Context(), testApp, "https://igsource.example/fb", "FB_CODE")
			},
			want: &TokenResponse{AccessToken: "IGAA_PLACEHOLDER_LONG_TOKEN", TokenType: "bearer", ExpiresIn: 5183944 * time.Second},
			wantQuery: url.Values{"client_id": {testApp.ID}, "client_secret": {testApp.Secret},
				"redirect_uri": {"https://igsource.example/fb"}, "code": {"FB_CODE"}},
		},
		{
			name:   "facebook long-lived without expires_in",
			routes: map[string]route{"GET /graph.facebook.com/v25.0/oauth/access_token": {file: "token_long_lived_no_expiry.json"}},
			call: func(c *Client) (*TokenResponse, error) {
				return c.ExchangeFacebookLongLived(t.Context(), testApp, "EAA_SHORT")
			},
			want: &TokenResponse{AccessToken: "EAA_PLACEHOLDER_LONG_TOKEN", TokenType: "bearer"},
			wantQuery: url.Values{"grant_type": {"fb_exchange_token"}, "client_id": {testApp.ID},
				"client_secret": {testApp.Secret}, "fb_exchange_token": {"EAA_SHORT"}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, fake := newTestClient(t, tt.routes)
			got, err := tt.call(c)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("token mismatch (-want +got):\n%s", diff)
			}
			query, _ := url.ParseQuery(fake.recorded()[0].RawQuery)
			if diff := cmp.Diff(tt.wantQuery, query); diff != "" {
				t.Errorf("query mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

func TestRefreshExpiredToken(t *testing.T) {
	c, _ := newTestClient(t, map[string]route{
		"GET /graph.instagram.com/refresh_access_token": {file: "errors/token_expired.json", status: 400},
	})
	_, err := c.RefreshToken(t.Context(), "IGAA_EXPIRED_TOKEN")
	if !IsTokenInvalid(err) {
		t.Fatalf("IsTokenInvalid(%v) = false", err)
	}
	if strings.Contains(err.Error(), "IGAA_EXPIRED_TOKEN") {
		t.Errorf("error %q contains the token", err)
	}
}

func TestTokenExchangeRejectsBadInput(t *testing.T) {
	c, fake := newTestClient(t, nil)
	ctx := t.Context()
	tests := []struct {
		name string
		call func() (*TokenResponse, error)
	}{
		{"code without secret", func() (*TokenResponse, error) {
			return c.ExchangeCode(ctx, AppCredentials{ID: "1"}, "https://x/cb", "c")
		}},
		{"code without redirect", func() (*TokenResponse, error) { return c.ExchangeCode(ctx, testApp, "", "c") }},
		{"empty code after fragment", func() (*TokenResponse, error) { return c.ExchangeCode(ctx, testApp, "https://x/cb", "#_") }},
		{"long-lived without token", func() (*TokenResponse, error) { return c.ExchangeLongLived(ctx, "s", "") }},
		{"refresh without token", func() (*TokenResponse, error) { return c.RefreshToken(ctx, "") }},
		{"facebook code without code", func() (*TokenResponse, error) {
			return c.ExchangeFacebookCode(ctx, testApp, "https://x/cb", "")
		}},
		{"facebook long-lived without app", func() (*TokenResponse, error) {
			return c.ExchangeFacebookLongLived(ctx, AppCredentials{}, "t")
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := tt.call(); err == nil {
				t.Error("call succeeded, want an error")
			}
		})
	}
	if n := len(fake.recorded()); n != 0 {
		t.Errorf("sent %d requests, want none", n)
	}
}

func TestTokenResponseMissingToken(t *testing.T) {
	c, _ := newTestClient(t, map[string]route{"GET /graph.instagram.com/refresh_access_token": {body: `{"token_type":"bearer"}`}})
	if _, err := c.RefreshToken(t.Context(), "IGAA_LONG"); err == nil || !strings.Contains(err.Error(), "no access_token") {
		t.Errorf("error = %v, want one about the missing access_token", err)
	}
}

func TestSecretsNotPrinted(t *testing.T) {
	token := TokenResponse{AccessToken: "IGAA_SECRET_TOKEN", TokenType: "bearer"}
	cred := Credentials{Kind: KindInstagram, Token: "IGAA_SECRET_TOKEN", UserID: "1"}
	app := AppCredentials{ID: "1", Secret: "IGAA_SECRET_TOKEN"}
	var logged strings.Builder
	logger := slog.New(slog.NewTextHandler(&logged, nil))
	logger.Info("Printed", "token", token, "cred", cred)
	texts := []string{
		fmt.Sprintf("%v %+v %#v %s", token, token, token, &token),
		fmt.Sprintf("%v %+v %#v %s", cred, cred, cred, &cred),
		fmt.Sprintf("%v %+v %#v %s", app, app, app, &app),
		logged.String(),
	}
	for _, text := range texts {
		if strings.Contains(text, "IGAA_SECRET_TOKEN") {
			t.Errorf("printed text contains the secret: %s", text)
		}
	}
}
