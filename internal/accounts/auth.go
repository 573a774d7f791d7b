package accounts

import (
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"log/slog"
	"net/http"
	"strconv"
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

// AdminUser is the user name of the admin routes' HTTP Basic auth.
const AdminUser = "admin"

// adminAuth authenticates admin requests with HTTP Basic auth (user AdminUser, the configured
// password) and then with a session cookie it issues. Failed logins are throttled per remote
// address.
type adminAuth struct {
	enabled      bool
	userHash     [sha256.Size]byte
	passwordHash [sha256.Size]byte
	clock        clock.Clock
	logins       *loginLimiter

	mu       sync.Mutex
	sessions map[string]time.Time // session id to expiry
}

func newAdminAuth(password string, clk clock.Clock, logger *slog.Logger) *adminAuth {
	return &adminAuth{
		enabled:      password != "",
		userHash:     sha256.Sum256([]byte(AdminUser)),
		passwordHash: sha256.Sum256([]byte(password)),
		clock:        clk,
		logins:       newLoginLimiter(logger),
		sessions:     map[string]time.Time{},
	}
}

// loginResult is the outcome of authenticating an admin request.
type loginResult int

const (
	loginOK        loginResult = iota
	loginMissing               // no session and no Basic auth credentials
	loginFailed                // wrong user name or password
	loginThrottled             // too many failures from the remote address
)

// session returns the admin session of r, creating one with its cookie after valid Basic auth
// credentials. For loginThrottled it also returns the wait before the next attempt.
func (a *adminAuth) session(w http.ResponseWriter, r *http.Request) (string, loginResult, time.Duration) {
	now := a.clock.Now()
	if c, err := r.Cookie(SessionCookie); err == nil && a.valid(c.Value, now) {
		return c.Value, loginOK, 0
	}
	user, password, ok := r.BasicAuth()
	if !ok {
		return "", loginMissing, 0
	}
	slot, wait := a.logins.reserve(r.RemoteAddr, now)
	if wait > 0 {
		a.logins.rejected(r.RemoteAddr, now, wait)
		return "", loginThrottled, wait
	}
	if !a.matches(user, password) {
		a.logins.fail(r.RemoteAddr, now)
		return "", loginFailed, 0
	}
	a.logins.refund(slot, now)

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
	return id, loginOK, 0
}

// matches compares both credentials in constant time, so that the response time reveals
// neither which one was wrong nor how much of it matched.
func (a *adminAuth) matches(user, password string) bool {
	userHash := sha256.Sum256([]byte(user))
	passwordHash := sha256.Sum256([]byte(password))
	userOK := subtle.ConstantTimeCompare(userHash[:], a.userHash[:])
	passwordOK := subtle.ConstantTimeCompare(passwordHash[:], a.passwordHash[:])
	return userOK&passwordOK == 1
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
		id, result, wait := a.session(w, r)
		switch result {
		case loginOK:
			next.ServeHTTP(w, r.WithContext(withSession(r.Context(), id)))
		case loginThrottled:
			seconds := strconv.Itoa(int(wait / time.Second))
			w.Header().Set("Retry-After", seconds)
			writeProblem(w, r, http.StatusTooManyRequests, "Too many failed logins",
				"Too many failed admin logins from this address. Try again in "+seconds+" seconds.")
		default:
			w.Header().Set("WWW-Authenticate", `Basic realm="igsource admin", charset="UTF-8"`)
			writeProblem(w, r, http.StatusUnauthorized, "Authentication required",
				"Sign in as user "+AdminUser+" with the admin password configured for igsource.")
		}
	})
}
