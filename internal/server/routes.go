package server

import (
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/igsource/igsource/internal/graph"
	"github.com/igsource/igsource/internal/restapi"
)

// routes mounts the built-in routes. The content API gets CORS and the API key check; media
// files get CORS only.
func (s *Server) routes() {
	graphql := graph.NewHandler(s.deps.Source, graph.Options{
		Logger:           s.logger,
		ComplexityLimit:  s.cfg.ComplexityLimit,
		MaxContentFields: s.cfg.MaxContentFields,
		Introspection:    s.cfg.Introspection,
	})
	s.mux.Handle("/graphql", s.cors(s.requireAPIKey(graphql, graph.WriteError)))

	rest := restapi.New(s.deps.Source, s.logger)
	s.mux.Handle(restapi.Prefix, s.cors(s.requireAPIKey(rest, restapi.WriteErrorResponse)))

	if s.deps.Media != nil {
		s.mux.Handle("/media/", s.cors(s.deps.Media))
	}

	s.mux.HandleFunc("GET /healthz", healthz)
	s.mux.HandleFunc("GET /readyz", s.readyz)
	s.mux.Handle("GET /metrics", promhttp.HandlerFor(s.deps.Registry, promhttp.HandlerOpts{
		ErrorLog: promErrorLog{s.logger},
	}))
}
