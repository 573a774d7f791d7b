package server

import (
	"context"
	"net/http"
	"sync/atomic"
	"time"
)

// readyTimeout bounds the database ping of a readiness check, so that a hung database
// fails the check instead of hanging the probe.
const readyTimeout = 2 * time.Second

// readiness remembers the last readiness result, so that a database outage is logged when it
// starts and ends rather than at every probe.
type readiness struct {
	failing atomic.Bool
}

// healthz reports that the process serves HTTP. It checks nothing else, so that an orchestrator
// restarts the process only when it stops serving.
func healthz(w http.ResponseWriter, _ *http.Request) {
	writeText(w, http.StatusOK, "ok")
}

// readyz reports whether the server can serve content: 200 when a database ping succeeds,
// 503 otherwise.
func (s *Server) readyz(w http.ResponseWriter, r *http.Request) {
	if s.deps.Store == nil {
		writeText(w, http.StatusOK, "ready")
		return
	}
	ctx, cancel := context.WithTimeout(r.Context(), readyTimeout)
	defer cancel()

	if err := s.deps.Store.Ping(ctx); err != nil {
		if !s.ready.failing.Swap(true) {
			s.logger.WarnContext(r.Context(), "Readiness check failed: database ping failed", "error", err)
		}
		writeText(w, http.StatusServiceUnavailable, "database unavailable")
		return
	}
	if s.ready.failing.Swap(false) {
		s.logger.InfoContext(r.Context(), "Readiness check passes again: database ping succeeded")
	}
	writeText(w, http.StatusOK, "ready")
}

func writeText(w http.ResponseWriter, status int, text string) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_, _ = w.Write([]byte(text + "\n"))
}
