package emulator

import (
	"html/template"
	"net/http"
	"net/url"
	"strings"

	"github.com/igsource/igsource/internal/instagram"
)

// consentPage is the login window: it names the app's permissions and offers Allow and Deny
// as a form that a browser or an HTTP client submits to the same path.
var consentPage = template.Must(template.New("consent").Parse(`<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>Log in with {{.Site}} · igsource emulator</title></head>
<body>
<h1>App {{.ClientID}} requests access to {{.Account}}</h1>
<p>Permissions:{{range .Scopes}} <code>{{.}}</code>{{end}}</p>
<form method="post" action="{{.Action}}">
<input type="hidden" name="client_id" value="{{.ClientID}}">
<input type="hidden" name="redirect_uri" value="{{.RedirectURI}}">
<input type="hidden" name="response_type" value="{{.ResponseType}}">
<input type="hidden" name="scope" value="{{.Scope}}">
<input type="hidden" name="state" value="{{.State}}">
<button type="submit" name="decision" value="allow">Allow</button>
<button type="submit" name="decision" value="deny">Deny</button>
</form>
</body>
</html>
`))

// errorPage is the page Meta shows instead of a redirect when the request itself is invalid.
var errorPage = template.Must(template.New("error").Parse(`<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>Error · igsource emulator</title></head>
<body><h1>Sorry, this page isn't available</h1><p>{{.}}</p></body>
</html>
`))

// authorizeRequest is the query of an authorization request, or the form that repeats it.
type authorizeRequest struct {
	kind         instagram.Kind
	ClientID     string
	RedirectURI  string
	ResponseType string
	Scope        string
	State        string
}

func parseAuthorize(kind instagram.Kind, values url.Values) authorizeRequest {
	return authorizeRequest{
		kind:         kind,
		ClientID:     values.Get("client_id"),
		RedirectURI:  values.Get("redirect_uri"),
		ResponseType: values.Get("response_type"),
		Scope:        values.Get("scope"),
		State:        values.Get("state"),
	}
}

// scopes splits Meta's comma-separated or space-separated permission list.
func scopes(scope string) []string {
	return strings.FieldsFunc(scope, func(r rune) bool { return r == ',' || r == ' ' })
}

// serveInstagramAuthorize serves www.instagram.com/oauth/authorize.
func (s *oauthServer) serveInstagramAuthorize(w http.ResponseWriter, r *http.Request) {
	s.serveAuthorize(w, r, instagram.KindInstagram)
}

// serveFacebookDialog serves www.facebook.com/{version}/dialog/oauth, the version optional.
func (s *oauthServer) serveFacebookDialog(w http.ResponseWriter, r *http.Request) {
	_, segments := splitPath(r.URL.Path, prefixFacebookWWW)
	if strings.Join(segments, "/") != "dialog/oauth" {
		writeErrorPage(w, http.StatusNotFound, "The link you followed may be broken, or the page may have been removed.")
		return
	}
	s.serveAuthorize(w, r, instagram.KindFacebook)
}

func (s *oauthServer) serveAuthorize(w http.ResponseWriter, r *http.Request, kind instagram.Kind) {
	if fault := s.countCall(EndpointAuthorize, r); fault != nil && !s.e.applyFault(w, r, 0, false, fault) {
		return
	}
	values := r.URL.Query()
	if r.Method == http.MethodPost {
		if err := r.ParseForm(); err != nil {
			writeErrorPage(w, http.StatusBadRequest, "The form could not be read: "+err.Error())
			return
		}
		values = r.PostForm
	} else if r.Method != http.MethodGet {
		writeErrorPage(w, http.StatusMethodNotAllowed, "Use GET to open the login window.")
		return
	}
	req := parseAuthorize(kind, values)
	if problem := s.checkAuthorize(req); problem != "" {
		writeErrorPage(w, http.StatusBadRequest, problem)
		return
	}
	if r.Method == http.MethodGet {
		s.writeConsent(w, r, req)
		return
	}
	if values.Get("decision") == "allow" {
		http.Redirect(w, r, s.grant(req), http.StatusFound)
		return
	}
	http.Redirect(w, r, appendQuery(req.RedirectURI, "error", "access_denied", "error_reason", "user_denied",
		"error_description", "The user denied your request", "state", req.State), http.StatusFound)
}

// checkAuthorize returns why Meta would show an error page instead of the login window.
func (s *oauthServer) checkAuthorize(req authorizeRequest) string {
	appID, _ := s.appOf(req.kind)
	switch {
	case req.ClientID != appID:
		return "Invalid App ID: the client_id " + req.ClientID + " names no app of this login kind."
	case req.RedirectURI == "":
		return "Invalid redirect_uri: the parameter is missing."
	case !s.redirectAllowed(req.RedirectURI):
		return "Invalid redirect_uri: " + req.RedirectURI + " is not a valid OAuth redirect URI of the app."
	case req.ResponseType != "code":
		return "Invalid response_type: expected code."
	case len(scopes(req.Scope)) == 0:
		return "Invalid scope: the parameter is missing."
	}
	return ""
}

func (s *oauthServer) writeConsent(w http.ResponseWriter, r *http.Request, req authorizeRequest) {
	site := "Instagram"
	accounts := s.e.Accounts()
	account := "@" + accounts.CreatorUsername
	if req.kind == instagram.KindFacebook {
		site, account = "Facebook", accounts.FacebookUserName
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	_ = consentPage.Execute(w, struct {
		authorizeRequest
		Site, Account, Action string
		Scopes                []string
	}{req, site, account, r.URL.Path, scopes(req.Scope)})
}

// grant issues a single-use code for the seeded account of the login kind and returns the
// redirect. Instagram appends "#_" to it, which is not part of the code.
func (s *oauthServer) grant(req authorizeRequest) string {
	accounts := s.e.Accounts()
	account := AccountKey(accounts.CreatorUserID)
	if req.kind == instagram.KindFacebook {
		account = AccountKey(accounts.FacebookUserID)
	}
	code := "AQ" + randomString(160)
	s.mu.Lock()
	s.codes[code] = &authCode{kind: req.kind, clientID: req.ClientID, redirectURI: req.RedirectURI,
		account: account, scopes: scopes(req.Scope), issued: s.e.clock.Now()}
	s.mu.Unlock()
	target := appendQuery(req.RedirectURI, "code", code, "state", req.State)
	if req.kind == instagram.KindInstagram {
		target += "#_"
	}
	return target
}

// appendQuery adds key-value pairs to a URL's query in the order given, skipping empty values.
func appendQuery(rawURL string, pairs ...string) string {
	var b strings.Builder
	b.WriteString(rawURL)
	sep := "?"
	if strings.Contains(rawURL, "?") {
		sep = "&"
	}
	for i := 0; i+1 < len(pairs); i += 2 {
		if pairs[i+1] == "" {
			continue
		}
		b.WriteString(sep + url.QueryEscape(pairs[i]) + "=" + url.QueryEscape(pairs[i+1]))
		sep = "&"
	}
	return b.String()
}

func writeErrorPage(w http.ResponseWriter, status int, msg string) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	_ = errorPage.Execute(w, msg)
}
