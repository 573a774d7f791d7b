package cli

import (
	"io"
	"net/http"
	"net/http/cookiejar"
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

func TestDemoConnectThroughEmulator(t *testing.T) {
	t.Parallel()
	d := startDemo(t)
	tests := []struct {
		kind      string
		authorize string // path of the consent page under the emulator's base URL
		appID     string
		account   string // the account that the callback page names
	}{
		{"instagram", "/www.instagram.com/oauth/authorize", emulator.DefaultInstagramAppID, "@igsource.demo"},
		{"facebook", "/www.facebook.com/v25.0/dialog/oauth", emulator.DefaultFacebookAppID, "@lakeside.bakery"},
	}
	for _, tt := range tests {
		t.Run(tt.kind, func(t *testing.T) {
			// The jar keeps the admin session cookie, to which the connect binds its state.
			jar, err := cookiejar.New(nil)
			if err != nil {
				t.Fatal(err)
			}
			browser := &http.Client{Jar: jar, CheckRedirect: noRedirects.CheckRedirect}

			req := newRequest(t, http.MethodGet, d.base+"/admin/connect/"+tt.kind, nil)
			req.SetBasicAuth("admin", d.adminPassword)
			location := redirectOf(t, browser, req, "connect")
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
			// redirect URI, and grants a code when the form is submitted with Allow.
			consent := doStatus(t, browser, newRequest(t, http.MethodGet, location.String(), nil), http.StatusOK, "consent page")
			if !strings.Contains(consent, tt.appID) {
				t.Errorf("consent page does not name app %s", tt.appID)
			}
			query.Set("decision", "allow")
			allow := newRequest(t, http.MethodPost, page, strings.NewReader(query.Encode()))
			allow.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			callback := redirectOf(t, browser, allow, "allow")

			connected := doStatus(t, browser, newRequest(t, http.MethodGet, callback.String(), nil), http.StatusOK, "callback")
			if !strings.Contains(connected, "Connected "+tt.account) {
				t.Errorf("callback page does not name %s:\n%.500s", tt.account, connected)
			}
		})
	}
}

func newRequest(t *testing.T, method, target string, body io.Reader) *http.Request {
	t.Helper()
	req, err := http.NewRequestWithContext(t.Context(), method, target, body)
	if err != nil {
		t.Fatal(err)
	}
	return req
}

// redirectOf sends req, expects 302 and returns the Location.
func redirectOf(t *testing.T, client *http.Client, req *http.Request, step string) *url.URL {
	t.Helper()
	resp, err := client.Do(req)
	if err != nil {
		t.Fatalf("%s: %v", step, err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusFound {
		t.Fatalf("%s: status %d, want 302; body %.500s", step, resp.StatusCode, body)
	}
	location, err := resp.Location()
	if err != nil {
		t.Fatalf("%s: invalid Location %q: %v", step, resp.Header.Get("Location"), err)
	}
	return location
}

// doStatus sends req, expects wantStatus and an HTML body, and returns the body.
func doStatus(t *testing.T, client *http.Client, req *http.Request, wantStatus int, step string) string {
	t.Helper()
	resp, err := client.Do(req)
	if err != nil {
		t.Fatalf("%s: %v", step, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("%s: read body: %v", step, err)
	}
	if resp.StatusCode != wantStatus {
		t.Fatalf("%s: status %d, want %d; body %.500s", step, resp.StatusCode, wantStatus, body)
	}
	if ct := resp.Header.Get("Content-Type"); !strings.HasPrefix(ct, "text/html") {
		t.Errorf("%s: Content-Type %q, want text/html", step, ct)
	}
	return string(body)
}
