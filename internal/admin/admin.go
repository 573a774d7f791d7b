// Package admin serves the JSON admin API for instances, account disconnection and the cache
// purge. The accounts package serves the account listing, connection and token refresh, and
// both share one admin login.
package admin

import (
	"context"
	"io"
	"log/slog"
	"net/http"

	"github.com/igsource/igsource/internal/apperr"
	"github.com/igsource/igsource/internal/store"
)

// Store is the storage the admin API changes. *store.Store implements it.
type Store interface {
	ListInstances(ctx context.Context) ([]store.Instance, error)
	Instance(ctx context.Context, id int64) (*store.Instance, error)
	InstanceByName(ctx context.Context, name string) (*store.Instance, error)
	CreateInstance(ctx context.Context, in *store.Instance) error
	UpdateInstance(ctx context.Context, in *store.Instance) error
	DeleteInstance(ctx context.Context, id int64) error
	ListAccounts(ctx context.Context) ([]store.Account, error)
	Account(ctx context.Context, id int64) (*store.Account, error)
	AccountByName(ctx context.Context, name string) (*store.Account, error)
	DeleteAccount(ctx context.Context, id int64, force bool) error
	PurgeCache(ctx context.Context) error
}

// Invalidator drops the cached results of an instance. *source.Service implements it.
type Invalidator interface {
	InvalidateInstance(ctx context.Context, instanceID int64) error
}

// Deps are the parts a Handler is built from. All but Logger are required.
type Deps struct {
	Store  Store
	Source Invalidator
	// RequireAdmin wraps every route with the admin authentication, such as
	// accounts.Handler.RequireAdmin, so that one login serves all admin routes.
	RequireAdmin func(http.Handler) http.Handler
	Logger       *slog.Logger
}

// Handler serves the admin API:
//
//	GET    /admin/api/instances          every instance with its account's username
//	POST   /admin/api/instances          create an instance
//	PATCH  /admin/api/instances/{name}   rename it or change its account, Page or default cache
//	DELETE /admin/api/instances/{name}   delete it and its cached results
//	DELETE /admin/api/accounts/{id}      disconnect an account; ?force=true deletes its instances
//	POST   /admin/api/cache/purge        delete every cached result, in memory and stored
//
// Errors are JSON objects {"error": {"code", "message"}} with the apperr codes, plus CONFLICT
// with status 409.
type Handler struct {
	store   Store
	source  Invalidator
	require func(http.Handler) http.Handler
	origins *http.CrossOriginProtection
	log     *slog.Logger
}

// Registrar is the part of *http.ServeMux that Register uses.
type Registrar interface {
	Handle(pattern string, handler http.Handler)
}

// New returns the admin API handler built from deps. It panics when a required part is
// missing, which is a programming error.
func New(deps Deps) *Handler {
	if deps.Store == nil || deps.Source == nil || deps.RequireAdmin == nil {
		panic("admin.New: Store, Source and RequireAdmin are required")
	}
	logger := deps.Logger
	if logger == nil {
		logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	h := &Handler{store: deps.Store, source: deps.Source, require: deps.RequireAdmin,
		origins: http.NewCrossOriginProtection(), log: logger}
	h.origins.SetDenyHandler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h.log.WarnContext(r.Context(), "Cross-site admin request rejected", "method", r.Method,
			"path", r.URL.Path, "origin", r.Header.Get("Origin"), "sec_fetch_site", r.Header.Get("Sec-Fetch-Site"))
		writeError(w, apperr.New(apperr.Invalid, "cross-site request rejected: send it from the admin page"))
	}))
	return h
}

// Register adds the routes to mux.
func (h *Handler) Register(mux Registrar) {
	mux.Handle("GET /admin/api/instances", h.route(h.listInstances))
	mux.Handle("POST /admin/api/instances", h.route(h.createInstance))
	mux.Handle("PATCH /admin/api/instances/{name}", h.route(h.updateInstance))
	mux.Handle("DELETE /admin/api/instances/{name}", h.route(h.deleteInstance))
	mux.Handle("DELETE /admin/api/accounts/{id}", h.route(h.deleteAccount))
	mux.Handle("POST /admin/api/cache/purge", h.route(h.purgeCache))
}

// route requires the admin login, then rejects state-changing requests that a browser sent
// from another site, which would otherwise carry the admin's credentials.
func (h *Handler) route(fn http.HandlerFunc) http.Handler {
	return h.require(h.origins.Handler(fn))
}

// invalidate drops the cached results of an instance after a committed change. A failure is
// logged and not returned, because the store change already deleted the stored results in its
// own transaction and the memory copies are dropped before the step that can fail.
func (h *Handler) invalidate(r *http.Request, instanceID int64) {
	if err := h.source.InvalidateInstance(r.Context(), instanceID); err != nil {
		h.log.ErrorContext(r.Context(), "Invalidating an instance's cache failed",
			"instance_id", instanceID, "error", err)
	}
}

func (h *Handler) logError(r *http.Request, msg string, err error) {
	level := slog.LevelWarn
	if apperr.CodeOf(err) == apperr.Internal {
		level = slog.LevelError
	}
	h.log.Log(r.Context(), level, msg, "method", r.Method, "path", r.URL.Path, "error", err)
}
