package accounts

import (
	"fmt"
	"strconv"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/igsource/igsource/internal/store"
)

// metrics are the refresher's Prometheus series.
type metrics struct {
	expiry   *prometheus.GaugeVec
	failures *prometheus.CounterVec
}

func newMetrics(reg prometheus.Registerer) (*metrics, error) {
	m := &metrics{
		expiry: prometheus.NewGaugeVec(prometheus.GaugeOpts{
			Name: "igsource_account_token_expiry_seconds",
			Help: "Seconds until the account's access token expires; negative once expired.",
		}, []string{"account_id", "kind"}),
		failures: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "igsource_account_token_refresh_failures_total",
			Help: "Failed token refresh calls, by account and reason.",
		}, []string{"account_id", "reason"}),
	}
	if reg == nil {
		return m, nil
	}
	for _, c := range []prometheus.Collector{m.expiry, m.failures} {
		if err := reg.Register(c); err != nil {
			return nil, fmt.Errorf("register token refresh metrics: %w", err)
		}
	}
	return m, nil
}

// observeExpiry sets the account's expiry gauge; an account without a known expiry has none.
func (m *metrics) observeExpiry(a *store.Account, now time.Time) {
	if a.TokenExpiresAt.IsZero() {
		m.expiry.DeleteLabelValues(accountLabel(a.ID), string(a.Kind))
		return
	}
	m.expiry.WithLabelValues(accountLabel(a.ID), string(a.Kind)).Set(a.TokenExpiresAt.Sub(now).Seconds())
}

func accountLabel(id int64) string { return strconv.FormatInt(id, 10) }
