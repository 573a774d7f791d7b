package accounts

import (
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"net/http"
	"sync"
	"time"

	"github.com/igsource/igsource/internal/clock"
)

// SessionCookie is the cookie that carries the admin session id. The session id also binds
// each OAuth state to the browser that started the connection.
const SessionCookie = "igsource_admin_session"

// sessionLifetime bounds how long an admin session lasts without a new login.
const sessionLifetime = 12 * time.Hour

// maxSessions bounds the sessions kept in memory. A client that sends Basic auth without
// keeping cookies starts a session per request; past the bound, the oldest sessions go first.
const maxSessions = 1000

// adminAuth authenticates admin requests with HTTP Basic auth (any user name, the configured
// password) and then with a session cookie it issues.
type adminAuth struct {
	enabled      bool
	passwordHash [sha256.Size]byte
	clock        clock.Clock

	mu       sync.Mutex
	sessions map[string]time.Time // session id to expiry
}

func newAdminAuth(password string, clk clock.Clock) *adminAuth {
	return &adminAuth{
		enabled:      password != "",
		passwordHash: sha256.Sum256([]byte(password)),
		clock:        clk,
		sessions:     map[string]time.Time{},
	}
}

// session returns the admin session of r, creating one with its cookie after a valid Basic
// auth password. It reports false when the request is not authenticated.
func (a *adminAuth) session(w http.ResponseWriter, r *http.Request) (string, bool) {
	if !a.enabled {
		return "", false
	}
	now := a.clock.Now()
	if c, err := r.Cookie(SessionCookie); err == nil && a.valid(c.Value, now) {
		return c.Value, true
	}
	_, password, ok := r.BasicAuth()
	if !ok {
		return "", false
	}
	hash := sha256.Sum256([]byte(password))
	if subtle.ConstantTimeCompare(hash[:], a.passwordHash[:]) != 1 {
		return "", false
	}
	id := a.create(now)
	http.SetCookie(w, &http.Cookie{
		Name:     SessionCookie,
		Value:    id,
		Path:     "/admin",
		MaxAge:   int(sessionLifetime / time.Second),
		HttpOnly: true,
		Secure:   r.TLS != nil || r.Header.Get("X-Forwarded-Proto") == "https",
		// Lax keeps the cookie on the top-level redirect back from Meta's login page.
		SameSite: http.SameSiteLaxMode,
	})
	return id, true
}

func (a *adminAuth) valid(id string, now time.Time) bool {
	a.mu.Lock()
	defer a.mu.Unlock()
	expiry, ok := a.sessions[id]
	return ok && now.Before(expiry)
}

func (a *adminAuth) create(now time.Time) string {
	a.mu.Lock()
	defer a.mu.Unlock()
	for id, expiry := range a.sessions {
		if !now.Before(expiry) {
			delete(a.sessions, id)
		}
	}
	for len(a.sessions) >= maxSessions {
		a.dropOldest()
	}
	id := rand.Text()
	a.sessions[id] = now.Add(sessionLifetime)
	return id
}

// dropOldest deletes the session that expires first. Callers hold a.mu.
func (a *adminAuth) dropOldest() {
	var oldest string
	var first time.Time
	for id, expiry := range a.sessions {
		if oldest == "" || expiry.Before(first) {
			oldest, first = id, expiry
		}
	}
	delete(a.sessions, oldest)
}

// sessionKey carries the admin session id in a request's context.
type sessionKey struct{}

// require serves next only for authenticated requests, with the session id in the context.
func (a *adminAuth) require(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !a.enabled {
			writeProblem(w, r, http.StatusServiceUnavailable, "Admin routes are disabled",
				"No admin password is set. Set the admin password in the configuration and restart igsource.")
			return
		}
		id, ok := a.session(w, r)
		if !ok {
			w.Header().Set("WWW-Authenticate", `Basic realm="igsource admin", charset="UTF-8"`)
			writeProblem(w, r, http.StatusUnauthorized, "Authentication required",
				"Sign in with the admin password configured for igsource.")
			return
		}
		next.ServeHTTP(w, r.WithContext(withSession(r.Context(), id)))
	})
}
