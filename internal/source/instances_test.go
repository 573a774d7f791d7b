package source

import (
	"strconv"
	"testing"
	"time"

	"github.com/igsource/igsource/internal/apperr"
	"github.com/igsource/igsource/internal/store"
)

// updateInstance changes an instance in the store directly, as another process sharing the
// database does.
func updateInstance(t *testing.T, h *harness, inst *store.Instance, cacheSeconds int) {
	t.Helper()
	changed := *inst
	changed.CacheSeconds = cacheSeconds
	if err := h.store.UpdateInstance(t.Context(), &changed); err != nil {
		t.Fatal(err)
	}
}

func TestInstanceReadAgainAfterTTL(t *testing.T) {
	h := newHarness(t, "http://127.0.0.1:1")
	inst := h.addInstagramInstance(t, "A", userA, tokenA, 60)
	if _, err := h.service.Instance(t.Context(), "A"); err != nil {
		t.Fatal(err)
	}
	updateInstance(t, h, inst, 120)

	got, err := h.service.Instance(t.Context(), "A")
	if err != nil {
		t.Fatal(err)
	}
	if got.CacheSeconds != 60 {
		t.Errorf("cache seconds within the TTL = %d, want the kept 60", got.CacheSeconds)
	}
	h.clock.Advance(InstanceTTL)
	got, err = h.service.Instance(t.Context(), "A")
	if err != nil {
		t.Fatal(err)
	}
	if got.CacheSeconds != 120 {
		t.Errorf("cache seconds after the TTL = %d, want 120", got.CacheSeconds)
	}
}

func TestInstanceByIDCached(t *testing.T) {
	h := newHarness(t, "http://127.0.0.1:1")
	inst := h.addInstagramInstance(t, "A", userA, tokenA, 60)
	name := strconv.FormatInt(inst.ID, 10)
	for range 2 {
		got, err := h.service.Instance(t.Context(), name)
		if err != nil {
			t.Fatal(err)
		}
		if got.ID != inst.ID {
			t.Errorf("Instance(%q).ID = %d, want %d", name, got.ID, inst.ID)
		}
	}
}

func TestInvalidateInstanceDropsCopy(t *testing.T) {
	h := newHarness(t, "http://127.0.0.1:1")
	inst := h.addInstagramInstance(t, "A", userA, tokenA, 60)
	if _, err := h.service.Instance(t.Context(), "A"); err != nil {
		t.Fatal(err)
	}
	updateInstance(t, h, inst, 120)
	if err := h.service.InvalidateInstance(t.Context(), inst.ID); err != nil {
		t.Fatal(err)
	}
	got, err := h.service.Instance(t.Context(), "A")
	if err != nil {
		t.Fatal(err)
	}
	if got.CacheSeconds != 120 {
		t.Errorf("cache seconds after InvalidateInstance = %d, want 120", got.CacheSeconds)
	}
}

func TestInstanceDeletedElsewhere(t *testing.T) {
	h := newHarness(t, "http://127.0.0.1:1")
	inst := h.addInstagramInstance(t, "A", userA, tokenA, 60)
	if _, err := h.service.Instance(t.Context(), "A"); err != nil {
		t.Fatal(err)
	}
	if err := h.store.DeleteInstance(t.Context(), inst.ID); err != nil {
		t.Fatal(err)
	}
	h.clock.Advance(InstanceTTL)
	_, err := h.service.Instance(t.Context(), "A")
	if code := apperr.CodeOf(err); code != apperr.NotFound {
		t.Errorf("code after deletion = %s (%v), want %s", code, err, apperr.NotFound)
	}
}

// A change by another process deletes the instance's rows of the query cache, and the next
// read of the instance must drop the results kept in memory too.
func TestInstanceChangedElsewhereDropsResults(t *testing.T) {
	g := newFakeGraph(t)
	g.setPages(tokenA, page(false, itemsFrom(0, 3)...))
	h := newHarness(t, g.srv.URL)
	inst := h.addInstagramInstance(t, "A", userA, tokenA, 3600)
	if _, err := h.service.Media(t.Context(), "A", MediaSettings{}); err != nil {
		t.Fatal(err)
	}
	updateInstance(t, h, inst, 1800)
	h.clock.Advance(InstanceTTL + time.Second)

	res, err := h.service.Media(t.Context(), "A", MediaSettings{})
	if err != nil {
		t.Fatal(err)
	}
	if n := len(g.requests()); n != 2 {
		t.Errorf("upstream calls = %d, want 2", n)
	}
	if res.Meta.Cached {
		t.Errorf("result after the instance changed marked cached: %+v", res.Meta)
	}
}

func TestInstanceRenamedElsewhereDropsResults(t *testing.T) {
	g := newFakeGraph(t)
	g.setPages(tokenA, page(false, itemsFrom(0, 3)...))
	h := newHarness(t, g.srv.URL)
	inst := h.addInstagramInstance(t, "A", userA, tokenA, 3600)
	if _, err := h.service.Media(t.Context(), "A", MediaSettings{}); err != nil {
		t.Fatal(err)
	}
	renamed := *inst
	renamed.Name = "B"
	if err := h.store.UpdateInstance(t.Context(), &renamed); err != nil {
		t.Fatal(err)
	}

	res, err := h.service.Media(t.Context(), "B", MediaSettings{})
	if err != nil {
		t.Fatal(err)
	}
	if n := len(g.requests()); n != 2 {
		t.Errorf("upstream calls = %d, want 2", n)
	}
	if res.Meta.Cached {
		t.Errorf("result under the new name marked cached: %+v", res.Meta)
	}
}

// Another process renames instance A to B, points it at another account and creates a new
// instance A. A read of A then returns the new instance, and the results kept for the old A,
// which are the old account's media, must not serve B.
func TestInstanceNameReusedElsewhereDropsResults(t *testing.T) {
	g := newFakeGraph(t)
	g.setPages(tokenA, page(false, itemsFrom(0, 3)...))
	g.setPages(tokenB, page(false, itemsFrom(10, 3)...))
	h := newHarness(t, g.srv.URL)
	old := h.addInstagramInstance(t, "A", userA, tokenA, 3600)
	if _, err := h.service.Media(t.Context(), "A", MediaSettings{}); err != nil {
		t.Fatal(err)
	}
	renamed := *old
	renamed.Name = "B"
	if err := h.store.UpdateInstance(t.Context(), &renamed); err != nil {
		t.Fatal(err)
	}
	created := h.addInstagramInstance(t, "A", userB, tokenB, 3600)
	renamed.AccountID = created.AccountID
	if err := h.store.UpdateInstance(t.Context(), &renamed); err != nil {
		t.Fatal(err)
	}
	h.clock.Advance(InstanceTTL)
	if _, err := h.service.Instance(t.Context(), "A"); err != nil {
		t.Fatal(err)
	}

	res, err := h.service.Media(t.Context(), "B", MediaSettings{})
	if err != nil {
		t.Fatal(err)
	}
	if n := len(g.requests()); n != 2 {
		t.Errorf("upstream calls = %d, want 2", n)
	}
	if res.Meta.Cached {
		t.Errorf("result of the renamed instance marked cached: %+v", res.Meta)
	}
}
