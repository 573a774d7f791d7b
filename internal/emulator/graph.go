package emulator

import (
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"time"

	"github.com/igsource/igsource/internal/instagram"
)

// Host is an emulated Graph API host.
type Host int

// The two Graph API hosts.
const (
	HostInstagram Host = iota + 1 // graph.instagram.com, Instagram Login
	HostFacebook                  // graph.facebook.com, Facebook Login
)

func (h Host) prefix() string {
	if h == HostInstagram {
		return prefixInstagram
	}
	return prefixFacebook
}

func (h Host) kind() instagram.Kind {
	if h == HostInstagram {
		return instagram.KindInstagram
	}
	return instagram.KindFacebook
}

func (h Host) tokenPrefix() string {
	if h == HostInstagram {
		return prefixInstagramToken
	}
	return prefixFacebookToken
}

var versionPattern = regexp.MustCompile(`^v[0-9]+\.[0-9]+$`)

// graphRequest is one call on a Graph host.
type graphRequest struct {
	host     Host
	r        *http.Request
	version  string   // "v25.0", or empty when the path has none
	segments []string // path after the host prefix and version
	query    url.Values
	token    string
	bearer   bool // the token came in an Authorization header
	now      time.Time
	endpoint Endpoint
	rec      *TokenRecord
}

// graphResult is a handler's outcome: a body or an error.
type graphResult struct {
	body any
	err  *graphError
}

func (e *Emulator) graphHandler(host Host) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		e.serveGraph(w, r, host)
	})
}

// splitPath strips the host prefix and an optional version segment.
func splitPath(path, prefix string) (version string, segments []string) {
	rest := strings.Trim(strings.TrimPrefix(path, prefix), "/")
	if rest == "" {
		return "", nil
	}
	segments = strings.Split(rest, "/")
	if versionPattern.MatchString(segments[0]) {
		version, segments = segments[0], segments[1:]
	}
	return version, segments
}

// tokenOf returns the access token of r: the access_token parameter, else a Bearer header.
func tokenOf(r *http.Request, query url.Values) (token string, bearer bool) {
	if t := query.Get("access_token"); t != "" {
		return t, false
	}
	auth := r.Header.Get("Authorization")
	if scheme, t, ok := strings.Cut(auth, " "); ok && strings.EqualFold(scheme, "Bearer") {
		return strings.TrimSpace(t), true
	}
	return "", false
}

func (e *Emulator) serveGraph(w http.ResponseWriter, r *http.Request, host Host) {
	version, segments := splitPath(r.URL.Path, host.prefix())
	if len(segments) > 0 {
		if h, ok := e.graphPaths[host.prefix()+"/"+segments[0]]; ok {
			h.ServeHTTP(w, r)
			return
		}
	}
	req := &graphRequest{host: host, r: r, version: version, segments: segments, query: r.URL.Query()}
	req.token, req.bearer = tokenOf(r, req.query)
	if r.Method != http.MethodGet {
		e.writeError(w, host, req.bearer, &graphError{Code: 100,
			Message: "Unsupported request - method type: " + strings.ToLower(r.Method)})
		return
	}
	e.mu.Lock()
	req.endpoint = e.classify(req)
	e.recordCall(req)
	fault := e.takeFault(req.endpoint)
	e.mu.Unlock()
	e.logger.Debug("Emulator request", "host", host.prefix()[1:], "endpoint", req.endpoint,
		"path", r.URL.Path, "fault", fault != nil)
	if fault != nil && !e.applyFault(w, r, host, req.bearer, fault) {
		return
	}
	e.respond(w, req)
}

// respond authenticates, charges usage and runs the endpoint.
func (e *Emulator) respond(w http.ResponseWriter, req *graphRequest) {
	req.now = e.clock.Now()
	e.mu.Lock()
	res := e.authorizedResult(req, w.Header())
	e.mu.Unlock()
	if res.err != nil {
		e.writeError(w, req.host, req.bearer, res.err)
		return
	}
	writeJSON(w, http.StatusOK, res.body)
}

// authorizedResult runs the endpoint unless the token or the usage budget rejects the call.
// Callers hold e.mu.
func (e *Emulator) authorizedResult(req *graphRequest, h http.Header) graphResult {
	rec, gerr := e.authenticate(req.host, req.token, req.now)
	if gerr != nil {
		return graphResult{err: gerr}
	}
	req.rec = rec
	if gerr := e.chargeUsage(req, e.accountOf(req), h); gerr != nil {
		return graphResult{err: gerr}
	}
	return e.dispatch(req)
}

// dispatch runs the endpoint the request was classified as. Callers hold e.mu.
func (e *Emulator) dispatch(req *graphRequest) graphResult {
	switch req.endpoint {
	case EndpointMe, EndpointUser:
		return e.serveNode(req)
	case EndpointMediaList:
		return e.serveMediaList(req)
	case EndpointMedia:
		return e.serveNode(req)
	case EndpointChildren:
		return e.serveChildren(req)
	case EndpointIDs:
		return e.serveIDs(req)
	case EndpointAccounts:
		return e.serveAccounts(req)
	case EndpointPage, EndpointHashtag:
		return e.serveNode(req)
	case EndpointHashtagSearch:
		return e.serveHashtagSearch(req)
	case EndpointHashtagTop, EndpointHashtagRecent:
		return e.serveHashtagMedia(req)
	}
	return graphResult{err: e.pathError(req)}
}

// pathError explains why a path matched no endpoint.
func (e *Emulator) pathError(req *graphRequest) *graphError {
	switch len(req.segments) {
	case 0:
		return errParam("The parameter ids is required for a request to the root path")
	case 1:
		return errNoObject(req.segments[0])
	}
	return errUnknownPath("/" + strings.Join(req.segments[1:], "/"))
}

// classify names the endpoint of a request from its path and the kind of node it addresses.
// Callers hold e.mu.
func (e *Emulator) classify(req *graphRequest) Endpoint {
	s := req.segments
	switch {
	case len(s) == 0 && req.query.Has("ids"):
		return EndpointIDs
	case len(s) == 0 || len(s) > 2:
		return ""
	case s[0] == "ig_hashtag_search" && len(s) == 1:
		return EndpointHashtagSearch
	case s[0] == "me" && len(s) == 1:
		return EndpointMe
	}
	node := s[0]
	if node == "me" {
		node = e.meID(req)
	}
	if len(s) == 1 {
		return e.nodeEndpoint(node)
	}
	if node == "" {
		return meEdgeEndpoint(s[1]) // an invalid token still counts as a call of its endpoint
	}
	return edgeEndpoint(e.nodeEndpoint(node), s[1])
}

// meEdgeEndpoint names the endpoint of /me/{edge} without resolving /me.
func meEdgeEndpoint(edge string) Endpoint {
	switch edge {
	case "media":
		return EndpointMediaList
	case "accounts":
		return EndpointAccounts
	}
	return ""
}

// nodeEndpoint returns the endpoint that reads the node with this id.
func (e *Emulator) nodeEndpoint(id string) Endpoint {
	d := e.data
	switch {
	case d.findAccount(id) != nil:
		return EndpointUser
	case d.media[id] != nil && !d.media[id].Public:
		return EndpointMedia
	case d.findPage(id) != nil:
		return EndpointPage
	case d.hashtags[id] != nil:
		return EndpointHashtag
	case id == d.user.ID:
		return EndpointMe
	}
	return ""
}

// edgeEndpoint returns the endpoint of an edge on a node endpoint, or "" for none.
func edgeEndpoint(node Endpoint, edge string) Endpoint {
	switch {
	case node == EndpointUser && edge == "media":
		return EndpointMediaList
	case node == EndpointMedia && edge == "children":
		return EndpointChildren
	case node == EndpointHashtag && edge == "top_media":
		return EndpointHashtagTop
	case node == EndpointHashtag && edge == "recent_media":
		return EndpointHashtagRecent
	case (node == EndpointMe || node == EndpointAccounts) && edge == "accounts":
		return EndpointAccounts
	}
	return ""
}

// meID returns the id that /me stands for with the request's token, or "" when the token is
// not valid. Callers hold e.mu.
func (e *Emulator) meID(req *graphRequest) string {
	rec, ok := e.tokens[req.token]
	if !ok {
		return ""
	}
	if rec.Kind == instagram.KindInstagram {
		if a := e.data.findAccount(string(rec.Account)); a != nil {
			return a.AppScopedID
		}
	}
	return string(rec.Account)
}
