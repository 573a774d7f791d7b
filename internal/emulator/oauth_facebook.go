package emulator

import (
	"net/http"
	"strings"

	"github.com/igsource/igsource/internal/instagram"
)

// serveFacebookToken serves GET graph.facebook.com/{version}/oauth/access_token: a code
// exchange for a short-lived user token, or with grant_type=fb_exchange_token a user token for
// a long-lived one (about 60 days). Facebook Login has no refresh grant.
func (s *oauthServer) serveFacebookToken(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	_, bearer := tokenOf(r, q)
	if !s.startTokenCall(w, r, s.facebookEndpoint(q.Get("grant_type")), HostFacebook, bearer) {
		return
	}
	_, segments := splitPath(r.URL.Path, prefixFacebook)
	if strings.Join(segments, "/") != "oauth/access_token" {
		s.e.writeError(w, HostFacebook, bearer, errUnknownPath("/"+strings.Join(segments[1:], "/")))
		return
	}

	appID, secret := s.appOf(instagram.KindFacebook)
	switch {
	case q.Get("client_id") != appID:
		s.e.writeError(w, HostFacebook, bearer, &graphError{Code: 101,
			Message: "Error validating application. Invalid application ID."})
		return
	case q.Get("client_secret") != secret:
		s.e.writeError(w, HostFacebook, bearer, &graphError{Code: 1, Message: "Error validating client secret."})
		return
	}

	if q.Get("grant_type") == "fb_exchange_token" {
		s.issueFrom(w, HostFacebook, q.Get("fb_exchange_token"), false, longLifetime)
		return
	}
	if q.Get("redirect_uri") == "" {
		s.e.writeError(w, HostFacebook, bearer, errParam("Missing redirect_uri parameter."))
		return
	}

	c, problem := s.takeCode(instagram.KindFacebook, q.Get("code"), appID, q.Get("redirect_uri"))
	if problem != "" {
		// NOTE: Meta's subcodes for bad Facebook codes are not documented in the pages this
		// emulator follows, so the error carries code 100 and the message only.
		s.e.writeError(w, HostFacebook, bearer, &graphError{Code: 100, Message: problem})
		return
	}
	token := s.e.IssueToken(instagram.KindFacebook, c.account, shortLifetime)
	writeJSON(w, http.StatusOK, tokenBody{AccessToken: token, TokenType: "bearer",
		ExpiresIn: int(shortLifetime.Seconds())})
}

func (s *oauthServer) facebookEndpoint(grantType string) Endpoint {
	if grantType == "fb_exchange_token" {
		return EndpointLongLived
	}
	return EndpointCodeExchange
}
