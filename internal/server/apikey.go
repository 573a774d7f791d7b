package server

import (
	"crypto/subtle"
	"net/http"
	"strings"
)

// unauthorizedCode is the error code of a request without a valid API key. apperr has no
// such code because only this middleware returns it.
const unauthorizedCode = "UNAUTHORIZED"

// errorWriter writes an error response in one route's error format.
type errorWriter func(w http.ResponseWriter, status int, code, message string)

// requireAPIKey rejects requests without Config.APIKey, writing the error with reject in the
// route's own error format. It returns next unchanged when no key is configured.
func (s *Server) requireAPIKey(next http.Handler, reject errorWriter) http.Handler {
	if s.cfg.APIKey == "" {
		return next
	}
	want := []byte(s.cfg.APIKey)

	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got, ok := presentedKey(r)
		if ok && subtle.ConstantTimeCompare([]byte(got), want) == 1 {
			next.ServeHTTP(w, r)
			return
		}

		message := "missing API key: send it as \"Authorization: Bearer KEY\" or \"X-API-Key: KEY\""
		if ok {
			message = "invalid API key: use the key configured on this igsource server"
		}
		s.logger.DebugContext(r.Context(), "API key rejected",
			"path", r.URL.Path, "remote_addr", r.RemoteAddr, "key_present", ok)
		w.Header().Set("WWW-Authenticate", `Bearer realm="igsource"`)
		reject(w, http.StatusUnauthorized, unauthorizedCode, message)
	})
}

// presentedKey returns the key of the X-API-Key header, or else of a Bearer Authorization
// header, and whether either was present.
func presentedKey(r *http.Request) (string, bool) {
	if key := r.Header.Get("X-API-Key"); key != "" {
		return key, true
	}
	scheme, key, found := strings.Cut(r.Header.Get("Authorization"), " ")
	if !found || !strings.EqualFold(scheme, "Bearer") {
		return "", false
	}
	key = strings.TrimSpace(key)
	return key, key != ""
}
