package cli

import (
	"encoding/json"
	"net"
	"net/http"
	"strings"
	"testing"
)

// serverAddress returns the address from the "Server started" JSON log line.
func serverAddress(t *testing.T, log string) string {
	t.Helper()
	for line := range strings.Lines(log) {
		var entry struct {
			Msg     string `json:"msg"`
			Address string `json:"address"`
		}
		if json.Unmarshal([]byte(line), &entry) == nil && entry.Msg == "Server started" {
			return entry.Address
		}
	}
	t.Fatalf("no Server started line in the log:\n%s", log)
	return ""
}

func TestServeAnswersQueries(t *testing.T) {
	t.Parallel()
	f := newQueryFixture(t)
	_, stderr, stop := startCommand(t, "Server started", "serve", "--listen", "127.0.0.1:0", "--data", f.dir,
		"--emulator-url", f.emulatorURL, "--log-format", "json")
	base := "http://" + serverAddress(t, stderr.String())

	var media graphqlMediaResponse
	postGraphQL(t, base+"/graphql", `{ instance(name: "creator") { media(amount: 3) { id url } } }`, &media)
	if got := len(media.Data.Instance.Media); got != 3 {
		t.Fatalf("GraphQL media query returned %d items, want 3", got)
	}
	first := media.Data.Instance.Media[0].URL
	if first == nil || !strings.HasPrefix(*first, base+"/media/") {
		t.Fatalf("media url = %v, want one under %s/media/", first, base)
	}
	resp, err := http.Get(*first)
	if err != nil {
		t.Fatalf("GET %s: %v", *first, err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Errorf("GET %s: status %d, want 200", *first, resp.StatusCode)
	}

	req, err := http.NewRequestWithContext(t.Context(), http.MethodGet, base+"/admin/api/accounts", nil)
	if err != nil {
		t.Fatal(err)
	}
	resp, err = http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusServiceUnavailable {
		t.Errorf("admin route without a password: status %d, want 503", resp.StatusCode)
	}

	if status := stop(); status != exitOK {
		t.Errorf("serve exit status = %d, want %d; stderr:\n%s", status, exitOK, stderr.String())
	}
}

// fullMediaPage queries the maximum amount of media with every Media field, album children
// included: the most expensive media list a site can request.
const fullMediaPage = `{ instance(name: "creator") {
	media(amount: 1000) { ...fields children { ...fields } }
} }
fragment fields on Media {
	id type productType url thumbnailUrl caption permalink timestamp username hashtags
	hashtagList { id name } commentsCount likeCount
}`

func TestServeDefaultComplexityAllowsFullPage(t *testing.T) {
	t.Parallel()
	f := newQueryFixture(t)
	_, stderr, stop := startCommand(t, "Server started", "serve", "--listen", "127.0.0.1:0", "--data", f.dir,
		"--emulator-url", f.emulatorURL, "--log-format", "json")
	base := "http://" + serverAddress(t, stderr.String())

	var media graphqlMediaResponse
	postGraphQL(t, base+"/graphql", fullMediaPage, &media)
	if len(media.Errors) != 0 {
		t.Fatalf("full media page failed with the default --complexity-limit: %s", media.Errors)
	}
	if len(media.Data.Instance.Media) == 0 {
		t.Error("full media page returned no media")
	}
	if status := stop(); status != exitOK {
		t.Errorf("serve exit status = %d, want %d", status, exitOK)
	}
}

func TestServeListenFailure(t *testing.T) {
	busy, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer busy.Close()
	status, _, stderr := runCLI(t, "", "serve", "--listen", busy.Addr().String(), "--data", t.TempDir())
	if status != exitError {
		t.Errorf("status = %d, want %d", status, exitError)
	}
	if !strings.Contains(stderr, "--listen") {
		t.Errorf("stderr = %q, want it to name --listen", stderr)
	}
}
