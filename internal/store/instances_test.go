package store_test

import (
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/igsource/igsource/internal/store"
)

func TestCreateInstanceDefaultNames(t *testing.T) {
	db := openTestStore(t)
	account := db.createAccount(t, instagramAccount("17841400000000001", "creator"))
	var names []string
	for range 3 {
		in := &store.Instance{AccountID: account.ID}
		if err := db.CreateInstance(t.Context(), in); err != nil {
			t.Fatalf("CreateInstance: %v", err)
		}
		names = append(names, in.Name)
	}
	if diff := cmp.Diff([]string{"Instagram", "Instagram 2", "Instagram 3"}, names); diff != "" {
		t.Errorf("default names (-want +got):\n%s", diff)
	}

	second, err := db.InstanceByName(t.Context(), "Instagram 2")
	if err != nil {
		t.Fatalf("InstanceByName: %v", err)
	}
	if err := db.DeleteInstance(t.Context(), second.ID); err != nil {
		t.Fatalf("DeleteInstance: %v", err)
	}
	in := &store.Instance{AccountID: account.ID}
	if err := db.CreateInstance(t.Context(), in); err != nil {
		t.Fatalf("CreateInstance: %v", err)
	}
	if in.Name != "Instagram 2" {
		t.Errorf("name after deleting \"Instagram 2\" = %q, want the freed \"Instagram 2\"", in.Name)
	}
}

func TestCreateInstanceConcurrentDefaultNames(t *testing.T) {
	db := openTestStore(t)
	account := db.createAccount(t, instagramAccount("17841400000000001", "creator"))

	const count = 8
	var wg sync.WaitGroup
	errs := make([]error, count)
	for i := range count {
		wg.Go(func() {
			errs[i] = db.CreateInstance(t.Context(), &store.Instance{AccountID: account.ID})
		})
	}
	wg.Wait()

	for i, err := range errs {
		if err != nil {
			t.Errorf("CreateInstance %d: %v", i, err)
		}
	}
	instances, err := db.ListInstances(t.Context())
	if err != nil {
		t.Fatalf("ListInstances: %v", err)
	}
	seen := make(map[string]bool)
	for _, in := range instances {
		if seen[in.Name] {
			t.Errorf("name %q given twice", in.Name)
		}
		seen[in.Name] = true
	}
	if len(instances) != count {
		t.Errorf("ListInstances returned %d instances, want %d", len(instances), count)
	}
}

func TestCreateInstanceRoundTrip(t *testing.T) {
	db := openTestStore(t)
	account := db.createAccount(t, facebookAccount("10150000000000001", "business", store.Page{ID: "104"}))
	in := &store.Instance{Name: "  Bakery feed ", AccountID: account.ID, PageID: "104", CacheSeconds: 600}
	if err := db.CreateInstance(t.Context(), in); err != nil {
		t.Fatalf("CreateInstance: %v", err)
	}
	want := &store.Instance{
		ID:           in.ID,
		Name:         "Bakery feed",
		AccountID:    account.ID,
		PageID:       "104",
		CacheSeconds: 600,
		CreatedAt:    start.UTC(),
		UpdatedAt:    start.UTC(),
	}
	if diff := cmp.Diff(want, in); diff != "" {
		t.Errorf("created instance (-want +got):\n%s", diff)
	}

	db.reopen(t)
	byID, err := db.Instance(t.Context(), in.ID)
	if err != nil {
		t.Fatalf("Instance: %v", err)
	}
	if diff := cmp.Diff(want, byID); diff != "" {
		t.Errorf("Instance() (-want +got):\n%s", diff)
	}
	byName, err := db.InstanceByName(t.Context(), "Bakery feed")
	if err != nil {
		t.Fatalf("InstanceByName: %v", err)
	}
	if diff := cmp.Diff(want, byName); diff != "" {
		t.Errorf("InstanceByName() (-want +got):\n%s", diff)
	}
}

func TestCreateInstanceDefaultCache(t *testing.T) {
	db := openTestStore(t)
	account := db.createAccount(t, instagramAccount("17841400000000001", "creator"))
	in := &store.Instance{AccountID: account.ID}
	if err := db.CreateInstance(t.Context(), in); err != nil {
		t.Fatalf("CreateInstance: %v", err)
	}
	if in.CacheSeconds != store.DefaultCacheSeconds {
		t.Errorf("CacheSeconds = %d, want %d", in.CacheSeconds, store.DefaultCacheSeconds)
	}
}

func TestCreateInstanceDuplicateName(t *testing.T) {
	db := openTestStore(t)
	account := db.createAccount(t, instagramAccount("17841400000000001", "creator"))
	for _, name := range []string{"Feed", "Instagram"} {
		if err := db.CreateInstance(t.Context(), &store.Instance{Name: name, AccountID: account.ID}); err != nil {
			t.Fatalf("CreateInstance(%q): %v", name, err)
		}
		err := db.CreateInstance(t.Context(), &store.Instance{Name: name, AccountID: account.ID})
		if !errors.Is(err, store.ErrConflict) {
			t.Errorf("second CreateInstance(%q) error = %v, want ErrConflict", name, err)
		}
	}
}

func TestCreateInstanceRejectsInvalid(t *testing.T) {
	db := openTestStore(t)
	creator := db.createAccount(t, instagramAccount("17841400000000001", "creator"))
	business := db.createAccount(t, facebookAccount("10150000000000001", "business", store.Page{ID: "104"}))
	tests := []struct {
		name     string
		instance store.Instance
		want     error
	}{
		{"negative cache", store.Instance{AccountID: creator.ID, CacheSeconds: -1}, nil},
		{"unknown account", store.Instance{AccountID: 99}, store.ErrNotFound},
		{"Facebook Login without page", store.Instance{AccountID: business.ID}, nil},
		{"Facebook Login with another page", store.Instance{AccountID: business.ID, PageID: "999"}, nil},
		{"Instagram Login with page", store.Instance{AccountID: creator.ID, PageID: "104"}, nil},
		{"control character", store.Instance{Name: "a\nb", AccountID: creator.ID}, nil},
		{"name too long", store.Instance{Name: strings.Repeat("x", store.MaxInstanceNameLength+1), AccountID: creator.ID}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := db.CreateInstance(t.Context(), &tt.instance)
			if err == nil {
				t.Fatal("CreateInstance returned no error")
			}
			if tt.want != nil && !errors.Is(err, tt.want) {
				t.Errorf("CreateInstance error = %v, want %v", err, tt.want)
			}
		})
	}
	instances, err := db.ListInstances(t.Context())
	if err != nil {
		t.Fatalf("ListInstances: %v", err)
	}
	if len(instances) != 0 {
		t.Errorf("rejected instances were stored: %+v", instances)
	}
}

func TestUpdateInstance(t *testing.T) {
	db := openTestStore(t)
	account := db.createAccount(t, instagramAccount("17841400000000001", "creator"))
	in := &store.Instance{Name: "Feed", AccountID: account.ID}
	if err := db.CreateInstance(t.Context(), in); err != nil {
		t.Fatalf("CreateInstance: %v", err)
	}
	db.clock.Advance(time.Minute)
	in.Name = "Renamed"
	in.CacheSeconds = 0
	if err := db.UpdateInstance(t.Context(), in); err != nil {
		t.Fatalf("UpdateInstance: %v", err)
	}
	got, err := db.Instance(t.Context(), in.ID)
	if err != nil {
		t.Fatalf("Instance: %v", err)
	}
	want := &store.Instance{
		ID:           in.ID,
		Name:         "Renamed",
		AccountID:    account.ID,
		CacheSeconds: store.DefaultCacheSeconds,
		CreatedAt:    start.UTC(),
		UpdatedAt:    start.Add(time.Minute).UTC(),
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("updated instance (-want +got):\n%s", diff)
	}
}

func TestUpdateInstanceErrors(t *testing.T) {
	db := openTestStore(t)
	account := db.createAccount(t, instagramAccount("17841400000000001", "creator"))
	for _, name := range []string{"First", "Second"} {
		if err := db.CreateInstance(t.Context(), &store.Instance{Name: name, AccountID: account.ID}); err != nil {
			t.Fatalf("CreateInstance(%q): %v", name, err)
		}
	}
	second, err := db.InstanceByName(t.Context(), "Second")
	if err != nil {
		t.Fatalf("InstanceByName: %v", err)
	}
	tests := []struct {
		name     string
		instance store.Instance
		want     error
	}{
		{"taken name", store.Instance{ID: second.ID, Name: "First", AccountID: account.ID}, store.ErrConflict},
		{"unknown instance", store.Instance{ID: 99, Name: "Third", AccountID: account.ID}, store.ErrNotFound},
		{"empty name", store.Instance{ID: second.ID, AccountID: account.ID}, nil},
		{"blank name", store.Instance{ID: second.ID, Name: "  ", AccountID: account.ID}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := db.UpdateInstance(t.Context(), &tt.instance)
			if err == nil {
				t.Fatal("UpdateInstance returned no error")
			}
			if tt.want != nil && !errors.Is(err, tt.want) {
				t.Errorf("UpdateInstance error = %v, want %v", err, tt.want)
			}
		})
	}
}

func TestInstanceChangeDeletesCache(t *testing.T) {
	tests := []struct {
		name   string
		change func(db *testDB, in *store.Instance) error
	}{
		{"update", func(db *testDB, in *store.Instance) error {
			in.CacheSeconds = 60
			return db.UpdateInstance(t.Context(), in)
		}},
		{"delete", func(db *testDB, in *store.Instance) error {
			return db.DeleteInstance(t.Context(), in.ID)
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			db := openTestStore(t)
			account := db.createAccount(t, instagramAccount("17841400000000001", "creator"))
			changed := &store.Instance{Name: "Changed", AccountID: account.ID}
			kept := &store.Instance{Name: "Kept", AccountID: account.ID}
			for _, in := range []*store.Instance{changed, kept} {
				if err := db.CreateInstance(t.Context(), in); err != nil {
					t.Fatalf("CreateInstance: %v", err)
				}
				putCache(t, db, fmt.Sprintf("media|%d|amount=20", in.ID), in.ID)
			}
			if err := tt.change(db, changed); err != nil {
				t.Fatalf("%s: %v", tt.name, err)
			}
			changedKey := fmt.Sprintf("media|%d|amount=20", changed.ID)
			if _, err := db.CacheEntry(t.Context(), changedKey); !errors.Is(err, store.ErrNotFound) {
				t.Errorf("CacheEntry of the changed instance error = %v, want ErrNotFound", err)
			}
			if _, err := db.CacheEntry(t.Context(), fmt.Sprintf("media|%d|amount=20", kept.ID)); err != nil {
				t.Errorf("CacheEntry of the other instance: %v", err)
			}
		})
	}
}

func TestInstanceNotFound(t *testing.T) {
	db := openTestStore(t)
	if _, err := db.Instance(t.Context(), 1); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("Instance(1) error = %v, want ErrNotFound", err)
	}
	if _, err := db.InstanceByName(t.Context(), "Instagram"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("InstanceByName error = %v, want ErrNotFound", err)
	}
	if err := db.DeleteInstance(t.Context(), 1); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("DeleteInstance(1) error = %v, want ErrNotFound", err)
	}
}
