package emulator

import (
	"encoding/json"
	"net/http"
	"strings"
	"time"

	"github.com/igsource/igsource/internal/instagram"
)

// tokenBody is the response of the long-lived exchanges, the refresh and the Facebook code
// exchange.
type tokenBody struct {
	AccessToken string `json:"access_token"`
	TokenType   string `json:"token_type"`
	ExpiresIn   int    `json:"expires_in"`
}

// codeExchangeBody is the Instagram Login code exchange response as Meta sends it: flat, with
// user_id as a bare 17-digit number (beyond float64's exact range) and permissions as an array,
// unlike the data[]-wrapped shape of Meta's documentation.
type codeExchangeBody struct {
	AccessToken string      `json:"access_token"`
	UserID      json.Number `json:"user_id"`
	Permissions []string    `json:"permissions"`
}

// legacyError is the error shape of api.instagram.com/oauth/access_token, which is not the
// Graph API envelope.
type legacyError struct {
	ErrorType    string `json:"error_type"`
	Code         int    `json:"code"`
	ErrorMessage string `json:"error_message"`
}

// codeNotFound is Meta's documented message for an unknown, used or expired Instagram code.
const codeNotFound = "Matching code was not found or was already used"

// redirectMismatch is Meta's message for a code exchange whose redirect_uri differs from the
// one of the authorization request.
const redirectMismatch = "Error validating verification code. Please make sure your redirect_uri " +
	"is identical to the one you used in the OAuth dialog request"

func writeLegacyError(w http.ResponseWriter, msg string) {
	writeJSON(w, http.StatusBadRequest, legacyError{ErrorType: "OAuthException", Code: 400, ErrorMessage: msg})
}

// serveCodeExchange serves POST api.instagram.com/oauth/access_token: a code for a short-lived
// Instagram Login token.
func (s *oauthServer) serveCodeExchange(w http.ResponseWriter, r *http.Request) {
	if fault := s.countCall(EndpointCodeExchange, r); fault != nil && !s.e.applyFault(w, r, HostInstagram, false, fault) {
		return
	}
	if r.Method != http.MethodPost {
		writeLegacyError(w, "Unsupported request method: "+strings.ToLower(r.Method)+"; use POST with a form body")
		return
	}
	if err := r.ParseForm(); err != nil {
		writeLegacyError(w, "Invalid form body: "+err.Error())
		return
	}
	form := r.PostForm
	appID, secret := s.appOf(instagram.KindInstagram)
	switch {
	case form.Get("client_id") != appID:
		writeLegacyError(w, "Invalid platform app")
		return
	case form.Get("client_secret") != secret:
		writeLegacyError(w, "Error validating client secret")
		return
	case form.Get("grant_type") != "authorization_code":
		writeLegacyError(w, "Invalid grant_type: expected authorization_code")
		return
	}
	c, problem := s.takeCode(instagram.KindInstagram, form.Get("code"), appID, form.Get("redirect_uri"))
	if problem != "" {
		writeLegacyError(w, problem)
		return
	}
	token := s.e.IssueToken(instagram.KindInstagram, c.account, shortLifetime)
	writeJSON(w, http.StatusOK, codeExchangeBody{AccessToken: token,
		UserID: json.Number(s.e.Accounts().CreatorAppScopedID), Permissions: c.scopes})
}

// takeCode uses up a code granted to clientID for kind. It returns Meta's message when the
// code is unknown, used, older than one hour or was granted for another redirect URI.
func (s *oauthServer) takeCode(kind instagram.Kind, code, clientID, redirectURI string) (*authCode, string) {
	now := s.e.clock.Now()
	s.mu.Lock()
	defer s.mu.Unlock()
	c, ok := s.codes[code]
	if ok && (c.kind != kind || c.clientID != clientID) {
		ok = false
	}
	if problem := codeProblem(kind, ok && c.used, ok && now.Sub(c.issued) >= codeLifetime, ok); problem != "" {
		return nil, problem
	}
	if c.redirectURI != redirectURI {
		return nil, redirectMismatch
	}
	c.used = true
	return c, ""
}

// codeProblem returns Meta's message for a code that cannot be exchanged, or "". Instagram
// Login sends one message for every case; Facebook Login names the case.
func codeProblem(kind instagram.Kind, used, expired, found bool) string {
	if found && !used && !expired {
		return ""
	}
	if kind == instagram.KindInstagram {
		return codeNotFound
	}
	switch {
	case used:
		return "This authorization code has been used."
	case expired:
		return "This authorization code has expired."
	}
	return "Invalid verification code format."
}

// serveInstagramLongLived serves GET graph.instagram.com/access_token with
// grant_type=ig_exchange_token: a short-lived token for a 60-day one.
func (s *oauthServer) serveInstagramLongLived(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	token, bearer := tokenOf(r, q)
	if !s.startTokenCall(w, r, EndpointLongLived, HostInstagram, bearer) {
		return
	}
	_, secret := s.appOf(instagram.KindInstagram)
	switch {
	case q.Get("grant_type") != "ig_exchange_token":
		s.e.writeError(w, HostInstagram, bearer, errParam("grant_type must be ig_exchange_token"))
		return
	case q.Get("client_secret") != secret:
		s.e.writeError(w, HostInstagram, bearer, &graphError{Code: 101, Message: "Error validating client secret."})
		return
	}
	s.issueFrom(w, HostInstagram, token, bearer, longLifetime)
}

// serveRefresh serves GET graph.instagram.com/refresh_access_token: a long-lived token at least
// 24 hours old and not expired for a new one valid 60 days from now.
func (s *oauthServer) serveRefresh(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	token, bearer := tokenOf(r, q)
	if !s.startTokenCall(w, r, EndpointRefresh, HostInstagram, bearer) {
		return
	}
	if q.Get("grant_type") != "ig_refresh_token" {
		s.e.writeError(w, HostInstagram, bearer, errParam("grant_type must be ig_refresh_token"))
		return
	}
	now := s.e.clock.Now()
	s.e.mu.Lock()
	rec, gerr := s.e.authenticate(HostInstagram, token, now)
	young := gerr == nil && now.Sub(rec.Issued) < minRefreshAge
	s.e.mu.Unlock()
	if young {
		// NOTE: Meta documents the 24-hour rule but not the error it returns; this message is
		// the emulator's own.
		gerr = errParam("The access token is less than 24 hours old and cannot be refreshed yet")
	}
	if gerr != nil {
		s.e.writeError(w, HostInstagram, bearer, gerr)
		return
	}
	s.issueFrom(w, HostInstagram, token, bearer, longLifetime)
}

// startTokenCall counts a call on a Graph token endpoint, applies its fault and rejects
// methods other than GET as Meta does. It reports false when it has written the response.
func (s *oauthServer) startTokenCall(w http.ResponseWriter, r *http.Request, endpoint Endpoint, host Host, bearer bool) bool {
	if fault := s.countCall(endpoint, r); fault != nil && !s.e.applyFault(w, r, host, bearer, fault) {
		return false
	}
	if r.Method != http.MethodGet {
		s.e.writeError(w, host, bearer, &graphError{Code: 100,
			Message: "Unsupported request - method type: " + strings.ToLower(r.Method)})
		return false
	}
	return true
}

// issueFrom authenticates token on host and writes a new token for the same account.
func (s *oauthServer) issueFrom(w http.ResponseWriter, host Host, token string, bearer bool, lifetime time.Duration) {
	now := s.e.clock.Now()
	s.e.mu.Lock()
	rec, gerr := s.e.authenticate(host, token, now)
	s.e.mu.Unlock()
	if gerr != nil {
		s.e.writeError(w, host, bearer, gerr)
		return
	}
	next := s.e.IssueToken(rec.Kind, rec.Account, lifetime)
	writeJSON(w, http.StatusOK, tokenBody{AccessToken: next, TokenType: "bearer", ExpiresIn: int(lifetime.Seconds())})
}
