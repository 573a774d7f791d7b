package server

import (
	"errors"
	"io"
	"net/http"
	"runtime/debug"
	"strconv"
	"time"

	"github.com/igsource/igsource/internal/apperr"
	"github.com/igsource/igsource/internal/restapi"
)

// responseRecorder records the status and size of a response for the access log and
// metrics.
type responseRecorder struct {
	http.ResponseWriter
	status      int
	bytes       int64
	wroteHeader bool
}

func (w *responseRecorder) WriteHeader(status int) {
	if !w.wroteHeader {
		w.status = status
		w.wroteHeader = true
	}
	w.ResponseWriter.WriteHeader(status)
}

func (w *responseRecorder) Write(p []byte) (int, error) {
	if !w.wroteHeader {
		w.WriteHeader(http.StatusOK)
	}
	n, err := w.ResponseWriter.Write(p)
	w.bytes += int64(n)
	return n, err
}

// ReadFrom keeps the underlying writer's sendfile path for http.ServeContent, which media
// files are served with.
func (w *responseRecorder) ReadFrom(r io.Reader) (int64, error) {
	if !w.wroteHeader {
		w.WriteHeader(http.StatusOK)
	}
	n, err := io.Copy(w.ResponseWriter, r)
	w.bytes += n
	return n, err
}

// Unwrap lets http.ResponseController reach the connection's flusher and deadlines.
func (w *responseRecorder) Unwrap() http.ResponseWriter {
	return w.ResponseWriter
}

// observe logs each request at debug level and counts it by route and status. The route is
// the ServeMux pattern that served the request: the mux sets r.Pattern on the request it is
// given, and no middleware between here and the mux replaces the request.
func (s *Server) observe(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		rec := &responseRecorder{ResponseWriter: w, status: http.StatusOK}
		next.ServeHTTP(rec, r)
		elapsed := time.Since(start)

		route := r.Pattern
		if route == "" {
			route = "unmatched"
		}
		s.metrics.observe(route, strconv.Itoa(rec.status), elapsed)
		s.logger.DebugContext(r.Context(), "HTTP request",
			"method", r.Method, "path", r.URL.Path, "route", route, "status", rec.status,
			"bytes", rec.bytes, "duration_ms", elapsed.Milliseconds(), "remote_addr", r.RemoteAddr)
	})
}

// recoverPanic turns a handler's panic into a 500 response with the INTERNAL code and no
// details, logging the panic and its stack.
func (s *Server) recoverPanic(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer func() {
			value := recover()
			if value == nil {
				return
			}
			// net/http aborts the response silently for this value, as the handler intends.
			if err, ok := value.(error); ok && errors.Is(err, http.ErrAbortHandler) {
				panic(value)
			}
			s.logger.ErrorContext(r.Context(), "HTTP handler panicked",
				"method", r.Method, "path", r.URL.Path, "panic", value, "stack", string(debug.Stack()))
			if rec, ok := w.(*responseRecorder); ok && rec.wroteHeader {
				return // the status is already sent, so the client sees a cut-off body
			}
			restapi.WriteError(w, apperr.New(apperr.Internal, "handler panicked"))
		}()
		next.ServeHTTP(w, r)
	})
}
