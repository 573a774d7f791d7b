package media

import (
	"net/http"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/prometheus/client_golang/prometheus"
)

func TestMetricsCountDownloads(t *testing.T) {
	reg := prometheus.NewRegistry()
	m, err := NewMetrics(reg)
	if err != nil {
		t.Fatalf("NewMetrics: %v", err)
	}
	if _, err := NewMetrics(reg); err == nil {
		t.Errorf("second NewMetrics on one registry returned no error")
	}
	cdn := newTestCDN(t)
	body := jpegBytes(t, 16, 16, 9)
	cdn.files["/v/m.jpg"] = body
	cdn.files["/v/text.jpg"] = []byte("plain text")
	env := newTestEnv(t, openIndex(t), cdn, func(c *Config) { c.Metrics = m })
	good := Ref{AccountID: 1, MediaID: "91", Variant: VariantFile}
	bad := Ref{AccountID: 1, MediaID: "92", Variant: VariantFile}
	err = env.store.Register(t.Context(), []Registration{
		{Ref: good, CDNURL: cdn.link("/v/m.jpg", testStart.Add(time.Hour)), Resolvable: true},
		{Ref: bad, CDNURL: cdn.link("/v/text.jpg", testStart.Add(time.Hour)), Resolvable: true},
	})
	if err != nil {
		t.Fatalf("Register: %v", err)
	}
	env.get(t, http.MethodGet, mediaPath(good), nil)
	env.get(t, http.MethodGet, mediaPath(bad), nil)

	families, err := reg.Gather()
	if err != nil {
		t.Fatalf("Gather: %v", err)
	}
	got := make(map[string]float64)
	for _, f := range families {
		for _, metric := range f.GetMetric() {
			name := f.GetName()
			for _, l := range metric.GetLabel() {
				name += "/" + l.GetValue()
			}
			switch {
			case metric.GetCounter() != nil:
				got[name] = metric.GetCounter().GetValue()
			case metric.GetGauge() != nil:
				got[name] = metric.GetGauge().GetValue()
			}
		}
	}
	want := map[string]float64{
		"igsource_media_cache_bytes":              float64(len(body)),
		"igsource_media_downloaded_bytes_total":   float64(len(body)),
		"igsource_media_downloads_total/ok":       1,
		"igsource_media_downloads_total/rejected": 1,
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("metrics mismatch (-want +got):\n%s", diff)
	}
}
