// Package server is igsource's HTTP server: it mounts the GraphQL and REST APIs, the media
// files, health checks and metrics behind recovery, logging, CORS and API key middleware.
package server

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/igsource/igsource/internal/graph"
	"github.com/igsource/igsource/internal/restapi"
)

// DefaultListen is the listen address when Config sets none.
const DefaultListen = "127.0.0.1:8080"

// shutdownTimeout bounds how long a shutdown waits for requests in flight before it closes
// their connections.
const shutdownTimeout = 5 * time.Second

// Config is the server's part of igsource's configuration.
type Config struct {
	Listen    string // host:port; DefaultListen when empty
	PublicURL string // the URL that visitors use to reach the server, logged at start

	// CORSOrigins lists the browser origins, such as "https://example.org", that may call the
	// content API and media routes from scripts. "*" allows every origin.
	CORSOrigins []string

	// APIKey, when set, is required on /graphql and /api/v1 as "Authorization: Bearer KEY" or
	// "X-API-Key: KEY". Empty makes the content API public. Media files stay public either
	// way, because browsers load them from <img> and <video> tags that cannot send a key.
	APIKey string

	Introspection   bool // allows GraphQL introspection queries
	ComplexityLimit int  // GraphQL complexity limit; zero or less means graph.DefaultComplexityLimit

	// MaxContentFields is the GraphQL content field limit; zero or less means
	// graph.DefaultMaxContentFields.
	MaxContentFields int
}

// Source is the source layer as the API handlers use it. *source.Service implements it.
type Source interface {
	graph.Queries
	restapi.Queries
}

// Pinger checks the database connection for /readyz. *store.Store implements it.
type Pinger interface {
	Ping(ctx context.Context) error
}

// Deps are the parts of igsource that the server exposes.
type Deps struct {
	Source Source       // required
	Media  http.Handler // serves /media/; the route is absent when nil
	Store  Pinger       // checked by /readyz; nil counts as ready
	Logger *slog.Logger // nil discards the log

	// Registry receives the HTTP metrics and is served at /metrics. Nil creates a private one.
	Registry *prometheus.Registry
}

// Server routes igsource's HTTP requests.
type Server struct {
	cfg     Config
	deps    Deps
	logger  *slog.Logger
	mux     *http.ServeMux
	handler http.Handler
	metrics *httpMetrics
	ready   readiness
}

// New returns a server with every route mounted. Routes added later with Handle share the
// same middleware.
func New(cfg Config, deps Deps) *Server {
	if cfg.Listen == "" {
		cfg.Listen = DefaultListen
	}
	if deps.Logger == nil {
		deps.Logger = slog.New(slog.DiscardHandler)
	}
	if deps.Registry == nil {
		deps.Registry = prometheus.NewRegistry()
	}

	s := &Server{
		cfg:     cfg,
		deps:    deps,
		logger:  deps.Logger,
		mux:     http.NewServeMux(),
		metrics: newHTTPMetrics(deps.Registry),
	}
	s.routes()
	s.handler = s.observe(s.recoverPanic(s.mux))
	return s
}

// Handle mounts handler at pattern, a ServeMux pattern such as "/admin/" or
// "GET /oauth/instagram/callback". The handler gets recovery, logging and metrics but neither
// CORS nor the API key check, so admin and OAuth routes bring their own authentication.
// Call it before serving. Like http.ServeMux.Handle, it panics when pattern is invalid or
// conflicts with a mounted route.
func (s *Server) Handle(pattern string, handler http.Handler) {
	s.mux.Handle(pattern, handler)
}

// Handler returns the server's root handler, with every middleware applied.
func (s *Server) Handler() http.Handler {
	return s.handler
}

// ListenAndServe listens on Config.Listen and serves until ctx is cancelled, then shuts down
// gracefully.
func (s *Server) ListenAndServe(ctx context.Context) error {
	var lc net.ListenConfig
	ln, err := lc.Listen(ctx, "tcp", s.cfg.Listen)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", s.cfg.Listen, err)
	}
	return s.Serve(ctx, ln)
}

// Serve serves on ln until ctx is cancelled. It then stops accepting connections and waits up
// to 5 seconds for requests in flight before closing them. It returns nil after a graceful
// shutdown.
func (s *Server) Serve(ctx context.Context, ln net.Listener) error {
	addr := ln.Addr().String()
	srv := &http.Server{
		Handler:           s.handler,
		ReadHeaderTimeout: 10 * time.Second,
		IdleTimeout:       2 * time.Minute,
		ErrorLog:          slog.NewLogLogger(s.logger.Handler(), slog.LevelWarn),
	}
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()
	s.logger.InfoContext(ctx, "Server started", "address", addr, "public_url", s.cfg.PublicURL)

	select {
	case err := <-served:
		return fmt.Errorf("serve on %s: %w", addr, err)
	case <-ctx.Done():
	}

	s.logger.InfoContext(ctx, "Server stopping", "address", addr)
	shutdownCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), shutdownTimeout)
	defer cancel()
	if err := srv.Shutdown(shutdownCtx); err != nil {
		closeErr := srv.Close()
		return fmt.Errorf("shut down server on %s: %w", addr, errors.Join(err, closeErr))
	}
	if err := <-served; !errors.Is(err, http.ErrServerClosed) {
		return fmt.Errorf("serve on %s: %w", addr, err)
	}
	s.logger.InfoContext(ctx, "Server stopped", "address", addr)
	return nil
}
