package media

import (
	"fmt"

	"github.com/prometheus/client_golang/prometheus"
)

// Metrics are the media store's Prometheus metrics. A nil *Metrics records nothing.
type Metrics struct {
	cacheBytes prometheus.Gauge
	downloads  *prometheus.CounterVec
	bytes      prometheus.Counter
}

// NewMetrics creates the media metrics and registers them with reg.
func NewMetrics(reg prometheus.Registerer) (*Metrics, error) {
	m := &Metrics{
		cacheBytes: prometheus.NewGauge(prometheus.GaugeOpts{
			Name: "igsource_media_cache_bytes",
			Help: "Total size of the downloaded media files, in bytes, as of the last download or eviction.",
		}),
		downloads: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "igsource_media_downloads_total",
			Help: "Media downloads by result: ok, failed, or rejected by the download guard.",
		}, []string{"result"}),
		bytes: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "igsource_media_downloaded_bytes_total",
			Help: "Bytes of media downloaded from the CDN.",
		}),
	}
	for _, c := range []prometheus.Collector{m.cacheBytes, m.downloads, m.bytes} {
		if err := reg.Register(c); err != nil {
			return nil, fmt.Errorf("register media metrics: %w", err)
		}
	}
	return m, nil
}

func (m *Metrics) downloaded(size int64) {
	if m == nil {
		return
	}
	m.downloads.WithLabelValues("ok").Inc()
	m.bytes.Add(float64(size))
}

func (m *Metrics) failed() {
	if m != nil {
		m.downloads.WithLabelValues("failed").Inc()
	}
}

func (m *Metrics) rejected() {
	if m != nil {
		m.downloads.WithLabelValues("rejected").Inc()
	}
}

func (m *Metrics) cacheSize(size int64) {
	if m != nil {
		m.cacheBytes.Set(float64(size))
	}
}
