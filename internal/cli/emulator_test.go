package cli

import (
	"context"
	"encoding/json"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/igsource/igsource/internal/testutil"
)

// startCommand runs args in the background until the test ends, and waits until its standard
// output or standard error contains ready. It returns the output and a function that stops the command and
// returns its exit status.
func startCommand(t *testing.T, ready string, args ...string) (*testutil.SyncBuffer, *testutil.SyncBuffer, func() int) {
	t.Helper()
	ctx, cancel := context.WithCancel(t.Context())
	stdout, stderr := &testutil.SyncBuffer{}, &testutil.SyncBuffer{}
	done := make(chan int, 1)
	go func() {
		done <- run(ctx, args, &streams{stdin: strings.NewReader(""), stdout: stdout, stderr: stderr})
	}()
	stop := func() int {
		cancel()
		return <-done
	}
	deadline := time.After(60 * time.Second)
	for !strings.Contains(stdout.String(), ready) && !strings.Contains(stderr.String(), ready) {
		select {
		case status := <-done:
			cancel()
			t.Fatalf("%v exited with status %d before it was ready; stderr:\n%s", args, status, stderr.String())
		case <-deadline:
			stop()
			t.Fatalf("%v printed no %q; stdout:\n%s\nstderr:\n%s", args, ready, stdout.String(), stderr.String())
		case <-time.After(10 * time.Millisecond):
		}
	}
	t.Cleanup(func() { cancel() })
	return stdout, stderr, stop
}

func TestEmulatorCommand(t *testing.T) {
	t.Parallel()
	stdout, _, stop := startCommand(t, "Press Ctrl-C", "emulator", "--listen", "127.0.0.1:0", "--log-format", "json")

	base := regexp.MustCompile(`graph\.instagram\.com  (http://127\.0\.0\.1:\d+/graph\.instagram\.com)`).FindStringSubmatch(stdout.String())
	token := regexp.MustCompile(`(?m)^    (IGAA\S+)$`).FindStringSubmatch(stdout.String())
	if base == nil || token == nil {
		t.Fatalf("emulator output lacks the Instagram URL or token:\n%s", stdout.String())
	}
	for _, want := range []string{"graph.facebook.com", "/cdn", "EAA", "Lakeside Bakery", "--emulator-url"} {
		if !strings.Contains(stdout.String(), want) {
			t.Errorf("emulator output lacks %q", want)
		}
	}

	req, err := http.NewRequestWithContext(t.Context(), http.MethodGet, base[1]+"/me?fields=id,username", nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+token[1])
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("GET /me: %v", err)
	}
	defer resp.Body.Close()
	var me struct{ Username string }
	if err := json.NewDecoder(resp.Body).Decode(&me); err != nil {
		t.Fatalf("decode /me: %v", err)
	}
	if resp.StatusCode != http.StatusOK || me.Username == "" {
		t.Errorf("GET /me with the printed token: status %d, username %q", resp.StatusCode, me.Username)
	}

	if status := stop(); status != exitOK {
		t.Errorf("emulator exit status after interrupt = %d, want %d", status, exitOK)
	}
}
