package store_test

import (
	"errors"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/igsource/igsource/internal/store"
)

func putCache(t *testing.T, db *testDB, key string, instanceID int64) {
	t.Helper()
	entry := store.CacheEntry{
		Key:        key,
		InstanceID: instanceID,
		Value:      []byte(`{"data":[]}`),
		FetchedAt:  start,
		ExpiresAt:  start.Add(time.Hour),
	}
	if err := db.PutCacheEntry(t.Context(), entry); err != nil {
		t.Fatalf("PutCacheEntry(%q): %v", key, err)
	}
}

func TestCacheEntryRoundTrip(t *testing.T) {
	db := openTestStore(t)
	entry := store.CacheEntry{
		Key:        "media|1|amount=20|type=ALL",
		InstanceID: 1,
		Value:      []byte(`{"data":[{"id":"17895695668004551"}]}`),
		FetchedAt:  start,
		ExpiresAt:  start.Add(1800 * time.Second),
	}
	if err := db.PutCacheEntry(t.Context(), entry); err != nil {
		t.Fatalf("PutCacheEntry: %v", err)
	}
	db.reopen(t)
	got, err := db.CacheEntry(t.Context(), entry.Key)
	if err != nil {
		t.Fatalf("CacheEntry: %v", err)
	}
	want := entry
	want.FetchedAt = start.UTC()
	want.ExpiresAt = start.Add(1800 * time.Second).UTC()
	if diff := cmp.Diff(&want, got); diff != "" {
		t.Errorf("CacheEntry() (-want +got):\n%s", diff)
	}
}

func TestPutCacheEntryReplaces(t *testing.T) {
	db := openTestStore(t)
	putCache(t, db, "user|1", 1)
	newer := store.CacheEntry{
		Key:        "user|1",
		InstanceID: 1,
		Value:      []byte(`{"username":"creator"}`),
		FetchedAt:  start.Add(time.Hour).UTC(),
		ExpiresAt:  start.Add(2 * time.Hour).UTC(),
	}
	if err := db.PutCacheEntry(t.Context(), newer); err != nil {
		t.Fatalf("PutCacheEntry: %v", err)
	}
	got, err := db.CacheEntry(t.Context(), "user|1")
	if err != nil {
		t.Fatalf("CacheEntry: %v", err)
	}
	if diff := cmp.Diff(&newer, got); diff != "" {
		t.Errorf("CacheEntry() after replace (-want +got):\n%s", diff)
	}
}

func TestCacheDeletes(t *testing.T) {
	tests := []struct {
		name     string
		delete   func(db *testDB) error
		wantKept bool
	}{
		{"one instance", func(db *testDB) error { return db.DeleteInstanceCache(t.Context(), 1) }, true},
		{"purge", func(db *testDB) error { return db.PurgeCache(t.Context()) }, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			db := openTestStore(t)
			putCache(t, db, "media|1", 1)
			putCache(t, db, "media|2", 2)
			if err := tt.delete(db); err != nil {
				t.Fatalf("delete: %v", err)
			}
			if _, err := db.CacheEntry(t.Context(), "media|1"); !errors.Is(err, store.ErrNotFound) {
				t.Errorf("CacheEntry(media|1) error = %v, want ErrNotFound", err)
			}
			_, err := db.CacheEntry(t.Context(), "media|2")
			if kept := err == nil; kept != tt.wantKept {
				t.Errorf("CacheEntry(media|2) error = %v, want kept = %v", err, tt.wantKept)
			}
		})
	}
}

func TestPutCacheEntryRejectsEmptyKey(t *testing.T) {
	db := openTestStore(t)
	if err := db.PutCacheEntry(t.Context(), store.CacheEntry{InstanceID: 1}); err == nil {
		t.Error("PutCacheEntry with an empty key returned no error")
	}
}
