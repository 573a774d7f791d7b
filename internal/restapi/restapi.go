// Package restapi serves the content queries as REST/JSON under /api/v1, for clients without
// GraphQL. Field names match the GraphQL schema, and errors carry the same apperr codes.
package restapi

import (
	"context"
	"log/slog"
	"net/http"

	"github.com/igsource/igsource/internal/source"
	"github.com/igsource/igsource/internal/store"
)

// Prefix is the path under which the handler serves every route.
const Prefix = "/api/v1/"

// Queries is the part of the source layer that the handlers call. *source.Service
// implements it.
type Queries interface {
	Media(ctx context.Context, instance string, settings source.MediaSettings) (*source.MediaResult, error)
	MediaSingle(ctx context.Context, instance string, settings source.SingleSettings) (*source.SingleResult, error)
	HashtaggedMedia(ctx context.Context, instance string, settings source.HashtagSettings) (*source.MediaResult, error)
	User(ctx context.Context, instance string, settings source.UserSettings) (*source.UserResult, error)
	Instance(ctx context.Context, name string) (*store.Instance, error)
	Instances(ctx context.Context) ([]store.Instance, error)
}

// Handler serves the REST API. Its routes are full paths under Prefix, so it is mounted
// without stripping the prefix.
type Handler struct {
	queries Queries
	logger  *slog.Logger
	mux     *http.ServeMux
	memo    *bodyMemo
}

// New returns the REST API handler. A nil logger discards the log of internal errors.
func New(queries Queries, logger *slog.Logger) *Handler {
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	h := &Handler{queries: queries, logger: logger, mux: http.NewServeMux(), memo: newBodyMemo()}

	// GET patterns match HEAD too.
	h.mux.HandleFunc("GET /api/v1/instances", h.listInstances)
	h.mux.HandleFunc("GET /api/v1/instances/{name}", h.getInstance)
	h.mux.HandleFunc("GET /api/v1/instances/{name}/media", h.listMedia)
	h.mux.HandleFunc("GET /api/v1/instances/{name}/media/{id}", h.getMedia)
	h.mux.HandleFunc("GET /api/v1/instances/{name}/hashtags/{tag}/media", h.listHashtagMedia)
	h.mux.HandleFunc("GET /api/v1/instances/{name}/user", h.getUser)
	h.mux.HandleFunc(Prefix, h.unknownRoute)
	return h
}

// ServeHTTP dispatches the request to its route. It passes r on unchanged, so after it
// returns r.Pattern names the route that served the request, for metrics.
func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	h.mux.ServeHTTP(w, r)
}
