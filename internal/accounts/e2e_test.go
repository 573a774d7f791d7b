package accounts_test

import (
	"html"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/igsource/igsource/internal/accounts"
	"github.com/igsource/igsource/internal/clock"
	"github.com/igsource/igsource/internal/emulator"
	"github.com/igsource/igsource/internal/instagram"
	"github.com/igsource/igsource/internal/secrets"
	"github.com/igsource/igsource/internal/store"
	"github.com/igsource/igsource/internal/testutil"
)

// stack is igsource's accounts layer wired to the emulator over loopback HTTP, with a real
// SQLite store.
type stack struct {
	clock   *clock.Fake
	emu     *emulator.Emulator
	emuSrv  *httptest.Server
	admin   *httptest.Server
	store   *store.Store
	dbPath  string
	client  *instagram.Client
	svc     *accounts.Service
	logs    *testutil.SyncBuffer
	browser *http.Client
}

func newStack(t *testing.T) *stack {
	t.Helper()
	s := &stack{clock: clock.NewFake(date("2025-06-01T12:00:00Z")), logs: &testutil.SyncBuffer{}}
	logger := slog.New(slog.NewJSONHandler(s.logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	s.emu = emulator.New(emulator.Options{Clock: s.clock, Logger: logger})
	s.emuSrv = httptest.NewServer(s.emu.Handler())
	t.Cleanup(s.emuSrv.Close)
	s.emu.SetBaseURL(s.emuSrv.URL)

	var err error
	s.client, err = instagram.New(instagram.Config{
		InstagramBaseURL: s.emu.InstagramBaseURL(), FacebookBaseURL: s.emu.FacebookBaseURL(),
		InstagramOAuthURL: s.emuSrv.URL + "/api.instagram.com", Clock: s.clock, Logger: logger,
	})
	if err != nil {
		t.Fatalf("instagram.New: %v", err)
	}
	dir := t.TempDir()
	key, err := secrets.LoadOrCreateKey(dir, "")
	if err != nil {
		t.Fatalf("LoadOrCreateKey: %v", err)
	}
	sealer, err := secrets.NewSealer(key)
	if err != nil {
		t.Fatalf("NewSealer: %v", err)
	}
	s.dbPath = filepath.Join(dir, "igsource.db")
	s.store, err = store.Open(t.Context(), s.dbPath, sealer, s.clock)
	if err != nil {
		t.Fatalf("store.Open: %v", err)
	}
	t.Cleanup(func() { s.store.Close() })

	var handler http.Handler
	s.admin = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		handler.ServeHTTP(w, r)
	}))
	t.Cleanup(s.admin.Close)
	redirect := s.admin.URL + "/admin/oauth/callback"
	s.svc, err = accounts.New(accounts.Options{
		InstagramAppID: emulator.DefaultInstagramAppID, FacebookAppID: emulator.DefaultFacebookAppID,
		RedirectURI:           redirect,
		InstagramAuthorizeURL: s.emuSrv.URL + "/www.instagram.com/oauth/authorize",
		FacebookDialogURL:     s.emuSrv.URL + "/www.facebook.com/v25.0/dialog/oauth",
		Store:                 s.store, Clock: s.clock, Logger: logger,
		Meta: &accounts.ClientMeta{Client: s.client, RedirectURI: redirect,
			InstagramApp: instagram.AppCredentials{ID: emulator.DefaultInstagramAppID, Secret: emulator.DefaultInstagramAppSecret},
			FacebookApp:  instagram.AppCredentials{ID: emulator.DefaultFacebookAppID, Secret: emulator.DefaultFacebookAppSecret}},
	})
	if err != nil {
		t.Fatalf("accounts.New: %v", err)
	}
	handler = accounts.NewHandler(s.svc, adminPassword)
	jar, err := cookiejar.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	s.browser = &http.Client{Jar: jar}
	return s
}

var consentInput = regexp.MustCompile(`<input type="hidden" name="([^"]+)" value="([^"]*)">`)

// connect runs a login of kind the way a browser does: the admin route redirects to the
// emulator's login window, the test submits its form with Allow, and the browser follows the
// redirect back to the callback. It returns the callback page.
func (s *stack) connect(t *testing.T, kind string) (int, string) {
	t.Helper()
	req, err := http.NewRequestWithContext(t.Context(), http.MethodGet, s.admin.URL+"/admin/connect/"+kind, nil)
	if err != nil {
		t.Fatal(err)
	}
	req.SetBasicAuth("admin", adminPassword)
	resp, page := do(t, s.browser, req)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("login window: status %d, body %s", resp.StatusCode, page)
	}
	form := url.Values{"decision": {"allow"}}
	for _, m := range consentInput.FindAllStringSubmatch(page, -1) {
		form.Set(m[1], html.UnescapeString(m[2]))
	}
	req, err = http.NewRequestWithContext(t.Context(), http.MethodPost, resp.Request.URL.String(),
		strings.NewReader(form.Encode()))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	resp, page = do(t, s.browser, req)
	return resp.StatusCode, page
}

func do(t *testing.T, c *http.Client, req *http.Request) (*http.Response, string) {
	t.Helper()
	resp, err := c.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", req.Method, req.URL, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp, string(body)
}

// onlyAccount returns the one stored account.
func (s *stack) onlyAccount(t *testing.T) store.Account {
	t.Helper()
	list, err := s.store.ListAccounts(t.Context())
	if err != nil {
		t.Fatalf("ListAccounts: %v", err)
	}
	if len(list) != 1 {
		t.Fatalf("stored %d accounts, want 1", len(list))
	}
	return list[0]
}

func TestConnectInstagramOverHTTP(t *testing.T) {
	s := newStack(t)
	status, page := s.connect(t, "instagram")
	if status != http.StatusOK {
		t.Fatalf("callback status = %d, want 200; page:\n%s", status, page)
	}
	demo := s.emu.Accounts()
	if !strings.Contains(page, "Connected @"+demo.CreatorUsername) {
		t.Errorf("callback page does not name @%s:\n%s", demo.CreatorUsername, page)
	}

	a := s.onlyAccount(t)
	if a.UserID != demo.CreatorUserID || a.AppScopedID != demo.CreatorAppScopedID {
		t.Errorf("ids = %s, %s; want %s, %s", a.UserID, a.AppScopedID, demo.CreatorUserID, demo.CreatorAppScopedID)
	}
	rec, ok := s.emu.Token(a.Token)
	if !ok {
		t.Fatal("stored token is unknown to the emulator")
	}
	if got := rec.Expires.Sub(rec.Issued); got != 5183944*time.Second {
		t.Errorf("stored token lifetime = %v, want the long-lived 5183944 s", got)
	}
	if want := s.clock.Now().Add(5183944 * time.Second); !a.TokenExpiresAt.Equal(want) {
		t.Errorf("stored expiry = %v, want %v", a.TokenExpiresAt, want)
	}
	me, err := s.client.Me(t.Context(), instagram.Credentials{Kind: instagram.KindInstagram, Token: a.Token}, nil)
	if err != nil {
		t.Fatalf("/me with the stored token: %v", err)
	}
	if me.Username != demo.CreatorUsername {
		t.Errorf("/me username = %q, want %q", me.Username, demo.CreatorUsername)
	}
}

func TestConnectFacebookOverHTTP(t *testing.T) {
	s := newStack(t)
	status, page := s.connect(t, "facebook")
	if status != http.StatusOK {
		t.Fatalf("callback status = %d, want 200; page:\n%s", status, page)
	}
	demo := s.emu.Accounts()
	a := s.onlyAccount(t)
	if a.Kind != instagram.KindFacebook || a.UserID != demo.BusinessUserID || a.Username != demo.BusinessUsername {
		t.Errorf("account = %s %s @%s, want facebook %s @%s", a.Kind, a.UserID, a.Username,
			demo.BusinessUserID, demo.BusinessUsername)
	}
	if len(a.Pages) != len(demo.Pages) {
		t.Errorf("stored %d Pages, want %d", len(a.Pages), len(demo.Pages))
	}
	if a.TokenExpiresAt.IsZero() {
		t.Error("stored token has no expiry")
	}
	cred := instagram.Credentials{Kind: instagram.KindFacebook, Token: a.Token, UserID: a.UserID}
	u, err := s.client.User(t.Context(), cred, a.UserID, []string{"id", "username"})
	if err != nil {
		t.Fatalf("read the linked account with the stored token: %v", err)
	}
	if u.Username != demo.BusinessUsername {
		t.Errorf("username = %q, want %q", u.Username, demo.BusinessUsername)
	}
}

func TestConnectPastedRedirect(t *testing.T) {
	s := newStack(t)
	authorize, err := s.svc.StartConnect(t.Context(), instagram.KindInstagram, "cli")
	if err != nil {
		t.Fatalf("StartConnect: %v", err)
	}
	location := consentRedirect(t, authorize)
	if !strings.HasSuffix(location, "#_") {
		t.Fatalf("redirect %q does not end in #_", location)
	}
	params, err := accounts.ParseCallback(location)
	if err != nil {
		t.Fatalf("ParseCallback: %v", err)
	}
	if _, err := s.svc.FinishConnect(t.Context(), "cli", params); err != nil {
		t.Fatalf("FinishConnect: %v", err)
	}

	second, err := s.svc.StartConnect(t.Context(), instagram.KindInstagram, "cli")
	if err != nil {
		t.Fatal(err)
	}
	secondState := mustQuery(t, second).Get("state")
	params.Set("state", secondState)
	_, err = s.svc.FinishConnect(t.Context(), "cli", params)
	if err == nil || !strings.Contains(err.Error(), "Matching code was not found or was already used") {
		t.Errorf("reused code: error = %v, want Meta's message", err)
	}
}

func mustQuery(t *testing.T, raw string) url.Values {
	t.Helper()
	u, err := url.Parse(raw)
	if err != nil {
		t.Fatal(err)
	}
	return u.Query()
}

// consentRedirect submits the login window with Allow and returns the redirect unfollowed.
func consentRedirect(t *testing.T, authorize string) string {
	t.Helper()
	c := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	req, err := http.NewRequestWithContext(t.Context(), http.MethodGet, authorize, nil)
	if err != nil {
		t.Fatal(err)
	}
	_, page := do(t, c, req)
	form := url.Values{"decision": {"allow"}}
	for _, m := range consentInput.FindAllStringSubmatch(page, -1) {
		form.Set(m[1], html.UnescapeString(m[2]))
	}
	action, _, _ := strings.Cut(authorize, "?")
	req, err = http.NewRequestWithContext(t.Context(), http.MethodPost, action, strings.NewReader(form.Encode()))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	resp, body := do(t, c, req)
	if resp.StatusCode != http.StatusFound {
		t.Fatalf("consent: status %d, body %s", resp.StatusCode, body)
	}
	return resp.Header.Get("Location")
}

func TestRefreshOverHTTP(t *testing.T) {
	s := newStack(t)
	if status, page := s.connect(t, "instagram"); status != http.StatusOK {
		t.Fatalf("connect: status %d, page %s", status, page)
	}
	before := s.onlyAccount(t)

	s.clock.Advance(55 * 24 * time.Hour)
	rep, err := s.svc.Refresher().RefreshDue(t.Context())
	if err != nil {
		t.Fatalf("RefreshDue: %v", err)
	}
	if len(rep.Refreshed) != 1 {
		t.Fatalf("report = %+v, want one refreshed account", rep)
	}
	after := s.onlyAccount(t)
	if after.Token == before.Token {
		t.Error("stored token unchanged after the refresh")
	}
	if want := s.clock.Now().Add(5183944 * time.Second); !after.TokenExpiresAt.Equal(want) {
		t.Errorf("expiry = %v, want %v", after.TokenExpiresAt, want)
	}

	if err := s.emu.RevokeToken(after.Token, 0); err != nil {
		t.Fatal(err)
	}
	s.clock.Advance(55 * 24 * time.Hour)
	if _, err := s.svc.Refresher().RefreshDue(t.Context()); err != nil {
		t.Fatalf("RefreshDue: %v", err)
	}
	if got := s.onlyAccount(t).Status; got != store.StatusNeedsReauth {
		t.Errorf("status after code 190 subcode 0 = %q, want needs_reauth", got)
	}
	calls := s.emu.Calls(emulator.EndpointRefresh)
	s.clock.Advance(24 * time.Hour)
	if _, err := s.svc.Refresher().RefreshDue(t.Context()); err != nil {
		t.Fatalf("RefreshDue: %v", err)
	}
	if got := s.emu.Calls(emulator.EndpointRefresh); got != calls {
		t.Errorf("refresh calls went from %d to %d for an account needing reconnection", calls, got)
	}
}

func TestTokensNeverInPlainText(t *testing.T) {
	s := newStack(t)
	for _, kind := range []string{"instagram", "facebook"} {
		if status, page := s.connect(t, kind); status != http.StatusOK {
			t.Fatalf("connect %s: status %d, page %s", kind, status, page)
		}
	}
	s.clock.Advance(55 * 24 * time.Hour)
	if _, err := s.svc.Refresher().RefreshDue(t.Context()); err != nil {
		t.Fatal(err)
	}
	list, err := s.store.ListAccounts(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	req, err := http.NewRequestWithContext(t.Context(), http.MethodGet, s.admin.URL+"/admin/api/accounts", nil)
	if err != nil {
		t.Fatal(err)
	}
	req.SetBasicAuth("admin", adminPassword)
	_, apiBody := do(t, http.DefaultClient, req)

	if !strings.Contains(s.logs.String(), "Token refreshed") {
		t.Fatalf("log has no refresh line, so it cannot show that tokens stay out of it:\n%s", s.logs.String())
	}
	files, err := filepath.Glob(s.dbPath + "*")
	if err != nil || len(files) == 0 {
		t.Fatalf("database files: %v, %v", files, err)
	}
	for _, a := range list {
		if a.Token == "" {
			t.Fatalf("account %d has no token", a.ID)
		}
		for _, f := range files {
			b, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			if strings.Contains(string(b), a.Token) {
				t.Errorf("%s contains the token of account %d", filepath.Base(f), a.ID)
			}
		}
		if strings.Contains(s.logs.String(), a.Token) {
			t.Errorf("log contains the token of account %d", a.ID)
		}
		if strings.Contains(apiBody, a.Token) {
			t.Errorf("admin API response contains the token of account %d", a.ID)
		}
	}
	if strings.Contains(s.logs.String(), emulator.DefaultInstagramAppSecret) {
		t.Error("log contains the app secret")
	}
}

func TestReconnectUpdatesInPlace(t *testing.T) {
	s := newStack(t)
	if status, page := s.connect(t, "instagram"); status != http.StatusOK {
		t.Fatalf("connect: status %d, page %s", status, page)
	}
	first := s.onlyAccount(t)
	instance := &store.Instance{Name: "blog", AccountID: first.ID}
	if err := s.store.CreateInstance(t.Context(), instance); err != nil {
		t.Fatalf("CreateInstance: %v", err)
	}
	if err := s.emu.RevokeToken(first.Token, 460); err != nil {
		t.Fatal(err)
	}
	s.clock.Advance(55 * 24 * time.Hour)
	if _, err := s.svc.Refresher().RefreshDue(t.Context()); err != nil {
		t.Fatal(err)
	}
	if got := s.onlyAccount(t).Status; got != store.StatusNeedsReauth {
		t.Fatalf("status after a revoked token = %q, want needs_reauth", got)
	}

	if status, page := s.connect(t, "instagram"); status != http.StatusOK {
		t.Fatalf("reconnect: status %d, page %s", status, page)
	}
	second := s.onlyAccount(t)
	if second.ID != first.ID {
		t.Errorf("account id after reconnect = %d, want %d", second.ID, first.ID)
	}
	if second.Status != store.StatusActive || second.StatusMessage != "" {
		t.Errorf("status after reconnect = %q %q, want active without a message", second.Status, second.StatusMessage)
	}
	if second.Token == first.Token {
		t.Error("token unchanged after reconnect")
	}
	got, err := s.store.Instance(t.Context(), instance.ID)
	if err != nil {
		t.Fatalf("instance after reconnect: %v", err)
	}
	if got.AccountID != first.ID {
		t.Errorf("instance account = %d, want %d", got.AccountID, first.ID)
	}
}

func TestClientMetaUsagePercent(t *testing.T) {
	s := newStack(t)
	demo := s.emu.Accounts()
	token := s.emu.DemoTokens(0).Instagram
	meta := &accounts.ClientMeta{Client: s.client, Clock: s.clock}
	s.emu.SetUsage(emulator.Usage{CallCount: 96, TotalCPUTime: 10, TotalTime: 12})

	cred := instagram.Credentials{Kind: instagram.KindInstagram, Token: token, UserID: demo.CreatorUserID}
	if _, err := s.client.User(t.Context(), cred, demo.CreatorUserID, []string{"id"}); err != nil {
		t.Fatalf("read the account: %v", err)
	}
	if got := meta.UsagePercent(demo.CreatorUserID); got != 96 {
		t.Errorf("usage after the report = %d, want 96", got)
	}
	s.clock.Advance(2 * time.Hour)
	if got := meta.UsagePercent(demo.CreatorUserID); got != 0 {
		t.Errorf("usage of a two-hour-old report = %d, want 0", got)
	}
}
