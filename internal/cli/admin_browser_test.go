package cli

import (
	"context"
	"encoding/base64"
	"net/url"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"
	"github.com/google/go-cmp/cmp"
)

// browserTimeout bounds the whole browser session, so that a hung page fails the test
// instead of the package's timeout.
const browserTimeout = 60 * time.Second

// startBrowser starts a headless Chromium with a fresh profile and returns a tab's context.
// The flags turn off the browser's own traffic (QUIC, updates, sync, first-run pages), so that
// it reaches only the loopback servers the test opens.
func startBrowser(t *testing.T) context.Context {
	t.Helper()
	path, err := exec.LookPath("chromium")
	if err != nil {
		t.Fatalf("the admin page test drives a real browser: install the chromium package "+
			"(apt-get install chromium), which .ci/run installs: %v", err)
	}
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(path),
		chromedp.Flag("headless", true),
		chromedp.Flag("no-sandbox", true),
		chromedp.Flag("disable-gpu", true),
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("no-first-run", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		// Even with the flags above, Chromium looks up Google's sign-in and update hosts at start.
		// These rules fail every name lookup except the loopback address, so none reaches DNS.
		// NOTE: Chromium still connect()s a UDP socket to 2001:4860:4860::8888 to learn whether
		// IPv6 is routable. It sends no datagram on it (seen with strace on Chromium 156).
		chromedp.Flag("host-resolver-rules", "MAP * ~NOTFOUND, EXCLUDE 127.0.0.1"),
		chromedp.UserDataDir(t.TempDir()),
	}
	ctx, cancelTimeout := context.WithTimeout(t.Context(), browserTimeout)
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(ctx, opts...)
	tabCtx, cancelTab := chromedp.NewContext(allocCtx)
	t.Cleanup(func() {
		cancelTab()
		cancelAlloc()
		cancelTimeout()
	})
	if err := chromedp.Do(tabCtx); err != nil {
		t.Fatalf("start Chromium at %s: %v", path, err)
	}
	return tabCtx
}

// browse runs steps in the tab and stops the test when one fails.
func browse(t *testing.T, tab context.Context, step string, steps ...chromedp.Action[chromedp.Void]) {
	t.Helper()
	if err := chromedp.Do(tab, steps...); err != nil {
		t.Fatalf("%s: %v", step, err)
	}
}

// read runs action in the tab and returns its value, stopping the test when it fails.
func read[T any](t *testing.T, tab context.Context, value string, action chromedp.Action[T]) T {
	t.Helper()
	v, err := chromedp.Run(tab, action)
	if err != nil {
		t.Fatalf("read %s: %v", value, err)
	}
	return v
}

// extraHeaders makes the tab send headers with each request until the next call.
func extraHeaders(headers network.Headers) chromedp.Action[chromedp.Void] {
	return func(ctx context.Context, t *chromedp.Target) (chromedp.Void, error) {
		if _, err := cdp.Call(ctx, t, network.Enable, network.EnableParams{}); err != nil {
			return chromedp.Void{}, err
		}
		_, err := cdp.Call(ctx, t, network.SetExtraHTTPHeaders, network.SetExtraHTTPHeadersParams{Headers: headers})
		return chromedp.Void{}, err
	}
}

// messagePage is the link back to the accounts, which only the handler's message pages
// (refresh outcome, callback) have.
const messagePage = chromedp.CSS(`p > a[href="/admin/accounts"]`)

// accountRows reads the accounts table as account name to its login, status and expiry cells.
const accountRows = `Object.fromEntries(Array.from(document.querySelectorAll("tbody tr"),
	tr => [tr.cells[1].textContent, {login: tr.cells[2].textContent, status: tr.cells[3].textContent,
		expires: tr.cells[4].textContent, markup: tr.cells[1].childElementCount}]))`

// accountCells is one row of the accounts table, under the account name it shows.
type accountCells struct {
	Login   string `json:"login"`
	Status  string `json:"status"`
	Expires string `json:"expires"`
	Markup  int    `json:"markup"` // elements inside the account name cell
}

func TestAdminPageInBrowser(t *testing.T) {
	t.Parallel()
	d := startDemo(t)
	tab := startBrowser(t)

	// Basic auth goes with the first request only, which keeps the password from the emulator.
	// The session cookie that this login sets authenticates the rest, as for a signed-in admin.
	basic := base64.StdEncoding.EncodeToString([]byte("admin:" + d.adminPassword))
	browse(t, tab, "open the accounts page",
		extraHeaders(network.Headers{"Authorization": "Basic " + basic}),
		chromedp.Navigate(d.base+"/admin/accounts"),
		extraHeaders(network.Headers{}),
		chromedp.WaitVisible(chromedp.CSS(`tbody`)),
	)
	checkAccountRows(t, read(t, tab, "the accounts table", chromedp.Evaluate[map[string]accountCells](accountRows)))

	t.Run("refresh", func(t *testing.T) { checkRefresh(t, tab, d) })
	t.Run("escapes callback text", func(t *testing.T) { checkEscaping(t, tab, d) })
	t.Run("connect", func(t *testing.T) { checkConnect(t, tab, d) })
}

// checkAccountRows checks that both demo accounts are listed as active with an expiry, and
// that each account name is plain text.
func checkAccountRows(t *testing.T, rows map[string]accountCells) {
	t.Helper()
	got := map[string]accountCells{}
	for name, cells := range rows {
		if _, err := time.Parse(time.RFC3339, cells.Expires); err != nil {
			t.Errorf("account %s: expiry %q, want an RFC 3339 time: %v", name, cells.Expires, err)
		}
		cells.Expires = ""
		got[name] = cells
	}
	want := map[string]accountCells{
		"@igsource.demo":   {Login: "Instagram Login", Status: "active"},
		"@lakeside.bakery": {Login: "Facebook Login", Status: "active"},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("accounts on the page (-want +got):\n%s", diff)
	}
}

// checkRefresh clicks the refresh button of the Instagram Login account. The demo connected
// it moments ago, and Meta refreshes only tokens at least 24 hours old, so the page shows why
// the token was not refreshed.
func checkRefresh(t *testing.T, tab context.Context, d *demoServer) {
	browse(t, tab, "click Refresh token",
		chromedp.Navigate(d.base+"/admin/accounts"),
		chromedp.Click(chromedp.Search(`//tr[td[3]="Instagram Login"]//button`)),
		chromedp.WaitVisible(messagePage),
	)
	title := read(t, tab, "the refresh page title", chromedp.Text(chromedp.CSS(`h1`)))
	message := read(t, tab, "the refresh page message", chromedp.Text(chromedp.CSS(`h1 + p`)))
	if want := "The token was not refreshed"; title != want {
		t.Errorf("refresh page title = %q, want %q", title, want)
	}
	if want := `the access token of account "igsource.demo" is younger than 24 hours`; !strings.Contains(message, want) {
		t.Errorf("refresh page shows %q, want it to contain %q", message, want)
	}
}

// allowButton is the emulator consent page's Allow button.
const allowButton = chromedp.CSS(`button[name="decision"][value="allow"]`)

// consentPage clicks the accounts page's Instagram connect link, waits for the emulator's
// consent page and returns its URL.
func consentPage(t *testing.T, tab context.Context, d *demoServer) *url.URL {
	t.Helper()
	browse(t, tab, "click the Instagram connect link",
		chromedp.Navigate(d.base+"/admin/accounts"),
		chromedp.Click(chromedp.CSS(`a[href="/admin/connect/instagram"]`)),
		chromedp.WaitVisible(allowButton),
	)
	location := read(t, tab, "the consent page URL", chromedp.Location())
	if !strings.HasPrefix(location, d.emulatorURL+"/") {
		t.Errorf("connect link led to %s, want a page under the emulator %s", location, d.emulatorURL)
	}
	u, err := url.Parse(location)
	if err != nil {
		t.Fatalf("consent page URL %q: %v", location, err)
	}
	return u
}

// checkEscaping returns from the consent page with an error description that contains markup,
// as anyone can put in a link, and checks that the callback page shows it as text.
func checkEscaping(t *testing.T, tab context.Context, d *demoServer) {
	consent := consentPage(t, tab, d)
	const markup = `<b id="injected">bold</b> & more`
	q := url.Values{"error": {"access_denied"}, "error_description": {markup},
		"state": {consent.Query().Get("state")}}
	browse(t, tab, "open the callback with markup",
		chromedp.Navigate(d.base+"/admin/oauth/callback?"+q.Encode()),
		chromedp.WaitVisible(messagePage),
	)
	message := read(t, tab, "the callback page message", chromedp.Text(chromedp.CSS(`h1 + p`)))
	injected := read(t, tab, "the injected element", chromedp.Evaluate[bool](`document.getElementById("injected") !== null`))
	if injected {
		t.Error("callback page rendered the error description's markup as an element")
	}
	if !strings.Contains(message, markup) {
		t.Errorf("callback page shows %q, want the error description %q as text", message, markup)
	}
}

// checkConnect connects the Instagram account through the emulator's consent page.
func checkConnect(t *testing.T, tab context.Context, d *demoServer) {
	consentPage(t, tab, d)
	browse(t, tab, "click Allow",
		chromedp.Click(allowButton),
		chromedp.WaitVisible(messagePage),
	)
	title := read(t, tab, "the callback page title", chromedp.Text(chromedp.CSS(`h1`)))
	message := read(t, tab, "the callback page message", chromedp.Text(chromedp.CSS(`h1 + p`)))
	if want := "Account connected"; title != want {
		t.Errorf("callback page title = %q, want %q", title, want)
	}
	if want := "Connected @igsource.demo with Instagram Login."; !strings.HasPrefix(message, want) {
		t.Errorf("callback page shows %q, want it to start with %q", message, want)
	}
}
