package instagram_test

import (
	"errors"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/igsource/igsource/internal/clock"
	"github.com/igsource/igsource/internal/emulator"
	"github.com/igsource/igsource/internal/instagram"
)

const callbackURL = "https://igsource.example/admin/oauth/callback"

// oauthEmulated is a client of an emulator whose fake clock the test moves.
type oauthEmulated struct {
	e      *emulator.Emulator
	c      *instagram.Client
	server *httptest.Server
	clock  *clock.Fake
}

func newOAuthEmulated(t *testing.T) *oauthEmulated {
	t.Helper()
	fake := clock.NewFake(time.Date(2026, 3, 10, 12, 0, 0, 0, time.UTC))
	e := emulator.New(emulator.Options{Clock: fake, ImageSide: 32, VideoBytes: 4096})
	server := httptest.NewServer(e.Handler())
	t.Cleanup(server.Close)
	e.SetBaseURL(server.URL)
	c, err := instagram.New(instagram.Config{
		InstagramBaseURL:  e.InstagramBaseURL(),
		FacebookBaseURL:   e.FacebookBaseURL(),
		InstagramOAuthURL: server.URL + "/api.instagram.com",
		HTTPClient:        server.Client(),
		Clock:             fake,
	})
	if err != nil {
		t.Fatal(err)
	}
	return &oauthEmulated{e: e, c: c, server: server, clock: fake}
}

// authorize submits the emulator's consent form with "allow" and returns the code of the
// redirect, with the "#_" that Instagram appends.
func (env *oauthEmulated) authorize(t *testing.T, kind instagram.Kind) string {
	t.Helper()
	form := url.Values{
		"redirect_uri":  {callbackURL},
		"response_type": {"code"},
		"decision":      {"allow"},
		"client_id":     {emulator.DefaultInstagramAppID},
		"scope":         {"instagram_business_basic"},
	}
	path := "/www.instagram.com/oauth/authorize"
	if kind == instagram.KindFacebook {
		form.Set("client_id", emulator.DefaultFacebookAppID)
		form.Set("scope", "instagram_basic,pages_show_list,pages_read_engagement")
		path = "/www.facebook.com/v25.0/dialog/oauth"
	}

	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := client.PostForm(env.server.URL+path, form)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()

	location, err := url.Parse(resp.Header.Get("Location"))
	if err != nil {
		t.Fatal(err)
	}
	code := location.Query().Get("code")
	if code == "" {
		t.Fatalf("consent redirect %q has no code", location.Redacted())
	}
	if location.Fragment != "" {
		code += "#" + location.Fragment
	}
	return code
}

func TestEmulatorInstagramLoginTokens(t *testing.T) {
	env := newOAuthEmulated(t)
	app := instagram.AppCredentials{ID: emulator.DefaultInstagramAppID, Secret: emulator.DefaultInstagramAppSecret}
	code := env.authorize(t, instagram.KindInstagram)

	short, err := env.c.ExchangeCode(t.Context(), app, callbackURL, code)
	if err != nil {
		t.Fatalf("ExchangeCode: %v", err)
	}
	if want := env.e.Accounts().CreatorAppScopedID; string(short.UserID) != want {
		t.Errorf("UserID = %q, want the app-scoped id %q", short.UserID, want)
	}
	if len(short.Permissions) == 0 {
		t.Error("Permissions is empty")
	}

	_, err = env.c.ExchangeCode(t.Context(), app, callbackURL, code)
	if e, ok := errors.AsType[*instagram.Error](err); !ok || e.Kind != instagram.InvalidRequest || e.Type != "OAuthException" {
		t.Errorf("reused code: error = %v, want an invalid_request *Error from the legacy shape", err)
	}

	long, err := env.c.ExchangeLongLived(t.Context(), app.Secret, short.AccessToken)
	if err != nil {
		t.Fatalf("ExchangeLongLived: %v", err)
	}
	if long.ExpiresIn != 5183944*time.Second {
		t.Errorf("ExpiresIn = %v, want 5183944s", long.ExpiresIn)
	}

	if _, err := env.c.RefreshToken(t.Context(), long.AccessToken); err == nil {
		t.Error("RefreshToken of a token younger than 24 hours succeeded")
	}
	env.clock.Advance(25 * time.Hour)
	refreshed, err := env.c.RefreshToken(t.Context(), long.AccessToken)
	if err != nil {
		t.Fatalf("RefreshToken after 25 hours: %v", err)
	}
	me, err := env.c.Me(t.Context(), instagram.Credentials{Kind: instagram.KindInstagram, Token: refreshed.AccessToken}, nil)
	if err != nil {
		t.Fatalf("Me with the refreshed token: %v", err)
	}
	if want := env.e.Accounts().CreatorUserID; string(me.UserID) != want {
		t.Errorf("Me.UserID = %q, want %q", me.UserID, want)
	}
}

func TestEmulatorFacebookLoginTokens(t *testing.T) {
	env := newOAuthEmulated(t)
	app := instagram.AppCredentials{ID: emulator.DefaultFacebookAppID, Secret: emulator.DefaultFacebookAppSecret}
	code := env.authorize(t, instagram.KindFacebook)

	user, err := env.c.ExchangeFacebookCode(t.Context(), app, callbackURL, code)
	if err != nil {
		t.Fatalf("ExchangeFacebookCode: %v", err)
	}
	long, err := env.c.ExchangeFacebookLongLived(t.Context(), app, user.AccessToken)
	if err != nil {
		t.Fatalf("ExchangeFacebookLongLived: %v", err)
	}
	if long.ExpiresIn <= 0 {
		t.Errorf("ExpiresIn = %v, want a positive lifetime", long.ExpiresIn)
	}
	pages, err := env.c.Pages(t.Context(), instagram.Credentials{Kind: instagram.KindFacebook, Token: long.AccessToken})
	if err != nil {
		t.Fatalf("Pages with the long-lived token: %v", err)
	}
	if len(pages) == 0 {
		t.Error("Pages returned none")
	}

	_, err = env.c.ExchangeFacebookLongLived(t.Context(), app, "EAA_NOT_ISSUED")
	if !instagram.IsTokenInvalid(err) {
		t.Errorf("long-lived exchange of an unknown token: IsTokenInvalid(%v) = false", err)
	}
	if err != nil && strings.Contains(err.Error(), app.Secret) {
		t.Errorf("error %q contains the app secret", err)
	}
}
