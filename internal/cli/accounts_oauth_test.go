package cli

import (
	"html"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/igsource/igsource/internal/emulator"
	"github.com/igsource/igsource/internal/instagram"
	"github.com/igsource/igsource/internal/testutil"
)

const connectRedirect = "https://igsource.example/admin/oauth/callback"

// oauthEmulatorFlags are the settings that point a command at emu with its default apps.
func oauthEmulatorFlags(emu *emulator.Emulator, dir string) []string {
	return []string{"--data", dir, "--emulator-url", emu.BaseURL(), "--redirect-uri", connectRedirect,
		"--instagram-app-id", emulator.DefaultInstagramAppID, "--instagram-app-secret", emulator.DefaultInstagramAppSecret,
		"--facebook-app-id", emulator.DefaultFacebookAppID, "--facebook-app-secret", emulator.DefaultFacebookAppSecret}
}

var (
	authorizeLine = regexp.MustCompile(`http://127\.0\.0\.1:\d+/www\.(instagram|facebook)\.com/\S+`)
	consentField  = regexp.MustCompile(`<input type="hidden" name="([^"]+)" value="([^"]*)">`)
)

// allowLogin submits the emulator's login window with Allow and returns the redirect unfollowed.
func allowLogin(t *testing.T, authorize string) string {
	t.Helper()
	c := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := c.Get(authorize)
	if err != nil {
		t.Fatal(err)
	}
	page, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil {
		t.Fatal(err)
	}
	form := url.Values{"decision": {"allow"}}
	for _, m := range consentField.FindAllStringSubmatch(string(page), -1) {
		form.Set(m[1], html.UnescapeString(m[2]))
	}
	action, _, _ := strings.Cut(authorize, "?")
	resp, err = c.PostForm(action, form)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusFound {
		t.Fatalf("consent: status %d, want 302", resp.StatusCode)
	}
	return resp.Header.Get("Location")
}

func TestAccountsConnectPastedAddress(t *testing.T) {
	for _, kind := range []string{"instagram", "facebook"} {
		t.Run(kind, func(t *testing.T) {
			emu := emulator.New(emulator.Options{})
			srv := httptest.NewServer(emu.Handler())
			defer srv.Close()
			emu.SetBaseURL(srv.URL)
			dir := t.TempDir()
			stdinReader, stdinWriter := io.Pipe()
			stdout, stderr := &testutil.SyncBuffer{}, &testutil.SyncBuffer{}
			done := make(chan int, 1)
			args := append([]string{"accounts", "connect", "--kind", kind}, oauthEmulatorFlags(emu, dir)...)
			go func() {
				done <- run(t.Context(), args, &streams{stdin: stdinReader, stdout: stdout, stderr: stderr})
			}()

			var authorize string
			for deadline := time.Now().Add(30 * time.Second); authorize == "" && time.Now().Before(deadline); {
				authorize = authorizeLine.FindString(stdout.String())
				time.Sleep(5 * time.Millisecond)
			}
			if authorize == "" {
				t.Fatalf("no login URL printed; stdout:\n%s\nstderr:\n%s", stdout, stderr)
			}
			if _, err := io.WriteString(stdinWriter, allowLogin(t, authorize)+"\n"); err != nil {
				t.Fatal(err)
			}
			if status := <-done; status != exitOK {
				t.Fatalf("status = %d; stderr:\n%s", status, stderr)
			}

			stored := storedAccounts(t, dir)
			if len(stored) != 1 || stored[0].Kind != instagram.Kind(kind) {
				t.Fatalf("stored accounts = %+v, want one %s account", stored, kind)
			}
			if !strings.Contains(stdout.String(), "Connected account 1 @"+stored[0].Username) {
				t.Errorf("stdout does not name the account:\n%s", stdout)
			}
			if strings.Contains(stdout.String()+stderr.String(), stored[0].Token) {
				t.Error("the command printed the token")
			}
		})
	}
}

func TestAccountsConnectRejects(t *testing.T) {
	emu := emulator.New(emulator.Options{})
	srv := httptest.NewServer(emu.Handler())
	defer srv.Close()
	emu.SetBaseURL(srv.URL)
	tests := []struct {
		name    string
		stdin   string
		args    []string
		want    string
		wantErr int
	}{
		{"missing app credentials", "", []string{"--data", t.TempDir()}, "--instagram-app-id", exitUsage},
		{"nothing pasted", "", oauthEmulatorFlags(emu, t.TempDir()), "no address was pasted", exitUsage},
		{"forged state", connectRedirect + "?code=AQ1&state=forged#_\n", oauthEmulatorFlags(emu, t.TempDir()),
			"does not match any connection", exitError},
		{"declined", connectRedirect + "?error=access_denied&error_reason=user_denied\n", oauthEmulatorFlags(emu, t.TempDir()),
			"choose Allow", exitError},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			args := append([]string{"accounts", "connect", "--kind", "instagram"}, tt.args...)
			status, _, stderr := runCLI(t, tt.stdin, args...)
			if status != tt.wantErr {
				t.Errorf("status = %d, want %d", status, tt.wantErr)
			}
			if !strings.Contains(stderr, tt.want) {
				t.Errorf("stderr = %q, want it to contain %q", stderr, tt.want)
			}
		})
	}
}

func TestAccountsRefreshYoungToken(t *testing.T) {
	emu := startEmulator(t)
	dir := t.TempDir()
	tokenFile := writeFile(t, "token.txt", emu.DemoTokens(60*24*time.Hour).Instagram)
	if status, _, stderr := runCLI(t, "", append([]string{"accounts", "import", "--kind", "instagram",
		"--token-file", tokenFile}, oauthEmulatorFlags(emu, dir)...)...); status != exitOK {
		t.Fatalf("import: status %d, stderr %s", status, stderr)
	}
	username := emu.Accounts().CreatorUsername

	status, _, stderr := runCLI(t, "", append([]string{"accounts", "refresh", username}, oauthEmulatorFlags(emu, dir)...)...)
	if status != exitError {
		t.Errorf("status = %d, want %d", status, exitError)
	}
	if !strings.Contains(stderr, "younger than 24 hours") {
		t.Errorf("stderr = %q, want the 24-hour rule", stderr)
	}

	status, _, stderr = runCLI(t, "", append([]string{"accounts", "refresh", "nobody"}, oauthEmulatorFlags(emu, dir)...)...)
	if status != exitUsage || !strings.Contains(stderr, `account "nobody" not found`) {
		t.Errorf("unknown account: status %d, stderr %q", status, stderr)
	}
}
