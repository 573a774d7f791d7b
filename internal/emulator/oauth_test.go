package emulator_test

import (
	"encoding/json"
	"html"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/igsource/igsource/internal/clock"
	"github.com/igsource/igsource/internal/emulator"
)

const oauthRedirect = "https://app.example/admin/oauth/callback"

type oauthEnv struct {
	emu   *emulator.Emulator
	clock *clock.Fake
	srv   *httptest.Server
}

func newOAuthEnv(t *testing.T) *oauthEnv {
	t.Helper()
	clk := clock.NewFake(time.Date(2025, 6, 1, 12, 0, 0, 0, time.UTC))
	emu := emulator.New(emulator.Options{Clock: clk})
	srv := httptest.NewServer(emu.Handler())
	t.Cleanup(srv.Close)
	emu.SetBaseURL(srv.URL)
	return &oauthEnv{emu: emu, clock: clk, srv: srv}
}

// oauthNoRedirects is a client that returns redirects instead of following them, so that tests
// read the Location Meta sends.
var oauthNoRedirects = &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error {
	return http.ErrUseLastResponse
}}

var oauthHiddenInput = regexp.MustCompile(`<input type="hidden" name="([^"]+)" value="([^"]*)">`)

func (env *oauthEnv) authorizeURL(kind string, state string) string {
	q := url.Values{"redirect_uri": {oauthRedirect}, "response_type": {"code"}, "state": {state}}
	if kind == "facebook" {
		q.Set("client_id", emulator.DefaultFacebookAppID)
		q.Set("scope", "instagram_basic,pages_show_list,pages_read_engagement")
		return env.srv.URL + "/www.facebook.com/v25.0/dialog/oauth?" + q.Encode()
	}
	q.Set("client_id", emulator.DefaultInstagramAppID)
	q.Set("scope", "instagram_business_basic")
	return env.srv.URL + "/www.instagram.com/oauth/authorize?" + q.Encode()
}

// consent opens the login window, submits its form with decision and returns the redirect.
func oauthConsent(t *testing.T, authorizeURL, decision string) string {
	t.Helper()
	resp, body := oauthSend(t, oauthNoRedirects, http.MethodGet, authorizeURL, nil)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET login window: status %d, body %s", resp.StatusCode, body)
	}
	form := url.Values{"decision": {decision}}
	for _, m := range oauthHiddenInput.FindAllStringSubmatch(body, -1) {
		form.Set(m[1], html.UnescapeString(m[2]))
	}
	action, _, _ := strings.Cut(authorizeURL, "?")
	resp, body = oauthSend(t, oauthNoRedirects, http.MethodPost, action, form)
	if resp.StatusCode != http.StatusFound {
		t.Fatalf("POST consent: status %d, body %s", resp.StatusCode, body)
	}
	return resp.Header.Get("Location")
}

func oauthSend(t *testing.T, c *http.Client, method, rawURL string, form url.Values) (*http.Response, string) {
	t.Helper()
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	req, err := http.NewRequestWithContext(t.Context(), method, rawURL, body)
	if err != nil {
		t.Fatal(err)
	}
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	resp, err := c.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, rawURL, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp, string(b)
}

// codeOf returns the code of an Instagram Login redirect, checking the trailing "#_".
func oauthCodeOf(t *testing.T, location string) string {
	t.Helper()
	u, err := url.Parse(location)
	if err != nil {
		t.Fatalf("parse redirect %q: %v", location, err)
	}
	return u.Query().Get("code")
}

func (env *oauthEnv) exchangeCode(t *testing.T, code, redirect string) (*http.Response, string) {
	t.Helper()
	return oauthSend(t, http.DefaultClient, http.MethodPost, env.srv.URL+"/api.instagram.com/oauth/access_token", url.Values{
		"client_id": {emulator.DefaultInstagramAppID}, "client_secret": {emulator.DefaultInstagramAppSecret},
		"grant_type": {"authorization_code"}, "redirect_uri": {redirect}, "code": {code}})
}

type oauthToken struct {
	AccessToken string `json:"access_token"`
	TokenType   string `json:"token_type"`
	ExpiresIn   int    `json:"expires_in"`
}

func decodeOAuthToken(t *testing.T, resp *http.Response, body string) oauthToken {
	t.Helper()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("token call: status %d, body %s", resp.StatusCode, body)
	}
	var tok oauthToken
	if err := json.Unmarshal([]byte(body), &tok); err != nil {
		t.Fatalf("decode %s: %v", body, err)
	}
	return tok
}

// fetchOAuthToken GETs a token endpoint and decodes its success response.
func fetchOAuthToken(t *testing.T, rawURL string) oauthToken {
	t.Helper()
	resp, body := oauthGet(t, rawURL)
	return decodeOAuthToken(t, resp, body)
}

func TestOAuthInstagramRedirect(t *testing.T) {
	env := newOAuthEnv(t)
	location := oauthConsent(t, env.authorizeURL("instagram", "st-1"), "allow")

	code := oauthCodeOf(t, location)
	want := oauthRedirect + "?code=" + url.QueryEscape(code) + "&state=st-1#_"
	if location != want {
		t.Errorf("redirect = %q, want %q", location, want)
	}
	if !strings.HasPrefix(code, "AQ") {
		t.Errorf("code %q does not look like Meta's", code)
	}
}

func TestOAuthInstagramDeny(t *testing.T) {
	env := newOAuthEnv(t)
	location := oauthConsent(t, env.authorizeURL("instagram", "st-1"), "deny")

	want := oauthRedirect + "?error=access_denied&error_reason=user_denied" +
		"&error_description=The+user+denied+your+request&state=st-1"
	if location != want {
		t.Errorf("redirect = %q, want %q", location, want)
	}
}

func TestOAuthCodeExchangeShape(t *testing.T) {
	env := newOAuthEnv(t)
	code := oauthCodeOf(t, oauthConsent(t, env.authorizeURL("instagram", "st-1"), "allow"))

	resp, body := env.exchangeCode(t, code, oauthRedirect)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("status %d, body %s", resp.StatusCode, body)
	}
	userID := env.emu.Accounts().CreatorAppScopedID
	if !strings.Contains(body, `"user_id":`+userID+`,`) {
		t.Errorf("body %s does not carry user_id %s as a bare number", body, userID)
	}
	var got map[string]any
	if err := json.Unmarshal([]byte(body), &got); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]any{"instagram_business_basic"}, got["permissions"]); diff != "" {
		t.Errorf("permissions (-want +got):\n%s", diff)
	}
	token, _ := got["access_token"].(string)
	rec, ok := env.emu.Token(token)
	if !ok || !strings.HasPrefix(token, "IGAA") {
		t.Fatalf("access_token is not an Instagram Login token of the emulator")
	}
	if got := rec.Expires.Sub(rec.Issued); got != time.Hour {
		t.Errorf("short-lived token lifetime = %v, want 1h", got)
	}
}

func TestOAuthCodeExchangeRejects(t *testing.T) {
	const notFound = `{"error_type":"OAuthException","code":400,"error_message":"Matching code was not found or was already used"}`
	tests := []struct {
		name     string
		prepare  func(env *oauthEnv, code string)
		redirect string
		want     string
	}{
		{"reused code", func(env *oauthEnv, code string) {
			env.exchangeCode(t, code, oauthRedirect)
		}, oauthRedirect, notFound},
		{"code older than an hour", func(env *oauthEnv, _ string) {
			env.clock.Advance(time.Hour)
		}, oauthRedirect, notFound},
		{"other redirect URI", func(*oauthEnv, string) {}, oauthRedirect + "/",
			`{"error_type":"OAuthException","code":400,"error_message":"Error validating verification code. ` +
				`Please make sure your redirect_uri is identical to the one you used in the OAuth dialog request"}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			env := newOAuthEnv(t)
			code := oauthCodeOf(t, oauthConsent(t, env.authorizeURL("instagram", "st-1"), "allow"))
			tt.prepare(env, code)

			resp, body := env.exchangeCode(t, code, tt.redirect)
			if resp.StatusCode != http.StatusBadRequest {
				t.Errorf("status = %d, want 400", resp.StatusCode)
			}
			if body != tt.want {
				t.Errorf("body = %s, want %s", body, tt.want)
			}
		})
	}
}

func TestOAuthLongLivedExchange(t *testing.T) {
	env := newOAuthEnv(t)
	short := env.emu.IssueToken("instagram", emulator.AccountKey(env.emu.Accounts().CreatorUserID), time.Hour)
	q := url.Values{"grant_type": {"ig_exchange_token"}, "client_secret": {emulator.DefaultInstagramAppSecret},
		"access_token": {short}}

	tok := fetchOAuthToken(t, env.srv.URL+"/graph.instagram.com/access_token?"+q.Encode())
	if tok.TokenType != "bearer" || tok.ExpiresIn != 5183944 {
		t.Errorf("token_type %q, expires_in %d; want bearer, 5183944", tok.TokenType, tok.ExpiresIn)
	}
	resp, body := oauthGet(t, env.srv.URL+"/graph.instagram.com/v25.0/me?fields=username&access_token="+url.QueryEscape(tok.AccessToken))
	if resp.StatusCode != http.StatusOK || !strings.Contains(body, env.emu.Accounts().CreatorUsername) {
		t.Errorf("/me with the long-lived token: status %d, body %s", resp.StatusCode, body)
	}
}

func oauthGet(t *testing.T, rawURL string) (*http.Response, string) {
	t.Helper()
	return oauthSend(t, http.DefaultClient, http.MethodGet, rawURL, nil)
}

func TestOAuthRefresh(t *testing.T) {
	tests := []struct {
		name        string
		method      string
		age         time.Duration
		revoke      int // subcode; -1 keeps the token
		wantCode    int
		wantSubcode int
		wantType    string
	}{
		{"refreshed", http.MethodGet, 25 * time.Hour, -1, 0, 0, ""},
		{"younger than 24 hours", http.MethodGet, 23 * time.Hour, -1, 100, 0, "IGApiException"},
		{"post", http.MethodPost, 25 * time.Hour, -1, 100, 0, "IGApiException"},
		{"expired", http.MethodGet, 61 * 24 * time.Hour, -1, 190, 463, "OAuthException"},
		{"password changed", http.MethodGet, 25 * time.Hour, 460, 190, 460, "OAuthException"},
		{"session expired without subcode", http.MethodGet, 25 * time.Hour, 0, 190, 0, "OAuthException"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			env := newOAuthEnv(t)
			token := env.emu.IssueToken("instagram", emulator.AccountKey(env.emu.Accounts().CreatorUserID), 60*24*time.Hour)
			if tt.revoke >= 0 {
				if err := env.emu.RevokeToken(token, tt.revoke); err != nil {
					t.Fatal(err)
				}
			}
			if err := env.emu.AdvanceClock(tt.age); err != nil {
				t.Fatal(err)
			}
			q := url.Values{"grant_type": {"ig_refresh_token"}, "access_token": {token}}
			resp, body := oauthSend(t, http.DefaultClient, tt.method, env.srv.URL+"/graph.instagram.com/refresh_access_token?"+q.Encode(), nil)
			if tt.wantCode == 0 {
				tok := decodeOAuthToken(t, resp, body)
				if tok.AccessToken == token || tok.ExpiresIn != 5183944 {
					t.Errorf("refresh returned the same token or expires_in %d", tok.ExpiresIn)
				}
				return
			}
			var got struct {
				Error struct {
					Message string `json:"message"`
					Type    string `json:"type"`
					Code    int    `json:"code"`
					Subcode int    `json:"error_subcode"`
				} `json:"error"`
			}
			if err := json.Unmarshal([]byte(body), &got); err != nil {
				t.Fatalf("decode %s: %v", body, err)
			}
			if got.Error.Code != tt.wantCode || got.Error.Subcode != tt.wantSubcode || got.Error.Type != tt.wantType {
				t.Errorf("error = %+v, want code %d subcode %d type %s", got.Error, tt.wantCode, tt.wantSubcode, tt.wantType)
			}
			if tt.method == http.MethodPost && got.Error.Message != "Unsupported request - method type: post" {
				t.Errorf("message = %q, want Meta's unsupported-method text", got.Error.Message)
			}
		})
	}
}

func TestOAuthFacebookFlow(t *testing.T) {
	env := newOAuthEnv(t)
	location := oauthConsent(t, env.authorizeURL("facebook", "st-2"), "allow")
	u, err := url.Parse(location)
	if err != nil {
		t.Fatal(err)
	}
	if got := u.Query().Get("state"); got != "st-2" {
		t.Errorf("state = %q, want st-2", got)
	}
	q := url.Values{"client_id": {emulator.DefaultFacebookAppID}, "client_secret": {emulator.DefaultFacebookAppSecret},
		"redirect_uri": {oauthRedirect}, "code": {u.Query().Get("code")}}
	short := fetchOAuthToken(t, env.srv.URL+"/graph.facebook.com/v25.0/oauth/access_token?"+q.Encode())

	resp, body := oauthGet(t, env.srv.URL+"/graph.facebook.com/v25.0/oauth/access_token?"+q.Encode())
	if resp.StatusCode != http.StatusBadRequest || !strings.Contains(body, "This authorization code has been used.") {
		t.Errorf("reused code: status %d, body %s", resp.StatusCode, body)
	}

	q = url.Values{"grant_type": {"fb_exchange_token"}, "client_id": {emulator.DefaultFacebookAppID},
		"client_secret": {emulator.DefaultFacebookAppSecret}, "fb_exchange_token": {short.AccessToken}}
	long := fetchOAuthToken(t, env.srv.URL+"/graph.facebook.com/v25.0/oauth/access_token?"+q.Encode())
	if long.ExpiresIn != 5183944 || !strings.HasPrefix(long.AccessToken, "EAA") {
		t.Errorf("long-lived token: expires_in %d, prefix %.3s", long.ExpiresIn, long.AccessToken)
	}
	resp, body = oauthGet(t, env.srv.URL+"/graph.facebook.com/v25.0/me/accounts?fields=id,instagram_business_account&access_token="+
		url.QueryEscape(long.AccessToken))
	if resp.StatusCode != http.StatusOK || !strings.Contains(body, env.emu.Accounts().BusinessUserID) {
		t.Errorf("/me/accounts with the long-lived token: status %d, body %s", resp.StatusCode, body)
	}
}

func TestOAuthAppCredentials(t *testing.T) {
	env := newOAuthEnv(t)
	env.emu.SetOAuthApps(emulator.OAuthApps{InstagramAppID: "1", InstagramAppSecret: "s1",
		FacebookAppID: "2", FacebookAppSecret: "s2", RedirectURIs: []string{oauthRedirect}})

	resp, _ := oauthGet(t, env.authorizeURL("instagram", "st"))
	if resp.StatusCode != http.StatusBadRequest {
		t.Errorf("unknown client_id: status %d, want 400", resp.StatusCode)
	}
	q := url.Values{"client_id": {"1"}, "redirect_uri": {"https://other.example/cb"}, "response_type": {"code"},
		"scope": {"instagram_business_basic"}}
	resp, body := oauthGet(t, env.srv.URL+"/www.instagram.com/oauth/authorize?"+q.Encode())
	if resp.StatusCode != http.StatusBadRequest || !strings.Contains(body, "Invalid redirect_uri") {
		t.Errorf("unregistered redirect URI: status %d, body %s", resp.StatusCode, body)
	}
	resp, body = env.exchangeCode(t, "AQ-anything", oauthRedirect)
	if resp.StatusCode != http.StatusBadRequest || !strings.Contains(body, "Invalid platform app") {
		t.Errorf("exchange with the old app id: status %d, body %s", resp.StatusCode, body)
	}
}
