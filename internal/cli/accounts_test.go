package cli

import (
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/igsource/igsource/internal/config"
	"github.com/igsource/igsource/internal/emulator"
	"github.com/igsource/igsource/internal/instagram"
	"github.com/igsource/igsource/internal/store"
)

// startEmulator serves a new emulator on loopback until the test ends.
func startEmulator(t *testing.T) *emulator.Emulator {
	t.Helper()
	emu := emulator.New(emulator.Options{})
	srv := httptest.NewServer(emu.Handler())
	t.Cleanup(srv.Close)
	emu.SetBaseURL(srv.URL)
	return emu
}

func storedAccounts(t *testing.T, dir string) []store.Account {
	t.Helper()
	st, err := openStore(t.Context(), &config.Config{DataDir: dir})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	accounts, err := st.ListAccounts(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	return accounts
}

func TestAccountsImportInstagramFromFile(t *testing.T) {
	t.Parallel()
	emu := startEmulator(t)
	demo := emu.Accounts()
	token := emu.DemoTokens(0).Instagram
	dir := t.TempDir()
	tokenFile := writeFile(t, "token.txt", token+"\n")

	status, stdout, stderr := runCLI(t, "", "accounts", "import", "--kind", "instagram", "--token-file", tokenFile,
		"--expires-in", "1440h", "--data", dir, "--emulator-url", emu.BaseURL())
	if status != exitOK {
		t.Fatalf("accounts import: status %d, stderr %q", status, stderr)
	}
	if strings.Contains(stdout+stderr, token) {
		t.Error("accounts import printed the token")
	}
	accounts := storedAccounts(t, dir)
	if len(accounts) != 1 {
		t.Fatalf("stored accounts = %d, want 1", len(accounts))
	}
	got := accounts[0]
	want := store.Account{Kind: instagram.KindInstagram, UserID: demo.CreatorUserID, AppScopedID: demo.CreatorAppScopedID,
		Username: demo.CreatorUsername, Token: token, Status: store.StatusActive}
	if diff := cmp.Diff(want, got, cmpAccountIdentity); diff != "" {
		t.Errorf("stored account (-want +got):\n%s", diff)
	}
	if lifetime := got.TokenExpiresAt.Sub(got.TokenIssuedAt); lifetime.Hours() != 1440 {
		t.Errorf("token lifetime = %s, want 1440h from --expires-in", lifetime)
	}
}

// cmpAccountIdentity compares the fields that an import fills from Meta and the token.
var cmpAccountIdentity = cmp.Transformer("identity", func(a store.Account) store.Account {
	return store.Account{Kind: a.Kind, UserID: a.UserID, AppScopedID: a.AppScopedID, Username: a.Username,
		Token: a.Token, Status: a.Status}
})

func TestAccountsImportFacebookFromStdin(t *testing.T) {
	t.Parallel()
	emu := startEmulator(t)
	demo := emu.Accounts()
	token := emu.DemoTokens(0).Facebook
	dir := t.TempDir()

	status, _, stderr := runCLI(t, token+"\n", "accounts", "import", "--kind", "facebook",
		"--data", dir, "--emulator-url", emu.BaseURL())
	if status != exitOK {
		t.Fatalf("accounts import: status %d, stderr %q", status, stderr)
	}
	accounts := storedAccounts(t, dir)
	if len(accounts) != 1 {
		t.Fatalf("stored accounts = %d, want 1", len(accounts))
	}
	got := accounts[0]
	want := store.Account{Kind: instagram.KindFacebook, UserID: demo.BusinessUserID, AppScopedID: demo.FacebookUserID,
		Username: demo.BusinessUsername, Token: token, Status: store.StatusActive}
	if diff := cmp.Diff(want, got, cmpAccountIdentity); diff != "" {
		t.Errorf("stored account (-want +got):\n%s", diff)
	}
	wantPages := make([]store.Page, len(demo.Pages))
	for i, p := range demo.Pages {
		wantPages[i] = store.Page{ID: p.ID, Name: p.Name, UserID: p.InstagramBusinessAccountID}
	}
	if diff := cmp.Diff(wantPages, got.Pages); diff != "" {
		t.Errorf("stored pages (-want +got):\n%s", diff)
	}
	if !got.TokenExpiresAt.IsZero() {
		t.Errorf("TokenExpiresAt = %s, want zero without --expires-in", got.TokenExpiresAt)
	}
}

func TestAccountsImportTwiceUpdates(t *testing.T) {
	t.Parallel()
	emu := startEmulator(t)
	dir := t.TempDir()
	for range 2 {
		token := emu.DemoTokens(0).Instagram
		status, _, stderr := runCLI(t, token, "accounts", "import", "--kind", "instagram",
			"--data", dir, "--emulator-url", emu.BaseURL())
		if status != exitOK {
			t.Fatalf("accounts import: status %d, stderr %q", status, stderr)
		}
	}
	if got := len(storedAccounts(t, dir)); got != 1 {
		t.Errorf("stored accounts after two imports = %d, want 1", got)
	}
}

func TestAccountsImportRejects(t *testing.T) {
	t.Parallel()
	emu := startEmulator(t)
	demo := emu.Accounts()
	tokens := emu.DemoTokens(0)
	unlinked := ""
	for _, p := range demo.Pages {
		if p.InstagramBusinessAccountID == "" {
			unlinked = p.ID
		}
	}
	tests := []struct {
		name       string
		stdin      string
		args       []string
		wantStatus int
		want       string
	}{
		{"empty token", "\n", []string{"--kind", "instagram"}, exitUsage, "the access token is empty"},
		{"two tokens", "a b", []string{"--kind", "instagram"}, exitUsage, "contains white space"},
		{"missing kind", tokens.Instagram, nil, exitUsage, "--kind"},
		{"unknown kind", tokens.Instagram, []string{"--kind", "tiktok"}, exitUsage, "--kind"},
		{"token as flag", "", []string{"--kind", "instagram", "--token", tokens.Instagram}, exitUsage, "unknown flag --token"},
		{"wrong host", tokens.Facebook, []string{"--kind", "instagram"}, exitError, "read /me with the Instagram Login token"},
		{"page on Instagram Login", tokens.Instagram, []string{"--kind", "instagram", "--page", "1"}, exitUsage, "--page applies to Facebook Login only"},
		{"unknown page", tokens.Facebook, []string{"--kind", "facebook", "--page", "42"}, exitUsage, "page 42 is not among the 2 Pages"},
		{"page without Instagram account", tokens.Facebook, []string{"--kind", "facebook", "--page", unlinked}, exitUsage, "has no linked Instagram professional account"},
		{"negative lifetime", tokens.Instagram, []string{"--kind", "instagram", "--expires-in=-1h"}, exitUsage, "--expires-in is -1h"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			args := append([]string{"accounts", "import", "--data", dir, "--emulator-url", emu.BaseURL()}, tt.args...)
			status, stdout, stderr := runCLI(t, tt.stdin, args...)
			if status != tt.wantStatus {
				t.Errorf("status = %d, want %d", status, tt.wantStatus)
			}
			if !strings.Contains(stderr, tt.want) {
				t.Errorf("stderr = %q, want it to contain %q", stderr, tt.want)
			}
			for _, token := range []string{tokens.Instagram, tokens.Facebook} {
				if strings.Contains(stdout+stderr, token) {
					t.Errorf("output contains a token")
				}
			}
		})
	}
}
