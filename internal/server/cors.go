package server

import (
	"net/http"
	"slices"
	"strings"
)

// corsMaxAge is the time in seconds that a browser may reuse a preflight response.
const corsMaxAge = "600"

// cors lets the browser origins of Config.CORSOrigins call next from scripts. It responds to
// preflight requests itself, before the API key check, because browsers send them without
// the key. It returns next unchanged when the allow-list is empty.
func (s *Server) cors(next http.Handler) http.Handler {
	origins := make([]string, 0, len(s.cfg.CORSOrigins))
	for _, o := range s.cfg.CORSOrigins {
		origins = append(origins, normalizeOrigin(o))
	}
	if len(origins) == 0 {
		return next
	}
	anyOrigin := slices.Contains(origins, "*")

	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		// Every response varies by origin, so that a shared cache never gives one origin's
		// response to another.
		w.Header().Add("Vary", "Origin")
		origin := r.Header.Get("Origin")
		if origin == "" {
			next.ServeHTTP(w, r)
			return
		}
		preflight := r.Method == http.MethodOptions && r.Header.Get("Access-Control-Request-Method") != ""
		allowed := anyOrigin || slices.Contains(origins, normalizeOrigin(origin))

		switch {
		case preflight && !allowed:
			http.Error(w, "origin "+origin+" is not in the CORS allow-list", http.StatusForbidden)
		case preflight:
			h := w.Header()
			h.Set("Access-Control-Allow-Origin", origin)
			h.Set("Access-Control-Allow-Methods", "GET, HEAD, POST")
			h.Set("Access-Control-Allow-Headers", "Authorization, Content-Type, X-API-Key")
			h.Set("Access-Control-Max-Age", corsMaxAge)
			w.WriteHeader(http.StatusNoContent)
		case allowed:
			w.Header().Set("Access-Control-Allow-Origin", origin)
			next.ServeHTTP(w, r)
		default:
			// Without the header the browser withholds the response from the page's script.
			next.ServeHTTP(w, r)
		}
	})
}

// normalizeOrigin lower-cases an origin and drops a trailing slash, so that the configured
// "https://Example.org/" matches the Origin header "https://example.org".
func normalizeOrigin(origin string) string {
	return strings.TrimSuffix(strings.ToLower(strings.TrimSpace(origin)), "/")
}
