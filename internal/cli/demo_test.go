package cli

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"regexp"
	"strings"
	"testing"
)

// postGraphQL sends query to a GraphQL endpoint and decodes the response into result.
func postGraphQL(t *testing.T, endpoint, query string, result any) {
	t.Helper()
	body, err := json.Marshal(map[string]string{"query": query})
	if err != nil {
		t.Fatal(err)
	}
	req, err := http.NewRequestWithContext(t.Context(), http.MethodPost, endpoint, bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	getJSON(t, req, result)
}

// getJSON sends req, checks for status 200 and decodes the JSON body into result.
func getJSON(t *testing.T, req *http.Request, result any) {
	t.Helper()
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", req.Method, req.URL, err)
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("%s %s: status %d, body %s", req.Method, req.URL, resp.StatusCode, raw)
	}
	if err := json.Unmarshal(raw, result); err != nil {
		t.Fatalf("%s %s: invalid JSON %v: %s", req.Method, req.URL, err, raw)
	}
}

func getURL(t *testing.T, url string, result any) {
	t.Helper()
	req, err := http.NewRequestWithContext(t.Context(), http.MethodGet, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	getJSON(t, req, result)
}

type graphqlMediaResponse struct {
	Data struct {
		Instance struct {
			Media []struct {
				ID  string  `json:"id"`
				URL *string `json:"url"`
			} `json:"media"`
		} `json:"instance"`
	} `json:"data"`
	Errors []json.RawMessage `json:"errors"`
}

type restUserResponse struct {
	Data struct {
		Username string `json:"username"`
	} `json:"data"`
}

// checkDemo runs the two queries that the demo prints against its server.
func checkDemo(t *testing.T, base string) {
	t.Helper()
	var media graphqlMediaResponse
	postGraphQL(t, base+"/graphql", `{ instance(name: "demo") { media { id url } } }`, &media)
	if len(media.Errors) != 0 {
		t.Errorf("GraphQL media query errors: %s", media.Errors)
	}
	if got := len(media.Data.Instance.Media); got != 20 {
		t.Errorf("GraphQL media query returned %d items, want 20", got)
	}

	var user restUserResponse
	getURL(t, base+"/api/v1/instances/demo-business/user", &user)
	if user.Data.Username != "lakeside.bakery" {
		t.Errorf("REST user query returned username %q, want lakeside.bakery", user.Data.Username)
	}
}

var demoBasePattern = regexp.MustCompile(`GraphQL   (http://127\.0\.0\.1:\d+)/graphql`)

func TestDemoServesQueries(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	for run := 1; run <= 2; run++ {
		stdout, stderr, stop := startCommand(t, "Press Ctrl-C", "demo", "--listen", "127.0.0.1:0",
			"--data", dir, "--log-format", "json")
		m := demoBasePattern.FindStringSubmatch(stdout.String())
		if m == nil {
			t.Fatalf("run %d: demo output lacks the GraphQL URL:\n%s", run, stdout.String())
		}
		for _, want := range []string{"/api/v1/instances", "Emulator  http://127.0.0.1:", "curl -s"} {
			if !strings.Contains(stdout.String(), want) {
				t.Errorf("run %d: demo output lacks %q", run, want)
			}
		}
		checkDemo(t, m[1])
		if status := stop(); status != exitOK {
			t.Fatalf("run %d: demo exit status = %d, want %d; stderr:\n%s", run, status, exitOK, stderr.String())
		}
	}
	if got := accountCount(t.Context(), t, dir); got != 2 {
		t.Errorf("accounts after two demo runs = %d, want 2", got)
	}
	if got := len(listInstances(t, dir)); got != 2 {
		t.Errorf("instances after two demo runs = %d, want 2", got)
	}
}

func TestDemoRemovesTemporaryData(t *testing.T) {
	t.Setenv("TMPDIR", t.TempDir())
	stdout, _, stop := startCommand(t, "Press Ctrl-C", "demo", "--listen", "127.0.0.1:0", "--log-level", "error")
	m := regexp.MustCompile(`Data      (\S+) \(temporary`).FindStringSubmatch(stdout.String())
	if m == nil {
		t.Fatalf("demo output lacks the temporary data folder:\n%s", stdout.String())
	}
	if _, err := os.Stat(m[1]); err != nil {
		t.Fatalf("temporary data folder while running: %v", err)
	}
	if status := stop(); status != exitOK {
		t.Fatalf("demo exit status = %d", status)
	}
	if _, err := os.Stat(m[1]); !os.IsNotExist(err) {
		t.Errorf("temporary data folder after exit: %v, want it removed", err)
	}
}
