package cli

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// queryFixture is a data folder with the emulator's creator account imported as instance
// "creator" and its business account as instance "bakery".
type queryFixture struct {
	dir         string
	emulatorURL string
}

func newQueryFixture(t *testing.T) queryFixture {
	t.Helper()
	emu := startEmulator(t)
	tokens := emu.DemoTokens(0)
	f := queryFixture{dir: t.TempDir(), emulatorURL: emu.BaseURL()}
	steps := []struct {
		stdin string
		args  []string
	}{
		{tokens.Instagram, []string{"accounts", "import", "--kind", "instagram"}},
		{tokens.Facebook, []string{"accounts", "import", "--kind", "facebook"}},
		{"", []string{"instances", "add", "creator", "--account", emu.Accounts().CreatorUsername}},
		{"", []string{"instances", "add", "bakery", "--account", emu.Accounts().BusinessUsername}},
	}
	for _, step := range steps {
		args := append(step.args, "--data", f.dir, "--emulator-url", f.emulatorURL)
		if status, _, stderr := runCLI(t, step.stdin, args...); status != exitOK {
			t.Fatalf("%v: status %d, stderr %q", step.args, status, stderr)
		}
	}
	return f
}

// query runs a query command and decodes its output into result.
func (f queryFixture) query(t *testing.T, result any, args ...string) {
	t.Helper()
	args = append(append([]string{"query"}, args...), "--data", f.dir, "--emulator-url", f.emulatorURL)
	status, stdout, stderr := runCLI(t, "", args...)
	if status != exitOK {
		t.Fatalf("%v: status %d, stderr %q", args, status, stderr)
	}
	if err := json.Unmarshal([]byte(stdout), result); err != nil {
		t.Fatalf("%v printed invalid JSON: %v\n%s", args, err, stdout)
	}
}

type mediaListOutput struct {
	Data []struct {
		ID       string  `json:"id"`
		Type     string  `json:"type"`
		URL      *string `json:"url"`
		Hashtags *string `json:"hashtags"`
	} `json:"data"`
	Meta struct {
		Cached bool `json:"cached"`
	} `json:"meta"`
}

func TestQueryMediaAndSingle(t *testing.T) {
	t.Parallel()
	f := newQueryFixture(t)
	var list mediaListOutput
	f.query(t, &list, "media", "--instance", "creator")
	if len(list.Data) != 20 {
		t.Fatalf("query media returned %d items, want the default 20", len(list.Data))
	}
	first := list.Data[0]
	if first.Hashtags == nil {
		t.Error("query media items lack the joined hashtags field")
	}

	var videos mediaListOutput
	f.query(t, &videos, "media", "--instance", "creator", "--type", "video", "--amount", "5")
	if len(videos.Data) != 5 {
		t.Errorf("query media --type video --amount 5 returned %d items", len(videos.Data))
	}
	for _, m := range videos.Data {
		if m.Type != "VIDEO" {
			t.Errorf("media %s has type %s, want VIDEO", m.ID, m.Type)
		}
	}

	var single struct {
		Data struct {
			ID string `json:"id"`
		} `json:"data"`
	}
	f.query(t, &single, "single", "--instance", "creator", "--id", first.ID)
	if single.Data.ID != first.ID {
		t.Errorf("query single --id %s returned id %q", first.ID, single.Data.ID)
	}
}

func TestQueryFetchedAtInSeconds(t *testing.T) {
	t.Parallel()
	f := newQueryFixture(t)
	var out struct {
		Meta struct {
			FetchedAt string `json:"fetchedAt"`
		} `json:"meta"`
	}
	f.query(t, &out, "user", "--instance", "creator")

	fetchedAt, err := time.Parse(time.RFC3339, out.Meta.FetchedAt)
	if err != nil {
		t.Fatalf("meta.fetchedAt = %q, want RFC 3339: %v", out.Meta.FetchedAt, err)
	}
	if want := fetchedAt.UTC().Format(time.RFC3339); out.Meta.FetchedAt != want {
		t.Errorf("meta.fetchedAt = %q, want %q: UTC to the second, as REST prints it", out.Meta.FetchedAt, want)
	}
}

func TestQueryUser(t *testing.T) {
	t.Parallel()
	f := newQueryFixture(t)
	var user struct {
		Data struct {
			Username   string  `json:"username"`
			PictureURL *string `json:"pictureUrl"`
		} `json:"data"`
	}
	f.query(t, &user, "user", "--instance", "bakery")
	if user.Data.Username != "lakeside.bakery" {
		t.Errorf("query user returned username %q, want lakeside.bakery", user.Data.Username)
	}
	if user.Data.PictureURL == nil || !strings.Contains(*user.Data.PictureURL, "/media/") {
		t.Errorf("query user pictureUrl = %v, want an igsource media URL", user.Data.PictureURL)
	}
}

func TestQueryHashtag(t *testing.T) {
	t.Parallel()
	f := newQueryFixture(t)
	var list mediaListOutput
	f.query(t, &list, "hashtag", "--instance", "bakery", "--hashtag", "#sourdough", "--amount", "7")
	if len(list.Data) != 7 {
		t.Errorf("query hashtag --amount 7 returned %d items", len(list.Data))
	}
}

func TestQueryErrors(t *testing.T) {
	t.Parallel()
	f := newQueryFixture(t)
	tests := []struct {
		name string
		args []string
		want string
	}{
		{"unknown instance", []string{"media", "--instance", "ghost"}, "NOT_FOUND"},
		{"hashtag on Instagram Login", []string{"hashtag", "--instance", "creator", "--hashtag", "coffee"}, "INVALID_INPUT"},
		{"amount out of range", []string{"media", "--instance", "creator", "--amount", "5000"}, "INVALID_INPUT"},
		{"malformed since", []string{"media", "--instance", "creator", "--since", "yesterday"}, "yesterday"},
		{"missing instance", []string{"user"}, "--instance"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			args := append(append([]string{"query"}, tt.args...), "--data", f.dir, "--emulator-url", f.emulatorURL)
			status, stdout, stderr := runCLI(t, "", args...)
			if status != exitUsage {
				t.Errorf("status = %d, want %d", status, exitUsage)
			}
			if stdout != "" {
				t.Errorf("stdout = %q, want nothing", stdout)
			}
			if !strings.Contains(stderr, tt.want) {
				t.Errorf("stderr = %q, want it to contain %q", stderr, tt.want)
			}
		})
	}
}

func TestQueryUnknownInstanceMessage(t *testing.T) {
	t.Parallel()
	f := newQueryFixture(t)
	status, _, stderr := runCLI(t, "", "query", "media", "--instance", "nosuch",
		"--data", f.dir, "--emulator-url", f.emulatorURL)
	if status != exitUsage {
		t.Errorf("status = %d, want %d", status, exitUsage)
	}
	want := "igsource: query failed with NOT_FOUND: instance \"nosuch\" not found: " +
		"list the instances with `igsource instances list`\n"
	if diff := cmp.Diff(want, stderr); diff != "" {
		t.Errorf("stderr mismatch (-want +got):\n%s", diff)
	}
}
