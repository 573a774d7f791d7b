package server

import (
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

// httpMetrics counts and times requests by route, the ServeMux pattern, so that the label
// set stays bounded whatever paths clients send.
type httpMetrics struct {
	requests *prometheus.CounterVec
	duration *prometheus.HistogramVec
}

func newHTTPMetrics(registry *prometheus.Registry) *httpMetrics {
	return &httpMetrics{
		requests: register(registry, prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "igsource_http_requests_total",
			Help: "HTTP requests served, by route and status code.",
		}, []string{"route", "status"})),
		duration: register(registry, prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "igsource_http_request_duration_seconds",
			Help:    "Time to serve HTTP requests, by route, in seconds.",
			Buckets: prometheus.DefBuckets,
		}, []string{"route"})),
	}
}

func (m *httpMetrics) observe(route, status string, elapsed time.Duration) {
	m.requests.WithLabelValues(route, status).Inc()
	m.duration.WithLabelValues(route).Observe(elapsed.Seconds())
}

// register registers c, or returns the collector already registered under its name, so
// that two servers can share one registry.
func register[C prometheus.Collector](registry *prometheus.Registry, c C) C {
	err := registry.Register(c)
	if already, ok := errors.AsType[prometheus.AlreadyRegisteredError](err); ok {
		if existing, ok := already.ExistingCollector.(C); ok {
			return existing
		}
	}
	if err != nil {
		// Only a programming error, such as an invalid metric name, gets here.
		panic(fmt.Errorf("register HTTP metrics: %w", err))
	}
	return c
}

// promErrorLog sends promhttp's errors about gathering or writing metrics to the log.
type promErrorLog struct {
	logger *slog.Logger
}

func (l promErrorLog) Println(v ...any) {
	l.logger.Error("Serving metrics failed", "error", fmt.Sprint(v...))
}
