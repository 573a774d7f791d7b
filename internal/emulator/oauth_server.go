package emulator

import (
	"errors"
	"net/http"
	"sync"
	"time"

	"github.com/igsource/igsource/internal/instagram"
)

// Meta's OAuth behaviour that the emulator reproduces, each with the test that shows it:
//
//	Behaviour                                                      Test
//	Instagram Login redirects to redirect_uri?code=…&state=…#_;    TestOAuthInstagramRedirect
//	the trailing #_ is not part of the code.
//	A declined login redirects with error=access_denied,           TestOAuthInstagramDeny
//	error_reason=user_denied and error_description.
//	The code exchange is flat. Its user_id is the app-scoped id    TestOAuthCodeExchangeShape
//	as a bare 17-digit number, permissions is an array, and the
//	short-lived token lasts one hour.
//	Codes are single-use, valid one hour, and need the same        TestOAuthCodeExchangeRejects
//	redirect_uri byte for byte; failures use the legacy shape
//	{"error_type","code","error_message"}, not the Graph envelope.
//	ig_exchange_token gives a token with expires_in 5183944.       TestOAuthLongLivedExchange
//	ig_refresh_token works by GET only, on tokens at least 24      TestOAuthRefresh
//	hours old and unexpired; expired or revoked tokens fail with
//	190 and subcode 463, 460 or 0.
//	Facebook Login: dialog, code exchange, fb_exchange_token for   TestOAuthFacebookFlow
//	a 60-day user token, and /me/accounts with it.
//	App ids, secrets and registered redirect URIs are checked.     TestOAuthAppCredentials

// Path prefixes of the hosts that serve Meta's login pages and the Instagram Login code exchange.
const (
	prefixInstagramAPI = "/api.instagram.com"
	prefixInstagramWWW = "/www.instagram.com"
	prefixFacebookWWW  = "/www.facebook.com"
)

// Endpoints of the OAuth flows, for call counters and faults.
const (
	EndpointAuthorize    Endpoint = "oauth_authorize"     // the consent page of either login kind
	EndpointCodeExchange Endpoint = "oauth_code_exchange" // a code traded for a short-lived token
	EndpointLongLived    Endpoint = "oauth_long_lived"    // ig_exchange_token and fb_exchange_token
	EndpointRefresh      Endpoint = "oauth_refresh"       // ig_refresh_token
)

// Token and code lifetimes as Meta documents them for Instagram Login. Codes and short-lived
// tokens last one hour. Long-lived and refreshed tokens last 60 days, sent as expires_in
// 5183944, the value of Meta's documentation samples.
const (
	codeLifetime      = time.Hour
	shortLifetime     = time.Hour
	longLifetimeInSec = 5183944
	longLifetime      = longLifetimeInSec * time.Second
	minRefreshAge     = 24 * time.Hour
)

// Default app credentials of the emulated Meta apps.
const (
	DefaultInstagramAppID     = "990000000000001"
	DefaultInstagramAppSecret = "emulator-instagram-app-secret"
	DefaultFacebookAppID      = "880000000000001"
	DefaultFacebookAppSecret  = "emulator-facebook-app-secret"
)

// OAuthApps are the Meta apps whose logins the emulator accepts.
type OAuthApps struct {
	InstagramAppID     string
	InstagramAppSecret string
	FacebookAppID      string
	FacebookAppSecret  string
	// RedirectURIs lists the OAuth redirect URIs registered in the apps; Meta compares them
	// byte for byte. Empty accepts any redirect URI.
	RedirectURIs []string
}

// oauthServer is the state of the OAuth endpoints of one Emulator.
type oauthServer struct {
	e *Emulator

	mu    sync.Mutex
	apps  OAuthApps
	codes map[string]*authCode
}

// authCode is an authorization code granted on a consent page.
type authCode struct {
	kind        instagram.Kind
	clientID    string
	redirectURI string
	account     AccountKey
	scopes      []string
	issued      time.Time
	used        bool
}

func init() {
	extensions = append(extensions, registerOAuth)
}

// registerOAuth mounts the OAuth endpoints on a new emulator. The server is also the handler
// of the refresh_access_token Graph path, which is where oauth finds it again.
func registerOAuth(e *Emulator) {
	s := &oauthServer{e: e, codes: map[string]*authCode{}, apps: OAuthApps{
		InstagramAppID: DefaultInstagramAppID, InstagramAppSecret: DefaultInstagramAppSecret,
		FacebookAppID: DefaultFacebookAppID, FacebookAppSecret: DefaultFacebookAppSecret,
	}}
	e.Handle(prefixInstagramWWW+"/oauth/authorize", http.HandlerFunc(s.serveInstagramAuthorize))
	e.Handle(prefixFacebookWWW+"/", http.HandlerFunc(s.serveFacebookDialog))
	e.Handle(prefixInstagramAPI+"/oauth/access_token", http.HandlerFunc(s.serveCodeExchange))
	e.HandleGraphPath(HostInstagram, "access_token", http.HandlerFunc(s.serveInstagramLongLived))
	e.HandleGraphPath(HostInstagram, "refresh_access_token", s)
	e.HandleGraphPath(HostFacebook, "oauth", http.HandlerFunc(s.serveFacebookToken))
}

// ServeHTTP serves GET /graph.instagram.com/refresh_access_token.
func (s *oauthServer) ServeHTTP(w http.ResponseWriter, r *http.Request) { s.serveRefresh(w, r) }

// oauth returns the emulator's OAuth server.
func (e *Emulator) oauth() *oauthServer {
	// registerOAuth stored the server in graphPaths while New ran; nothing writes that entry
	// later, so reading it needs no lock.
	return e.graphPaths[prefixInstagram+"/refresh_access_token"].(*oauthServer)
}

// SetOAuthApps replaces the app credentials and redirect URIs that the OAuth endpoints check.
func (e *Emulator) SetOAuthApps(apps OAuthApps) {
	s := e.oauth()
	s.mu.Lock()
	defer s.mu.Unlock()
	s.apps = apps
}

// OAuthApps returns the app credentials that the OAuth endpoints check.
func (e *Emulator) OAuthApps() OAuthApps {
	s := e.oauth()
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.apps
}

// AdvanceClock moves the emulator's clock forward, which ages codes and tokens. It works when
// Options.Clock is a clock.Fake, or any clock with an Advance method.
func (e *Emulator) AdvanceClock(d time.Duration) error {
	c, ok := e.clock.(interface{ Advance(time.Duration) time.Time })
	if !ok {
		return errors.New("advance clock: the emulator runs on the system clock; create it with " +
			"Options.Clock set to clock.NewFake(...)")
	}
	c.Advance(d)
	return nil
}

// redirectAllowed reports whether uri is registered, or whether any URI is accepted.
func (s *oauthServer) redirectAllowed(uri string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.apps.RedirectURIs) == 0 {
		return true
	}
	for _, u := range s.apps.RedirectURIs {
		if u == uri {
			return true
		}
	}
	return false
}

// appOf returns the id and secret of kind's app.
func (s *oauthServer) appOf(kind instagram.Kind) (id, secret string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if kind == instagram.KindInstagram {
		return s.apps.InstagramAppID, s.apps.InstagramAppSecret
	}
	return s.apps.FacebookAppID, s.apps.FacebookAppSecret
}

// countCall records a call and returns the fault to apply to it, if any.
func (s *oauthServer) countCall(endpoint Endpoint, r *http.Request) *Fault {
	s.e.mu.Lock()
	defer s.e.mu.Unlock()
	s.e.record(endpoint, r)
	return s.e.takeFault(endpoint)
}
