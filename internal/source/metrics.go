package source

import (
	"errors"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/igsource/igsource/internal/apperr"
)

// Metrics counts the source layer's cache use, upstream calls and failures. A nil *Metrics
// counts nothing.
type Metrics struct {
	cache          *prometheus.CounterVec
	upstreamCalls  *prometheus.CounterVec
	upstreamErrors *prometheus.CounterVec
	staleServes    *prometheus.CounterVec
}

// NewMetrics creates the source metrics and registers them with reg, reusing collectors that
// reg already has, so that two services in one process share them. A nil reg registers nothing.
func NewMetrics(reg prometheus.Registerer) (*Metrics, error) {
	m := &Metrics{
		cache: prometheus.NewCounterVec(prometheus.CounterOpts{
			Namespace: "igsource", Subsystem: "source", Name: "cache_requests_total",
			Help: "Content queries by query and cache result (hit or miss).",
		}, []string{"query", "result"}),
		upstreamCalls: prometheus.NewCounterVec(prometheus.CounterOpts{
			Namespace: "igsource", Subsystem: "source", Name: "upstream_calls_total",
			Help: "Calls made to Meta's Graph API by query.",
		}, []string{"query"}),
		upstreamErrors: prometheus.NewCounterVec(prometheus.CounterOpts{
			Namespace: "igsource", Subsystem: "source", Name: "upstream_errors_total",
			Help: "Failed query refreshes by query and error code.",
		}, []string{"query", "code"}),
		staleServes: prometheus.NewCounterVec(prometheus.CounterOpts{
			Namespace: "igsource", Subsystem: "source", Name: "stale_serves_total",
			Help: "Last good results served after a failed refresh, by query.",
		}, []string{"query"}),
	}
	if reg == nil {
		return m, nil
	}
	for _, c := range []**prometheus.CounterVec{&m.cache, &m.upstreamCalls, &m.upstreamErrors, &m.staleServes} {
		err := reg.Register(*c)
		if are, ok := errors.AsType[prometheus.AlreadyRegisteredError](err); ok {
			existing, isVec := are.ExistingCollector.(*prometheus.CounterVec)
			if !isVec {
				return nil, err
			}
			*c = existing
			continue
		}
		if err != nil {
			return nil, err
		}
	}
	return m, nil
}

func (m *Metrics) cacheHit(query string) {
	if m != nil {
		m.cache.WithLabelValues(query, "hit").Inc()
	}
}

func (m *Metrics) cacheMiss(query string) {
	if m != nil {
		m.cache.WithLabelValues(query, "miss").Inc()
	}
}

func (m *Metrics) upstreamCall(query string) {
	if m != nil {
		m.upstreamCalls.WithLabelValues(query).Inc()
	}
}

func (m *Metrics) upstreamError(query string, code apperr.Code) {
	if m != nil {
		m.upstreamErrors.WithLabelValues(query, string(code)).Inc()
	}
}

func (m *Metrics) staleServe(query string) {
	if m != nil {
		m.staleServes.WithLabelValues(query).Inc()
	}
}
