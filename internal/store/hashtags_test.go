package store_test

import (
	"errors"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/igsource/igsource/internal/store"
)

func TestHashtagIDRoundTrip(t *testing.T) {
	db := openTestStore(t)
	if _, err := db.HashtagID(t.Context(), "pizza"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("HashtagID before SaveHashtag error = %v, want ErrNotFound", err)
	}
	if err := db.SaveHashtag(t.Context(), "pizza", "17843853986012965"); err != nil {
		t.Fatalf("SaveHashtag: %v", err)
	}
	if err := db.SaveHashtag(t.Context(), "pizza", "17843853986012965"); err != nil {
		t.Fatalf("SaveHashtag again: %v", err)
	}
	db.reopen(t)
	got, err := db.HashtagID(t.Context(), "pizza")
	if err != nil {
		t.Fatalf("HashtagID: %v", err)
	}
	if got != "17843853986012965" {
		t.Errorf("HashtagID() = %q, want %q", got, "17843853986012965")
	}
}

func TestSaveHashtagRejectsEmpty(t *testing.T) {
	db := openTestStore(t)
	for _, args := range [][2]string{{"", "1"}, {"pizza", ""}} {
		if err := db.SaveHashtag(t.Context(), args[0], args[1]); err == nil {
			t.Errorf("SaveHashtag(%q, %q) returned no error", args[0], args[1])
		}
	}
}

func TestRecordHashtagSearchInsertIfAbsent(t *testing.T) {
	db := openTestStore(t)
	record := func(accountID int64, name string, at time.Time) {
		t.Helper()
		h := store.HashtagSearch{AccountID: accountID, Name: name, HashtagID: "id-" + name, SearchedAt: at}
		if err := db.RecordHashtagSearch(t.Context(), h); err != nil {
			t.Fatalf("RecordHashtagSearch(%d, %q): %v", accountID, name, err)
		}
	}
	record(1, "pizza", start)
	record(1, "pizza", start.Add(time.Hour))                  // repeat: neither counted nor moved
	record(1, "tacos", start.Add(2*time.Hour))                // another tag
	record(2, "pizza", start.Add(3*time.Hour))                // another account
	record(1, "pizza", start.Add(7*24*time.Hour))             // exactly a window later: still a repeat
	record(1, "pizza", start.Add(7*24*time.Hour+time.Second)) // window passed: counts again

	got, err := db.HashtagSearches(t.Context(), 1, start)
	if err != nil {
		t.Fatalf("HashtagSearches: %v", err)
	}
	want := []store.HashtagSearch{
		{AccountID: 1, Name: "pizza", HashtagID: "id-pizza", SearchedAt: start.UTC()},
		{AccountID: 1, Name: "tacos", HashtagID: "id-tacos", SearchedAt: start.Add(2 * time.Hour).UTC()},
		{AccountID: 1, Name: "pizza", HashtagID: "id-pizza", SearchedAt: start.Add(7*24*time.Hour + time.Second).UTC()},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("HashtagSearches() (-want +got):\n%s", diff)
	}
}

func TestHashtagSearchesSince(t *testing.T) {
	db := openTestStore(t)
	for i, name := range []string{"brunch", "tacos", "pizza"} {
		h := store.HashtagSearch{AccountID: 1, Name: name, HashtagID: "id-" + name,
			SearchedAt: start.Add(time.Duration(i) * 24 * time.Hour)}
		if err := db.RecordHashtagSearch(t.Context(), h); err != nil {
			t.Fatalf("RecordHashtagSearch(%q): %v", name, err)
		}
	}
	got, err := db.HashtagSearches(t.Context(), 1, start.Add(24*time.Hour))
	if err != nil {
		t.Fatalf("HashtagSearches: %v", err)
	}
	var names []string
	for _, h := range got {
		names = append(names, h.Name)
	}
	if diff := cmp.Diff([]string{"tacos", "pizza"}, names); diff != "" {
		t.Errorf("HashtagSearches() since one day later (-want +got):\n%s", diff)
	}
}

func TestRecordHashtagSearchRejectsEmpty(t *testing.T) {
	db := openTestStore(t)
	err := db.RecordHashtagSearch(t.Context(), store.HashtagSearch{AccountID: 1, SearchedAt: start})
	if err == nil {
		t.Error("RecordHashtagSearch without a name returned no error")
	}
}
