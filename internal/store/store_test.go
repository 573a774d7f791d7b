package store_test

import (
	"bytes"
	"errors"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/igsource/igsource/internal/clock"
	"github.com/igsource/igsource/internal/instagram"
	"github.com/igsource/igsource/internal/secrets"
	"github.com/igsource/igsource/internal/store"
)

// start is the fake clock's starting time. It is given in a non-UTC zone so that tests show
// that stored times come back in UTC.
var start = time.Date(2026, 3, 1, 10, 30, 0, 0, time.FixedZone("CET", 3600))

type testDB struct {
	*store.Store
	path  string
	key   []byte
	clock *clock.Fake
}

// openTestStore opens a new database file in a temporary folder.
func openTestStore(t *testing.T) *testDB {
	t.Helper()
	db := &testDB{
		path:  filepath.Join(t.TempDir(), "igsource.db"),
		key:   bytes.Repeat([]byte{1}, secrets.KeySize),
		clock: clock.NewFake(start),
	}
	db.Store = db.open(t, db.key)
	return db
}

// open opens the database file with key and closes it at the end of the test.
func (db *testDB) open(t *testing.T, key []byte) *store.Store {
	t.Helper()
	sealer, err := secrets.NewSealer(key)
	if err != nil {
		t.Fatalf("NewSealer: %v", err)
	}
	s, err := store.Open(t.Context(), db.path, sealer, db.clock)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// reopen closes the store and opens the same file again, as a restart does.
func (db *testDB) reopen(t *testing.T) {
	t.Helper()
	if err := db.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}
	db.Store = db.open(t, db.key)
}

func (db *testDB) createAccount(t *testing.T, a *store.Account) *store.Account {
	t.Helper()
	if err := db.CreateAccount(t.Context(), a); err != nil {
		t.Fatalf("CreateAccount(%s): %v", a.Username, err)
	}
	return a
}

func instagramAccount(userID, username string) *store.Account {
	return &store.Account{
		Kind:        instagram.KindInstagram,
		UserID:      userID,
		AppScopedID: "app-" + userID,
		Username:    username,
		Token:       "IGAA-token-of-" + username,
	}
}

func facebookAccount(facebookUserID, username string, pages ...store.Page) *store.Account {
	return &store.Account{
		Kind:        instagram.KindFacebook,
		AppScopedID: facebookUserID,
		Username:    username,
		Token:       "EAAB-token-of-" + username,
		Pages:       pages,
	}
}

func TestOpenReopenKeepsData(t *testing.T) {
	db := openTestStore(t)
	account := db.createAccount(t, instagramAccount("17841400000000001", "creator"))
	db.reopen(t)
	got, err := db.Account(t.Context(), account.ID)
	if err != nil {
		t.Fatalf("Account after reopen: %v", err)
	}
	if got.Token != account.Token {
		t.Errorf("token after reopen = %q, want %q", got.Token, account.Token)
	}
	if err := db.Ping(t.Context()); err != nil {
		t.Errorf("Ping after reopen: %v", err)
	}
}

func TestOpenWrongKey(t *testing.T) {
	db := openTestStore(t)
	db.createAccount(t, instagramAccount("17841400000000001", "creator"))
	if err := db.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}
	sealer, err := secrets.NewSealer(bytes.Repeat([]byte{2}, secrets.KeySize))
	if err != nil {
		t.Fatalf("NewSealer: %v", err)
	}
	s, err := store.Open(t.Context(), db.path, sealer, db.clock)
	if err == nil {
		s.Close()
		t.Fatal("Open with another key returned no error")
	}
	if !errors.Is(err, store.ErrKeyMismatch) {
		t.Errorf("Open error = %v, want ErrKeyMismatch", err)
	}
	if !strings.Contains(err.Error(), "restore secret.key") {
		t.Errorf("Open error %q does not say how to fix it", err)
	}
}

func TestOpenRejectsArguments(t *testing.T) {
	sealer, err := secrets.NewSealer(bytes.Repeat([]byte{1}, secrets.KeySize))
	if err != nil {
		t.Fatalf("NewSealer: %v", err)
	}
	dir := t.TempDir()
	tests := []struct {
		name   string
		path   string
		sealer *secrets.Sealer
		clock  clock.Clock
	}{
		{"no sealer", filepath.Join(dir, "a.db"), nil, clock.System},
		{"no clock", filepath.Join(dir, "b.db"), sealer, nil},
		{"empty path", "", sealer, clock.System},
		{"query in path", filepath.Join(dir, "c.db?mode=ro"), sealer, clock.System},
		{"in-memory database", ":memory:", sealer, clock.System},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, err := store.Open(t.Context(), tt.path, tt.sealer, tt.clock)
			if err == nil {
				s.Close()
				t.Fatal("Open returned no error")
			}
		})
	}
}
