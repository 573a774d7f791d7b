package cli

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/igsource/igsource/internal/config"
	"github.com/igsource/igsource/internal/instagram"
	"github.com/igsource/igsource/internal/store"
)

// seedAccounts stores an Instagram Login account "creator" and a Facebook Login account
// "business" with one linked and one unlinked Page in a new data folder, and returns the folder.
func seedAccounts(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	cfg := &config.Config{DataDir: dir}
	st, err := openStore(t.Context(), cfg)
	if err != nil {
		t.Fatalf("openStore() = %v", err)
	}
	defer st.Close()
	accounts := []*store.Account{
		{Kind: instagram.KindInstagram, UserID: "17841400000000001", AppScopedID: "27000000000000001",
			Username: "creator", Name: "Creator", Token: "IGAA-test-token", Status: store.StatusActive},
		{Kind: instagram.KindFacebook, UserID: "17841400000000002", AppScopedID: "10000000000000002",
			Username: "business", Name: "Business", Token: "EAA-test-token", Status: store.StatusActive,
			Pages: []store.Page{
				{ID: "100000000000001", Name: "Linked Page", UserID: "17841400000000002"},
				{ID: "100000000000002", Name: "Bare Page"},
			}},
	}
	for _, a := range accounts {
		if err := st.SaveAccount(t.Context(), a); err != nil {
			t.Fatalf("SaveAccount(%s) = %v", a.Username, err)
		}
	}
	return dir
}

func listInstances(t *testing.T, dir string) []instanceView {
	t.Helper()
	status, stdout, stderr := runCLI(t, "", "instances", "list", "--json", "--data", dir)
	if status != exitOK {
		t.Fatalf("instances list: status %d, stderr %q", status, stderr)
	}
	var views []instanceView
	if err := json.Unmarshal([]byte(stdout), &views); err != nil {
		t.Fatalf("instances list --json printed invalid JSON: %v\n%s", err, stdout)
	}
	return views
}

func TestInstancesAddListRemove(t *testing.T) {
	t.Parallel()
	dir := seedAccounts(t)
	adds := [][]string{
		{"instances", "add", "--data", dir, "--account", "creator"},
		{"instances", "add", "--data", dir, "--account", "creator", "--cache", "60"},
		{"instances", "add", "blog", "--data", dir, "--account", "business"},
		{"instances", "add", "shop", "--data", dir, "--account", "business", "--page", "100000000000001", "--cache", "0"},
	}
	for _, args := range adds {
		if status, _, stderr := runCLI(t, "", args...); status != exitOK {
			t.Fatalf("%v: status %d, stderr %q", args, status, stderr)
		}
	}
	want := []instanceView{
		{ID: 1, Name: "Instagram", AccountID: 1, Account: "creator", CacheSeconds: 3600},
		{ID: 2, Name: "Instagram 2", AccountID: 1, Account: "creator", CacheSeconds: 60},
		{ID: 3, Name: "blog", AccountID: 2, Account: "business", PageID: "100000000000001", CacheSeconds: 3600},
		{ID: 4, Name: "shop", AccountID: 2, Account: "business", PageID: "100000000000001", CacheSeconds: 3600},
	}
	if diff := cmp.Diff(want, listInstances(t, dir)); diff != "" {
		t.Errorf("instances after add (-want +got):\n%s", diff)
	}

	status, stdout, stderr := runCLI(t, "", "instances", "remove", "blog", "--data", dir)
	if status != exitOK {
		t.Fatalf("instances remove: status %d, stderr %q", status, stderr)
	}
	if !strings.Contains(stdout, `"blog" removed`) {
		t.Errorf("instances remove printed %q", stdout)
	}
	if got := len(listInstances(t, dir)); got != 3 {
		t.Errorf("instances after remove = %d, want 3", got)
	}
}

func TestInstancesListTable(t *testing.T) {
	t.Parallel()
	dir := seedAccounts(t)
	if status, _, stderr := runCLI(t, "", "instances", "add", "blog", "--data", dir, "--account", "creator"); status != exitOK {
		t.Fatalf("instances add: status %d, stderr %q", status, stderr)
	}
	status, stdout, _ := runCLI(t, "", "instances", "list", "--data", dir)
	if status != exitOK {
		t.Fatalf("instances list: status %d", status)
	}
	lines := strings.Split(strings.TrimSpace(stdout), "\n")
	if len(lines) != 2 {
		t.Fatalf("instances list printed %d lines, want a header and one row:\n%s", len(lines), stdout)
	}
	if fields := strings.Fields(lines[1]); len(fields) != 5 || fields[1] != "blog" || fields[2] != "@creator" {
		t.Errorf("instances list row = %q, want id, blog, @creator, -, 3600s", lines[1])
	}
}

func TestInstancesAddRejects(t *testing.T) {
	t.Parallel()
	dir := seedAccounts(t)
	if status, _, stderr := runCLI(t, "", "instances", "add", "blog", "--data", dir, "--account", "creator"); status != exitOK {
		t.Fatalf("instances add: status %d, stderr %q", status, stderr)
	}
	tests := []struct {
		name string
		args []string
		want string
	}{
		{"unknown account", []string{"--account", "nobody"}, `account "nobody" not found`},
		{"taken name", []string{"blog", "--account", "creator"}, `instance named "blog" exists already`},
		{"page on Instagram Login", []string{"--account", "creator", "--page", "1"}, "--page applies to Facebook Login accounts only"},
		{"unknown page", []string{"--account", "business", "--page", "999"}, "page 999 is not a Page of @business"},
		{"page without Instagram account", []string{"--account", "business", "--page", "100000000000002"}, "has no linked Instagram professional account"},
		{"negative cache", []string{"--account", "creator", "--cache=-1"}, "--cache is -1"},
		{"missing account flag", nil, "--account"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			args := append([]string{"instances", "add", "--data", dir}, tt.args...)
			status, _, stderr := runCLI(t, "", args...)
			if status != exitUsage {
				t.Errorf("status = %d, want %d", status, exitUsage)
			}
			if !strings.Contains(stderr, tt.want) {
				t.Errorf("stderr = %q, want it to contain %q", stderr, tt.want)
			}
		})
	}
}

func TestInstancesRemoveUnknown(t *testing.T) {
	t.Parallel()
	dir := seedAccounts(t)
	status, _, stderr := runCLI(t, "", "instances", "remove", "ghost", "--data", dir)
	if status != exitUsage {
		t.Errorf("status = %d, want %d", status, exitUsage)
	}
	if !strings.Contains(stderr, `instance "ghost" not found`) {
		t.Errorf("stderr = %q", stderr)
	}
}

func TestAccountsListHidesTokens(t *testing.T) {
	t.Parallel()
	dir := seedAccounts(t)
	for _, format := range [][]string{nil, {"--json"}} {
		args := append([]string{"accounts", "list", "--data", dir}, format...)
		status, stdout, stderr := runCLI(t, "", args...)
		if status != exitOK {
			t.Fatalf("%v: status %d, stderr %q", args, status, stderr)
		}
		for _, token := range []string{"IGAA-test-token", "EAA-test-token"} {
			if strings.Contains(stdout+stderr, token) {
				t.Errorf("%v printed the token %q", args, token)
			}
		}
		for _, username := range []string{"creator", "business"} {
			if !strings.Contains(stdout, username) {
				t.Errorf("%v output lacks %q:\n%s", args, username, stdout)
			}
		}
	}
}

func TestAccountsRemove(t *testing.T) {
	t.Parallel()
	dir := seedAccounts(t)
	if status, _, stderr := runCLI(t, "", "instances", "add", "blog", "--data", dir, "--account", "business"); status != exitOK {
		t.Fatalf("instances add: status %d, stderr %q", status, stderr)
	}

	status, _, stderr := runCLI(t, "", "accounts", "remove", "business", "--data", dir)
	if status != exitUsage {
		t.Errorf("remove in use: status = %d, want %d", status, exitUsage)
	}
	if !strings.Contains(stderr, `used by the instances "blog"`) || !strings.Contains(stderr, "--force") {
		t.Errorf("remove in use: stderr = %q, want the instance and --force named", stderr)
	}

	status, _, stderr = runCLI(t, "", "accounts", "remove", "business", "--force", "--data", dir)
	if status != exitOK {
		t.Fatalf("remove --force: status %d, stderr %q", status, stderr)
	}
	if got := len(listInstances(t, dir)); got != 0 {
		t.Errorf("instances after remove --force = %d, want 0", got)
	}

	status, _, _ = runCLI(t, "", "accounts", "remove", "creator", "--data", dir)
	if status != exitOK {
		t.Errorf("remove unused: status = %d, want %d", status, exitOK)
	}
	if remaining := accountCount(t.Context(), t, dir); remaining != 0 {
		t.Errorf("accounts after removals = %d, want 0", remaining)
	}
}

func accountCount(ctx context.Context, t *testing.T, dir string) int {
	t.Helper()
	st, err := openStore(ctx, &config.Config{DataDir: dir})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	accounts, err := st.ListAccounts(ctx)
	if err != nil {
		t.Fatal(err)
	}
	return len(accounts)
}

func TestOpenStoreCreatesKeyFile(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "nested", "data")
	st, err := openStore(t.Context(), &config.Config{DataDir: dir})
	if err != nil {
		t.Fatalf("openStore() = %v", err)
	}
	st.Close()
	info, err := os.Stat(filepath.Join(dir, "secret.key"))
	if err != nil {
		t.Fatalf("key file: %v", err)
	}
	if mode := info.Mode().Perm(); mode != 0o600 {
		t.Errorf("key file mode = %o, want 600", mode)
	}
}
