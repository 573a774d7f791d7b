package store_test

import (
	"bytes"
	"database/sql"
	"errors"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	_ "modernc.org/sqlite"

	"github.com/igsource/igsource/internal/instagram"
	"github.com/igsource/igsource/internal/secrets"
	"github.com/igsource/igsource/internal/store"
)

func TestCreateAccountRoundTrip(t *testing.T) {
	db := openTestStore(t)
	want := facebookAccount("10150000000000001", "business",
		store.Page{ID: "104", Name: "Bakery", UserID: "17841400000000002"},
		store.Page{ID: "101", Name: "Shop"})
	want.UserID = "17841400000000002"
	want.Name = "Bakery Inc"
	want.TokenIssuedAt = start.Add(-time.Hour)
	want.TokenExpiresAt = start.Add(60 * 24 * time.Hour)
	want.LastRefreshAt = start.Add(-time.Minute)
	db.createAccount(t, want)

	got, err := db.Account(t.Context(), want.ID)
	if err != nil {
		t.Fatalf("Account: %v", err)
	}
	want.Status = store.StatusActive
	want.TokenIssuedAt = want.TokenIssuedAt.UTC()
	want.TokenExpiresAt = want.TokenExpiresAt.UTC()
	want.LastRefreshAt = want.LastRefreshAt.UTC()
	want.CreatedAt = start.UTC()
	want.UpdatedAt = start.UTC()
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Account() mismatch (-want +got):\n%s", diff)
	}
	if got.CreatedAt.Location() != time.UTC {
		t.Errorf("CreatedAt location = %v, want UTC", got.CreatedAt.Location())
	}
}

func TestCreateAccountZeroTimes(t *testing.T) {
	db := openTestStore(t)
	account := db.createAccount(t, instagramAccount("17841400000000001", "creator"))
	got, err := db.Account(t.Context(), account.ID)
	if err != nil {
		t.Fatalf("Account: %v", err)
	}
	if !got.TokenExpiresAt.IsZero() {
		t.Errorf("TokenExpiresAt = %v, want zero (Meta gave no expiry)", got.TokenExpiresAt)
	}
	if !got.LastRefreshAt.IsZero() {
		t.Errorf("LastRefreshAt = %v, want zero", got.LastRefreshAt)
	}
}

func TestCreateAccountConflict(t *testing.T) {
	db := openTestStore(t)
	db.createAccount(t, instagramAccount("17841400000000001", "creator"))
	err := db.CreateAccount(t.Context(), instagramAccount("17841400000000001", "creator"))
	if !errors.Is(err, store.ErrConflict) {
		t.Errorf("second CreateAccount error = %v, want ErrConflict", err)
	}
}

func TestCreateAccountRejectsInvalid(t *testing.T) {
	tests := []struct {
		name   string
		change func(a *store.Account)
	}{
		{"unknown kind", func(a *store.Account) { a.Kind = "twitter" }},
		{"Instagram Login without user id", func(a *store.Account) { a.UserID = "" }},
		{"Facebook Login without Facebook user id", func(a *store.Account) {
			a.Kind = instagram.KindFacebook
			a.AppScopedID = ""
		}},
		{"empty token", func(a *store.Account) { a.Token = "" }},
		{"unknown status", func(a *store.Account) { a.Status = "paused" }},
		{"page without id", func(a *store.Account) { a.Pages = []store.Page{{Name: "Bakery"}} }},
		{"page listed twice", func(a *store.Account) { a.Pages = []store.Page{{ID: "1"}, {ID: "1"}} }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			db := openTestStore(t)
			a := instagramAccount("17841400000000001", "creator")
			tt.change(a)
			if err := db.CreateAccount(t.Context(), a); err == nil {
				t.Fatal("CreateAccount returned no error")
			}
			accounts, err := db.ListAccounts(t.Context())
			if err != nil {
				t.Fatalf("ListAccounts: %v", err)
			}
			if len(accounts) != 0 {
				t.Errorf("rejected account was stored: %+v", accounts)
			}
		})
	}
}

func TestSaveAccountReconnectKeepsID(t *testing.T) {
	tests := []struct {
		name      string
		first     *store.Account
		reconnect *store.Account
	}{
		{
			name:      "Instagram Login",
			first:     instagramAccount("17841400000000001", "creator"),
			reconnect: instagramAccount("17841400000000001", "creator_renamed"),
		},
		{
			name:      "Facebook Login",
			first:     facebookAccount("10150000000000001", "business", store.Page{ID: "104", UserID: "1784"}),
			reconnect: facebookAccount("10150000000000001", "business", store.Page{ID: "105", UserID: "1785"}),
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			db := openTestStore(t)
			if err := db.SaveAccount(t.Context(), tt.first); err != nil {
				t.Fatalf("SaveAccount (first): %v", err)
			}
			instance := &store.Instance{AccountID: tt.first.ID}
			if len(tt.first.Pages) > 0 {
				instance.PageID = tt.first.Pages[0].ID
			}
			if err := db.CreateInstance(t.Context(), instance); err != nil {
				t.Fatalf("CreateInstance: %v", err)
			}
			db.clock.Advance(time.Hour)
			tt.reconnect.Token = "new-token"
			if err := db.SaveAccount(t.Context(), tt.reconnect); err != nil {
				t.Fatalf("SaveAccount (reconnect): %v", err)
			}
			if tt.reconnect.ID != tt.first.ID {
				t.Errorf("reconnect ID = %d, want %d", tt.reconnect.ID, tt.first.ID)
			}
			got, err := db.Account(t.Context(), tt.first.ID)
			if err != nil {
				t.Fatalf("Account: %v", err)
			}
			if got.Token != "new-token" {
				t.Errorf("token = %q, want the reconnect's token", got.Token)
			}
			if got.Username != tt.reconnect.Username {
				t.Errorf("username = %q, want %q", got.Username, tt.reconnect.Username)
			}
			if diff := cmp.Diff(tt.reconnect.Pages, got.Pages); diff != "" {
				t.Errorf("pages not replaced (-want +got):\n%s", diff)
			}
			if !got.CreatedAt.Equal(start) {
				t.Errorf("CreatedAt = %v, want the first connect time %v", got.CreatedAt, start)
			}
			if want := start.Add(time.Hour); !got.UpdatedAt.Equal(want) {
				t.Errorf("UpdatedAt = %v, want %v", got.UpdatedAt, want)
			}
			attached, err := db.Instance(t.Context(), instance.ID)
			if err != nil {
				t.Fatalf("Instance after reconnect: %v", err)
			}
			if attached.AccountID != tt.first.ID {
				t.Errorf("instance account = %d, want %d", attached.AccountID, tt.first.ID)
			}
			accounts, err := db.ListAccounts(t.Context())
			if err != nil {
				t.Fatalf("ListAccounts: %v", err)
			}
			if len(accounts) != 1 {
				t.Errorf("ListAccounts returned %d accounts, want 1", len(accounts))
			}
		})
	}
}

func TestSaveAccountKindsAreSeparate(t *testing.T) {
	db := openTestStore(t)
	viaInstagram := instagramAccount("17841400000000001", "creator")
	viaFacebook := facebookAccount("10150000000000001", "creator")
	viaFacebook.UserID = viaInstagram.UserID
	for _, a := range []*store.Account{viaInstagram, viaFacebook} {
		if err := db.SaveAccount(t.Context(), a); err != nil {
			t.Fatalf("SaveAccount(%s): %v", a.Kind, err)
		}
	}
	if viaInstagram.ID == viaFacebook.ID {
		t.Errorf("both login kinds got account %d, want separate accounts", viaInstagram.ID)
	}
}

func TestAccountByName(t *testing.T) {
	db := openTestStore(t)
	creator := db.createAccount(t, instagramAccount("17841400000000001", "creator"))
	business := db.createAccount(t, facebookAccount("10150000000000001", "business"))
	business.UserID = "17841400000000002"
	if err := db.SaveAccount(t.Context(), business); err != nil {
		t.Fatalf("SaveAccount: %v", err)
	}
	tests := []struct {
		name string
		want int64
	}{
		{"creator", creator.ID},
		{"@Creator", creator.ID},
		{" business ", business.ID},
		{"1", creator.ID},
		{"17841400000000002", business.ID},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := db.AccountByName(t.Context(), tt.name)
			if err != nil {
				t.Fatalf("AccountByName(%q): %v", tt.name, err)
			}
			if got.ID != tt.want {
				t.Errorf("AccountByName(%q) = account %d, want %d", tt.name, got.ID, tt.want)
			}
		})
	}
}

func TestAccountByNameErrors(t *testing.T) {
	db := openTestStore(t)
	db.createAccount(t, instagramAccount("17841400000000001", "creator"))
	db.createAccount(t, facebookAccount("10150000000000001", "creator"))
	tests := []struct {
		name string
		want error
	}{
		{"nobody", store.ErrNotFound},
		{"99", store.ErrNotFound},
		{"creator", store.ErrConflict},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := db.AccountByName(t.Context(), tt.name)
			if !errors.Is(err, tt.want) {
				t.Errorf("AccountByName(%q) error = %v, want %v", tt.name, err, tt.want)
			}
		})
	}
	if _, err := db.AccountByName(t.Context(), " "); err == nil {
		t.Error("AccountByName of a blank name returned no error")
	}
}

func TestUpdateAccountToken(t *testing.T) {
	db := openTestStore(t)
	account := db.createAccount(t, instagramAccount("17841400000000001", "creator"))
	if err := db.SetAccountStatus(t.Context(), account.ID, store.StatusNeedsReauth, "token expired"); err != nil {
		t.Fatalf("SetAccountStatus: %v", err)
	}
	now := db.clock.Advance(24 * time.Hour)
	expires := now.Add(5183944 * time.Second)
	if err := db.UpdateAccountToken(t.Context(), account.ID, "refreshed", now, expires); err != nil {
		t.Fatalf("UpdateAccountToken: %v", err)
	}
	got, err := db.Account(t.Context(), account.ID)
	if err != nil {
		t.Fatalf("Account: %v", err)
	}
	want := *got
	want.Token = "refreshed"
	want.TokenIssuedAt = now.UTC()
	want.TokenExpiresAt = expires.UTC()
	want.LastRefreshAt = now.UTC()
	want.UpdatedAt = now.UTC()
	want.Status = store.StatusActive
	want.StatusMessage = ""
	if diff := cmp.Diff(&want, got); diff != "" {
		t.Errorf("account after token update (-want +got):\n%s", diff)
	}
}

func TestSetAccountStatus(t *testing.T) {
	db := openTestStore(t)
	account := db.createAccount(t, instagramAccount("17841400000000001", "creator"))
	message := "Error validating access token: the user changed their password."
	if err := db.SetAccountStatus(t.Context(), account.ID, store.StatusNeedsReauth, message); err != nil {
		t.Fatalf("SetAccountStatus: %v", err)
	}
	got, err := db.Account(t.Context(), account.ID)
	if err != nil {
		t.Fatalf("Account: %v", err)
	}
	if got.Status != store.StatusNeedsReauth {
		t.Errorf("Status = %q, want %q", got.Status, store.StatusNeedsReauth)
	}
	if got.StatusMessage != message {
		t.Errorf("StatusMessage = %q, want %q", got.StatusMessage, message)
	}
	if err := db.SetAccountStatus(t.Context(), account.ID, "paused", ""); err == nil {
		t.Error("SetAccountStatus accepted an unknown status")
	}
}

func TestAccountUpdatesUnknownID(t *testing.T) {
	db := openTestStore(t)
	tests := []struct {
		name string
		call func() error
	}{
		{"Account", func() error { _, err := db.Account(t.Context(), 42); return err }},
		{"UpdateAccountToken", func() error {
			return db.UpdateAccountToken(t.Context(), 42, "token", start, time.Time{})
		}},
		{"SetAccountStatus", func() error { return db.SetAccountStatus(t.Context(), 42, store.StatusActive, "") }},
		{"DeleteAccount", func() error { return db.DeleteAccount(t.Context(), 42, false) }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if err := tt.call(); !errors.Is(err, store.ErrNotFound) {
				t.Errorf("%s(42) error = %v, want ErrNotFound", tt.name, err)
			}
		})
	}
}

func TestDeleteAccount(t *testing.T) {
	db := openTestStore(t)
	account := db.createAccount(t, facebookAccount("10150000000000001", "business", store.Page{ID: "104"}))
	instance := &store.Instance{AccountID: account.ID, PageID: "104"}
	if err := db.CreateInstance(t.Context(), instance); err != nil {
		t.Fatalf("CreateInstance: %v", err)
	}
	putCache(t, db, "k1", instance.ID)
	registerMedia(t, db, store.MediaFile{Ref: "1-100-file", AccountID: account.ID, MediaID: "100", Variant: "file"})

	if err := db.DeleteAccount(t.Context(), account.ID, false); !errors.Is(err, store.ErrInUse) {
		t.Fatalf("DeleteAccount without force error = %v, want ErrInUse", err)
	}
	if _, err := db.Account(t.Context(), account.ID); err != nil {
		t.Fatalf("account in use was deleted: %v", err)
	}
	if err := db.DeleteAccount(t.Context(), account.ID, true); err != nil {
		t.Fatalf("DeleteAccount with force: %v", err)
	}
	if _, err := db.Account(t.Context(), account.ID); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("Account after delete error = %v, want ErrNotFound", err)
	}
	if _, err := db.Instance(t.Context(), instance.ID); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("Instance after forced delete error = %v, want ErrNotFound", err)
	}
	if _, err := db.CacheEntry(t.Context(), "k1"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("CacheEntry after forced delete error = %v, want ErrNotFound", err)
	}
	if _, err := db.MediaFile(t.Context(), "1-100-file"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("MediaFile after delete error = %v, want ErrNotFound", err)
	}
}

func TestTokenNotInDatabaseFiles(t *testing.T) {
	db := openTestStore(t)
	const token = "IGAAB-plain-token-that-must-stay-sealed"
	account := instagramAccount("17841400000000001", "creator")
	account.Token = token
	db.createAccount(t, account)
	if err := db.UpdateAccountToken(t.Context(), account.ID, token+"-refreshed", start, time.Time{}); err != nil {
		t.Fatalf("UpdateAccountToken: %v", err)
	}
	// The WAL file holds recent pages until a checkpoint, so it is read before closing.
	files, err := filepath.Glob(db.path + "*")
	if err != nil {
		t.Fatal(err)
	}
	if len(files) < 2 {
		t.Fatalf("database files = %v, want the database and its WAL", files)
	}
	for _, path := range files {
		assertNoToken(t, path, token)
	}
	// The user id is stored in clear, so finding it shows that the files were read while
	// they held the account row.
	if !fileContains(t, db.path+"-wal", account.UserID) && !fileContains(t, db.path, account.UserID) {
		t.Errorf("no database file contains the account row; the token check read the wrong files")
	}
	db.reopen(t)
	if err := db.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}
	assertNoToken(t, db.path, token)
}

func assertNoToken(t *testing.T, path, token string) {
	t.Helper()
	if fileContains(t, path, token) {
		t.Errorf("%s contains the plain token", filepath.Base(path))
	}
}

func fileContains(t *testing.T, path, text string) bool {
	t.Helper()
	content, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("read %s: %v", path, err)
	}
	return bytes.Contains(content, []byte(text))
}

func TestTokenBoundToAccount(t *testing.T) {
	db := openTestStore(t)
	first := db.createAccount(t, instagramAccount("17841400000000001", "first"))
	second := db.createAccount(t, instagramAccount("17841400000000002", "second"))

	raw, err := sql.Open("sqlite", db.path+"?_pragma=busy_timeout(5000)")
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	_, err = raw.ExecContext(t.Context(), `UPDATE accounts SET token_sealed =
		(SELECT token_sealed FROM accounts WHERE id = $1) WHERE id = $2`, first.ID, second.ID)
	if err != nil {
		t.Fatalf("copy sealed token: %v", err)
	}
	if _, err := db.Account(t.Context(), second.ID); !errors.Is(err, secrets.ErrWrongKey) {
		t.Errorf("Account with another account's sealed token error = %v, want ErrWrongKey", err)
	}
}
