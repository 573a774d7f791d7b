package source

import (
	"testing"
	"time"
)

func TestCurrent(t *testing.T) {
	tests := []struct {
		name   string
		change func(t *testing.T, h *harness, meta *Meta)
		want   bool
	}{
		{"unchanged", func(*testing.T, *harness, *Meta) {}, true},
		{"read from Instagram", func(_ *testing.T, _ *harness, meta *Meta) { meta.Cached = false }, false},
		{"stale", func(_ *testing.T, _ *harness, meta *Meta) { meta.Stale = true }, false},
		{"expired", func(_ *testing.T, h *harness, _ *Meta) { h.clock.Advance(time.Minute) }, false},
		{"refreshed", func(t *testing.T, h *harness, _ *Meta) {
			h.clock.Advance(time.Minute)
			if _, err := h.service.Media(t.Context(), "A", MediaSettings{}); err != nil {
				t.Fatal(err)
			}
		}, false},
		{"instance invalidated", func(t *testing.T, h *harness, _ *Meta) {
			inst, err := h.service.Instance(t.Context(), "A")
			if err != nil {
				t.Fatal(err)
			}
			if err := h.service.InvalidateInstance(t.Context(), inst.ID); err != nil {
				t.Fatal(err)
			}
		}, false},
		{"public URL changed", func(_ *testing.T, h *harness, _ *Meta) {
			h.registry.base = "http://127.0.0.1:9999"
		}, false},
		{"instance changed elsewhere", func(t *testing.T, h *harness, _ *Meta) {
			inst, err := h.service.Instance(t.Context(), "A")
			if err != nil {
				t.Fatal(err)
			}
			updateInstance(t, h, inst, 30)
			h.clock.Advance(InstanceTTL)
		}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			g := newFakeGraph(t)
			g.setPages(tokenA, page(false, itemsFrom(0, 3)...))
			h := newHarness(t, g.srv.URL)
			h.addInstagramInstance(t, "A", userA, tokenA, 60)
			if _, err := h.service.Media(t.Context(), "A", MediaSettings{}); err != nil {
				t.Fatal(err)
			}
			res, err := h.service.Media(t.Context(), "A", MediaSettings{})
			if err != nil {
				t.Fatal(err)
			}
			meta := res.Meta
			tt.change(t, h, &meta)

			if got := h.service.Current(t.Context(), "A", meta); got != tt.want {
				t.Errorf("Current = %v, want %v", got, tt.want)
			}
		})
	}
}
