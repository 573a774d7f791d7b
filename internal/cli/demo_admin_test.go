package cli

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/igsource/igsource/internal/emulator"
)

// noRedirects is a client that returns redirects instead of following them.
var noRedirects = &http.Client{
	CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
}

// adminStatus sends GET path with the given Basic auth password (none when empty) and
// returns the response.
func adminStatus(t *testing.T, d *demoServer, path, password string) *http.Response {
	t.Helper()
	req, err := http.NewRequestWithContext(t.Context(), http.MethodGet, d.base+path, nil)
	if err != nil {
		t.Fatal(err)
	}
	if password != "" {
		req.SetBasicAuth("admin", password)
	}
	resp, err := noRedirects.Do(req)
	if err != nil {
		t.Fatalf("GET %s: %v", path, err)
	}
	resp.Body.Close()
	return resp
}

func TestDemoAdminPage(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name       string
		args       []string
		configured string // the --admin-password value, or empty to let the demo generate one
	}{
		{name: "generated password"},
		{name: "configured password", args: []string{"--admin-password", "demo-admin-password"}, configured: "demo-admin-password"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			d := startDemo(t, tt.args...)
			password := tt.configured
			if password == "" {
				if d.adminPassword == "" {
					t.Fatal("demo output lacks the generated admin password")
				}
				password = d.adminPassword
			} else if d.adminPassword != "" {
				t.Errorf("demo printed password %q, want the configured one kept out of the output", d.adminPassword)
			}

			if got := adminStatus(t, d, "/admin/accounts", password).StatusCode; got != http.StatusOK {
				t.Errorf("admin page with the password: status %d, want 200", got)
			}
			if got := adminStatus(t, d, "/admin/accounts", "").StatusCode; got != http.StatusUnauthorized {
				t.Errorf("admin page without a password: status %d, want 401", got)
			}
			if got := adminStatus(t, d, "/admin/accounts", password+"-wrong").StatusCode; got != http.StatusUnauthorized {
				t.Errorf("admin page with a wrong password: status %d, want 401", got)
			}
		})
	}
}

func TestDemoConnectRedirectsToEmulator(t *testing.T) {
	t.Parallel()
	d := startDemo(t)
	tests := []struct {
		kind      string
		authorize string // path of the consent page under the emulator's base URL
		appID     string
	}{
		{"instagram", "/www.instagram.com/oauth/authorize", emulator.DefaultInstagramAppID},
		{"facebook", "/www.facebook.com/v25.0/dialog/oauth", emulator.DefaultFacebookAppID},
	}
	for _, tt := range tests {
		t.Run(tt.kind, func(t *testing.T) {
			resp := adminStatus(t, d, "/admin/connect/"+tt.kind, d.adminPassword)
			if resp.StatusCode != http.StatusFound {
				t.Fatalf("connect: status %d, want 302", resp.StatusCode)
			}
			location, err := url.Parse(resp.Header.Get("Location"))
			if err != nil {
				t.Fatalf("connect: invalid Location %q: %v", resp.Header.Get("Location"), err)
			}
			page := location.Scheme + "://" + location.Host + location.Path
			if want := d.emulatorURL + tt.authorize; page != want {
				t.Errorf("connect redirects to %s, want %s", page, want)
			}
			query := location.Query()
			got := map[string]string{"client_id": query.Get("client_id"), "redirect_uri": query.Get("redirect_uri")}
			want := map[string]string{"client_id": tt.appID, "redirect_uri": d.base + "/admin/oauth/callback"}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("connect redirect parameters (-want +got):\n%s", diff)
			}

			// The emulator shows its consent page only for a known app and a registered
			// redirect URI, which the demo configured.
			req, err := http.NewRequestWithContext(t.Context(), http.MethodGet, location.String(), nil)
			if err != nil {
				t.Fatal(err)
			}
			consent, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatalf("GET consent page: %v", err)
			}
			consent.Body.Close()
			if consent.StatusCode != http.StatusOK {
				t.Errorf("consent page: status %d, want 200", consent.StatusCode)
			}
			if ct := consent.Header.Get("Content-Type"); !strings.HasPrefix(ct, "text/html") {
				t.Errorf("consent page: Content-Type %q, want text/html", ct)
			}
		})
	}
}
