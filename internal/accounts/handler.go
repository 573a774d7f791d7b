package accounts

import (
	"context"
	"encoding/json"
	"html/template"
	"log/slog"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/igsource/igsource/internal/apperr"
	"github.com/igsource/igsource/internal/store"
)

// Handler serves the admin routes of accounts:
//
//	GET  /admin/accounts                    HTML page: accounts, status, connect and refresh actions
//	POST /admin/accounts/{id}/refresh       the page's refresh button; returns to the page
//	GET  /admin/connect/{kind}              redirect to Meta's login (kind instagram or facebook)
//	GET  /admin/oauth/callback              Meta's redirect back; finishes the connection
//	GET  /admin/api/accounts                accounts with status and expiry, never a token
//	POST /admin/api/accounts/{id}/refresh   refresh an Instagram Login token now
//
// Every route requires HTTP Basic auth as user AdminUser with the admin password, or the session
// cookie issued after it. After repeated failed logins, a remote address gets 429 for a while.
type Handler struct {
	svc  *Service
	auth *adminAuth
	log  *slog.Logger
	mux  *http.ServeMux
}

// Registrar is the part of *http.ServeMux that Register uses.
type Registrar interface {
	Handle(pattern string, handler http.Handler)
}

// NewHandler returns the admin routes of svc, protected by adminPassword. With an empty
// password every route returns 503 with a message on how to set one.
func NewHandler(svc *Service, adminPassword string) *Handler {
	h := &Handler{svc: svc, auth: newAdminAuth(adminPassword, svc.clock, svc.log), log: svc.log, mux: http.NewServeMux()}
	h.Register(h.mux)
	return h
}

// Register adds the routes to mux, for a server that serves other routes under /admin/.
func (h *Handler) Register(mux Registrar) {
	mux.Handle("GET /admin/accounts", h.auth.require(http.HandlerFunc(h.page)))
	mux.Handle("POST /admin/accounts/{id}/refresh", h.auth.require(http.HandlerFunc(h.refreshForm)))
	mux.Handle("GET /admin/connect/{kind}", h.auth.require(http.HandlerFunc(h.connect)))
	mux.Handle("GET /admin/oauth/callback", h.auth.require(http.HandlerFunc(h.callback)))
	mux.Handle("GET /admin/api/accounts", h.auth.require(http.HandlerFunc(h.list)))
	mux.Handle("POST /admin/api/accounts/{id}/refresh", h.auth.require(http.HandlerFunc(h.refresh)))
}

// ServeHTTP serves the routes listed on Handler.
func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) { h.mux.ServeHTTP(w, r) }

// RequireAdmin protects next with the same admin authentication and sessions, so that other
// admin routes share one login.
func (h *Handler) RequireAdmin(next http.Handler) http.Handler { return h.auth.require(next) }

func withSession(ctx context.Context, id string) context.Context {
	return context.WithValue(ctx, sessionKey{}, id)
}

func sessionFrom(ctx context.Context) string {
	id, _ := ctx.Value(sessionKey{}).(string)
	return id
}

func (h *Handler) connect(w http.ResponseWriter, r *http.Request) {
	kind, err := ParseKind(r.PathValue("kind"))
	if err != nil {
		writeProblem(w, r, http.StatusBadRequest, "The connection could not start", apperr.MessageOf(err))
		return
	}
	target, err := h.svc.StartConnect(r.Context(), kind, sessionFrom(r.Context()))
	if err != nil {
		h.logError(r, "Starting an account connection failed", err)
		writeProblem(w, r, apperr.HTTPStatus(apperr.CodeOf(err)), "The connection could not start", apperr.MessageOf(err))
		return
	}
	http.Redirect(w, r, target, http.StatusFound)
}

func (h *Handler) callback(w http.ResponseWriter, r *http.Request) {
	a, err := h.svc.FinishConnect(r.Context(), sessionFrom(r.Context()), r.URL.Query())
	if err != nil {
		h.logError(r, "Finishing an account connection failed", err)
		writeProblem(w, r, apperr.HTTPStatus(apperr.CodeOf(err)), "The account was not connected", apperr.MessageOf(err))
		return
	}
	msg := "Connected @" + a.Username + " with " + kindName(a.Kind) + " Login."
	if !a.TokenExpiresAt.IsZero() {
		msg += " The access token is valid until " + formatTime(a.TokenExpiresAt) + "."
	}
	writePage(w, http.StatusOK, "Account connected", msg)
}

func (h *Handler) list(w http.ResponseWriter, r *http.Request) {
	list, err := h.svc.Accounts(r.Context())
	if err != nil {
		h.logError(r, "Listing accounts failed", err)
		writeJSONError(w, err)
		return
	}
	out := make([]accountJSON, 0, len(list))
	for i := range list {
		out = append(out, newAccountJSON(&list[i]))
	}
	writeJSON(w, http.StatusOK, map[string]any{"data": out})
}

func (h *Handler) refresh(w http.ResponseWriter, r *http.Request) {
	if crossSite(r) {
		writeJSONError(w, apperr.New(apperr.Invalid, "cross-site request rejected: send it from the admin page"))
		return
	}
	id, err := parseAccountID(r.PathValue("id"))
	if err != nil {
		writeJSONError(w, err)
		return
	}
	a, err := h.svc.Refresh(r.Context(), id)
	if err != nil {
		h.logError(r, "Refreshing a token failed", err)
		writeJSONError(w, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"data": newAccountJSON(a)})
}

// parseAccountID parses the {id} of an admin route. Errors are *apperr.Error values.
func parseAccountID(raw string) (int64, error) {
	id, err := strconv.ParseInt(raw, 10, 64)
	if err != nil || id <= 0 {
		return 0, apperr.New(apperr.Invalid, "invalid account id %q: expected a positive number, "+
			"as igsource accounts list shows it", raw)
	}
	return id, nil
}

// crossSite reports whether a state-changing request came from another site, which a browser
// holding the admin's Basic auth credentials would otherwise send with them.
func crossSite(r *http.Request) bool {
	if r.Header.Get("Sec-Fetch-Site") == "cross-site" {
		return true
	}
	origin := r.Header.Get("Origin")
	if origin == "" {
		return false
	}
	u, err := url.Parse(origin)
	return err != nil || !strings.EqualFold(u.Host, r.Host)
}

func (h *Handler) logError(r *http.Request, msg string, err error) {
	level := slog.LevelWarn
	if apperr.CodeOf(err) == apperr.Internal {
		level = slog.LevelError
	}
	h.log.Log(r.Context(), level, msg, "path", r.URL.Path, "error", err)
}

// accountJSON is an account as the admin API shows it. It has no token member.
type accountJSON struct {
	ID            int64               `json:"id"`
	Kind          string              `json:"kind"`
	UserID        string              `json:"userId"`
	Username      string              `json:"username"`
	Name          string              `json:"name"`
	Status        store.AccountStatus `json:"status"`
	StatusMessage string              `json:"statusMessage"`
	ExpiresAt     *time.Time          `json:"expiresAt"`
	LastRefreshAt *time.Time          `json:"lastRefreshAt"`
	Pages         []pageJSON          `json:"pages"`
}

type pageJSON struct {
	ID     string `json:"id"`
	Name   string `json:"name"`
	UserID string `json:"userId"`
}

func newAccountJSON(a *store.Account) accountJSON {
	out := accountJSON{ID: a.ID, Kind: string(a.Kind), UserID: a.UserID, Username: a.Username, Name: a.Name,
		Status: a.Status, StatusMessage: a.StatusMessage, ExpiresAt: timePtr(a.TokenExpiresAt),
		LastRefreshAt: timePtr(a.LastRefreshAt), Pages: []pageJSON{}}
	for _, p := range a.Pages {
		out.Pages = append(out.Pages, pageJSON(p))
	}
	return out
}

func timePtr(t time.Time) *time.Time {
	if t.IsZero() {
		return nil
	}
	u := t.UTC()
	return &u
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

func writeJSONError(w http.ResponseWriter, err error) {
	code := apperr.CodeOf(err)
	writeJSON(w, apperr.HTTPStatus(code), map[string]any{
		"error": map[string]string{"code": string(code), "message": apperr.MessageOf(err)},
	})
}

// writeProblem writes JSON for an admin API path with JSON and any other path with an HTML page.
func writeProblem(w http.ResponseWriter, r *http.Request, status int, title, msg string) {
	if strings.HasPrefix(r.URL.Path, "/admin/api/") {
		writeJSON(w, status, map[string]any{"error": map[string]string{
			"code": string(codeForStatus(status)), "message": msg}})
		return
	}
	writePage(w, status, title, msg)
}

func codeForStatus(status int) apperr.Code {
	switch status {
	case http.StatusBadRequest:
		return apperr.Invalid
	case http.StatusNotFound:
		return apperr.NotFound
	case http.StatusTooManyRequests:
		return apperr.RateLimited
	case http.StatusConflict:
		return apperr.NeedsReauth
	case http.StatusBadGateway:
		return apperr.Upstream
	case http.StatusUnauthorized:
		return "UNAUTHENTICATED"
	}
	return apperr.Internal
}

// pageTemplate escapes each value once; messages are plain text.
var pageTemplate = template.Must(template.New("page").Parse(`<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>{{.Title}} · igsource</title></head>
<body>
<h1>{{.Title}}</h1>
<p>{{.Message}}</p>
<p><a href="/admin/accounts">Accounts</a></p>
</body>
</html>
`))

func writePage(w http.ResponseWriter, status int, title, msg string) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_ = pageTemplate.Execute(w, struct{ Title, Message string }{title, msg})
}
