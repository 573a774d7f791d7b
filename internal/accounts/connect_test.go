package accounts_test

import (
	"context"
	"fmt"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/igsource/igsource/internal/accounts"
	"github.com/igsource/igsource/internal/apperr"
	"github.com/igsource/igsource/internal/clock"
	"github.com/igsource/igsource/internal/instagram"
	"github.com/igsource/igsource/internal/store"
)

const (
	testRedirect = "https://igsource.example/admin/oauth/callback"
	goodCode     = "AQBx-code"
)

// scriptedMeta returns fixed values for the connect calls and accepts goodCode once.
type scriptedMeta struct {
	accounts.Meta

	used          map[string]bool
	longLivedFrom []string // tokens passed to a long-lived exchange
	pages         []store.Page
}

func newScriptedMeta() *scriptedMeta {
	return &scriptedMeta{used: map[string]bool{}, pages: []store.Page{
		{ID: "101", Name: "Cafe without Instagram"},
		{ID: "102", Name: "Cafe", UserID: "17841400000000002"},
	}}
}

func (m *scriptedMeta) useCode(code string) error {
	if code != goodCode || m.used[code] {
		return &instagram.Error{Op: "POST /oauth/access_token", HTTPStatus: 400, Code: 400,
			Type: "OAuthException", Message: "Matching code was not found or was already used",
			Kind: instagram.InvalidRequest}
	}
	m.used[code] = true
	return nil
}

func (m *scriptedMeta) ExchangeInstagramCode(_ context.Context, code string) (accounts.Token, error) {
	if err := m.useCode(code); err != nil {
		return accounts.Token{}, err
	}
	return accounts.Token{AccessToken: "IGAA-short", ExpiresIn: time.Hour, UserID: "27000000000000001"}, nil
}

func (m *scriptedMeta) ExchangeInstagramLongLived(_ context.Context, short string) (accounts.Token, error) {
	m.longLivedFrom = append(m.longLivedFrom, short)
	return accounts.Token{AccessToken: "IGAA-long", ExpiresIn: 5183944 * time.Second}, nil
}

func (m *scriptedMeta) InstagramMe(_ context.Context, token string) (accounts.Profile, error) {
	if token != "IGAA-long" {
		return accounts.Profile{}, fmt.Errorf("me with token %q: %w", token, accounts.ErrTokenInvalid)
	}
	return accounts.Profile{ID: "27000000000000001", UserID: "17841400000000001", Username: "creator", Name: "Creator"}, nil
}

func (m *scriptedMeta) ExchangeFacebookCode(_ context.Context, code string) (accounts.Token, error) {
	if err := m.useCode(code); err != nil {
		return accounts.Token{}, err
	}
	return accounts.Token{AccessToken: "EAA-short", ExpiresIn: time.Hour}, nil
}

func (m *scriptedMeta) ExchangeFacebookLongLived(_ context.Context, short string) (accounts.Token, error) {
	m.longLivedFrom = append(m.longLivedFrom, short)
	return accounts.Token{AccessToken: "EAA-long", ExpiresIn: 5183944 * time.Second}, nil
}

func (m *scriptedMeta) FacebookMe(context.Context, string) (accounts.Profile, error) {
	return accounts.Profile{ID: "10200000000000001", Name: "Owner"}, nil
}

func (m *scriptedMeta) FacebookPages(context.Context, string) ([]store.Page, error) {
	return m.pages, nil
}

func (m *scriptedMeta) FacebookInstagramUser(_ context.Context, _, userID string) (accounts.Profile, error) {
	return accounts.Profile{ID: userID, Username: "cafe", Name: "Cafe"}, nil
}

type connectEnv struct {
	clock *clock.Fake
	store *memStore
	meta  *scriptedMeta
	svc   *accounts.Service
}

func newConnectEnv(t *testing.T) *connectEnv {
	t.Helper()
	env := &connectEnv{clock: clock.NewFake(date("2024-01-01T00:00:00Z")), store: newMemStore(), meta: newScriptedMeta()}
	svc, err := accounts.New(accounts.Options{
		InstagramAppID: "990001", FacebookAppID: "880001", RedirectURI: testRedirect,
		Store: env.store, Meta: env.meta, Clock: env.clock,
	})
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	env.svc = svc
	return env
}

// start begins a connection and returns the state in the authorization URL.
func (env *connectEnv) start(t *testing.T, kind instagram.Kind, session string) string {
	t.Helper()
	raw, err := env.svc.StartConnect(t.Context(), kind, session)
	if err != nil {
		t.Fatalf("StartConnect: %v", err)
	}
	u, err := url.Parse(raw)
	if err != nil {
		t.Fatalf("parse authorization URL: %v", err)
	}
	return u.Query().Get("state")
}

func TestStartConnectURL(t *testing.T) {
	tests := []struct {
		kind     instagram.Kind
		wantBase string
		want     url.Values
	}{
		{instagram.KindInstagram, "https://www.instagram.com/oauth/authorize", url.Values{
			"client_id": {"990001"}, "redirect_uri": {testRedirect}, "response_type": {"code"},
			"scope": {"instagram_business_basic"}}},
		{instagram.KindFacebook, "https://www.facebook.com/v25.0/dialog/oauth", url.Values{
			"client_id": {"880001"}, "redirect_uri": {testRedirect}, "response_type": {"code"},
			"scope": {"instagram_basic,pages_show_list,pages_read_engagement"}}},
	}
	for _, tt := range tests {
		t.Run(string(tt.kind), func(t *testing.T) {
			env := newConnectEnv(t)
			raw, err := env.svc.StartConnect(t.Context(), tt.kind, "session-1")
			if err != nil {
				t.Fatalf("StartConnect: %v", err)
			}
			u, err := url.Parse(raw)
			if err != nil {
				t.Fatalf("parse %q: %v", raw, err)
			}
			if got := u.Scheme + "://" + u.Host + u.Path; got != tt.wantBase {
				t.Errorf("authorization page = %q, want %q", got, tt.wantBase)
			}
			q := u.Query()
			state := q.Get("state")
			q.Del("state")
			if diff := cmp.Diff(tt.want, q); diff != "" {
				t.Errorf("query (-want +got):\n%s", diff)
			}
			if len(state) < 20 {
				t.Errorf("state %q is too short to be unguessable", state)
			}
			kind, err := env.store.ConsumeOAuthState(t.Context(), state, "session-1", env.clock.Now(), time.Hour)
			if err != nil || kind != string(tt.kind) {
				t.Errorf("stored state = %q, %v; want kind %q bound to the session", kind, err, tt.kind)
			}
		})
	}
}

func TestFinishConnectInstagram(t *testing.T) {
	env := newConnectEnv(t)
	state := env.start(t, instagram.KindInstagram, "session-1")
	env.clock.Advance(2 * time.Minute)

	a, err := env.svc.FinishConnect(t.Context(), "session-1", url.Values{"code": {goodCode + "#_"}, "state": {state}})
	if err != nil {
		t.Fatalf("FinishConnect: %v", err)
	}
	now := env.clock.Now()
	want := store.Account{ID: a.ID, Kind: instagram.KindInstagram, UserID: "17841400000000001",
		AppScopedID: "27000000000000001", Username: "creator", Name: "Creator", Token: "IGAA-long",
		TokenIssuedAt: now, TokenExpiresAt: now.Add(5183944 * time.Second), Status: store.StatusActive}
	if diff := cmp.Diff(want, env.store.get(a.ID)); diff != "" {
		t.Errorf("stored account (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{"IGAA-short"}, env.meta.longLivedFrom); diff != "" {
		t.Errorf("long-lived exchanges (-want +got):\n%s", diff)
	}
}

func TestFinishConnectFacebook(t *testing.T) {
	env := newConnectEnv(t)
	state := env.start(t, instagram.KindFacebook, "session-1")

	a, err := env.svc.FinishConnect(t.Context(), "session-1", url.Values{"code": {goodCode}, "state": {state}})
	if err != nil {
		t.Fatalf("FinishConnect: %v", err)
	}
	got := env.store.get(a.ID)
	want := store.Account{ID: a.ID, Kind: instagram.KindFacebook, UserID: "17841400000000002",
		AppScopedID: "10200000000000001", Username: "cafe", Name: "Cafe", Token: "EAA-long",
		TokenIssuedAt: env.clock.Now(), TokenExpiresAt: env.clock.Now().Add(5183944 * time.Second),
		Status: store.StatusActive, Pages: env.meta.pages}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("stored account (-want +got):\n%s", diff)
	}
}

func TestFinishConnectFacebookWithoutLinkedPage(t *testing.T) {
	env := newConnectEnv(t)
	env.meta.pages = env.meta.pages[:1]
	state := env.start(t, instagram.KindFacebook, "session-1")

	_, err := env.svc.FinishConnect(t.Context(), "session-1", url.Values{"code": {goodCode}, "state": {state}})
	if got := apperr.CodeOf(err); got != apperr.Invalid {
		t.Fatalf("error code = %q, want INVALID_INPUT (error %v)", got, err)
	}
	if msg := apperr.MessageOf(err); !strings.Contains(msg, "link the Instagram account to a Page") {
		t.Errorf("message %q does not say what to do", msg)
	}
}

func TestFinishConnectRejectsState(t *testing.T) {
	tests := []struct {
		name    string
		params  func(state string) url.Values
		session string
		advance time.Duration
		wantMsg string
	}{
		{"missing state", func(string) url.Values { return url.Values{"code": {goodCode}} },
			"session-1", 0, "no state parameter"},
		{"wrong state", func(string) url.Values { return url.Values{"code": {goodCode}, "state": {"forged"}} },
			"session-1", 0, "does not match any connection"},
		{"other session", func(s string) url.Values { return url.Values{"code": {goodCode}, "state": {s}} },
			"session-2", 0, "another browser session"},
		{"expired state", func(s string) url.Values { return url.Values{"code": {goodCode}, "state": {s}} },
			"session-1", time.Hour, "more than 30m0s ago"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			env := newConnectEnv(t)
			state := env.start(t, instagram.KindInstagram, "session-1")
			env.clock.Advance(tt.advance)

			_, err := env.svc.FinishConnect(t.Context(), tt.session, tt.params(state))
			if got := apperr.CodeOf(err); got != apperr.Invalid {
				t.Fatalf("error code = %q, want INVALID_INPUT (error %v)", got, err)
			}
			if msg := apperr.MessageOf(err); !strings.Contains(msg, tt.wantMsg) {
				t.Errorf("message %q does not contain %q", msg, tt.wantMsg)
			}
			if len(env.meta.used) != 0 {
				t.Error("the code was exchanged despite the rejected state")
			}
		})
	}
}

func TestFinishConnectReusedCallback(t *testing.T) {
	env := newConnectEnv(t)
	state := env.start(t, instagram.KindInstagram, "session-1")
	params := url.Values{"code": {goodCode}, "state": {state}}
	if _, err := env.svc.FinishConnect(t.Context(), "session-1", params); err != nil {
		t.Fatalf("first FinishConnect: %v", err)
	}

	_, err := env.svc.FinishConnect(t.Context(), "session-1", params)
	if msg := apperr.MessageOf(err); !strings.Contains(msg, "already used") {
		t.Errorf("message %q does not say the result was already used", msg)
	}
}

func TestFinishConnectReusedCode(t *testing.T) {
	env := newConnectEnv(t)
	first := env.start(t, instagram.KindInstagram, "session-1")
	if _, err := env.svc.FinishConnect(t.Context(), "session-1", url.Values{"code": {goodCode}, "state": {first}}); err != nil {
		t.Fatalf("first FinishConnect: %v", err)
	}
	second := env.start(t, instagram.KindInstagram, "session-1")

	_, err := env.svc.FinishConnect(t.Context(), "session-1", url.Values{"code": {goodCode}, "state": {second}})
	if got := apperr.CodeOf(err); got != apperr.Invalid {
		t.Fatalf("error code = %q, want INVALID_INPUT (error %v)", got, err)
	}
	msg := apperr.MessageOf(err)
	for _, want := range []string{"Matching code was not found or was already used", "works once", "start the connection again"} {
		if !strings.Contains(msg, want) {
			t.Errorf("message %q does not contain %q", msg, want)
		}
	}
}

func TestFinishConnectDenied(t *testing.T) {
	env := newConnectEnv(t)
	state := env.start(t, instagram.KindFacebook, "session-1")
	params := url.Values{"error": {"access_denied"}, "error_reason": {"user_denied"},
		"error_description": {"The user denied your request"}, "state": {state}}

	_, err := env.svc.FinishConnect(t.Context(), "session-1", params)
	msg := apperr.MessageOf(err)
	for _, want := range []string{"declined at Facebook", "The user denied your request", "choose Allow"} {
		if !strings.Contains(msg, want) {
			t.Errorf("message %q does not contain %q", msg, want)
		}
	}
	if _, err := env.store.ConsumeOAuthState(t.Context(), state, "session-1", env.clock.Now(), time.Hour); err == nil {
		t.Error("state still usable after a declined login")
	}
}

func TestParseCallback(t *testing.T) {
	tests := []struct {
		name    string
		raw     string
		want    url.Values
		wantErr bool
	}{
		{"whole URL with fragment", " https://igsource.example/admin/oauth/callback?code=AQB&state=s1#_\n",
			url.Values{"code": {"AQB"}, "state": {"s1"}}, false},
		{"query string", "code=AQB&state=s1", url.Values{"code": {"AQB"}, "state": {"s1"}}, false},
		{"denial", "https://x.example/cb?error=access_denied&error_reason=user_denied&state=s1",
			url.Values{"error": {"access_denied"}, "error_reason": {"user_denied"}, "state": {"s1"}}, false},
		{"bare code", "AQB", nil, true},
		{"empty", "", nil, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := accounts.ParseCallback(tt.raw)
			if (err != nil) != tt.wantErr {
				t.Fatalf("ParseCallback error = %v, want error %v", err, tt.wantErr)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("params (-want +got):\n%s", diff)
			}
		})
	}
}
