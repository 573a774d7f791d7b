package cli

import (
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/igsource/igsource/internal/media"
)

// mediaFiles counts the files under the data folder's media folder.
func mediaFiles(t *testing.T, dir string) int {
	t.Helper()
	count := 0
	err := filepath.WalkDir(filepath.Join(dir, "media"), func(_ string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !d.IsDir() {
			count++
		}
		return nil
	})
	if err != nil && !os.IsNotExist(err) {
		t.Fatal(err)
	}
	return count
}

func TestMediaPrefetchAndPurge(t *testing.T) {
	t.Parallel()
	f := newQueryFixture(t)
	var list mediaListOutput
	f.query(t, &list, "media", "--instance", "creator", "--type", "image", "--amount", "3")
	settings := []string{"--data", f.dir, "--emulator-url", f.emulatorURL}

	status, stdout, stderr := runCLI(t, "", append([]string{"media", "prefetch", "--instance", "creator"}, settings...)...)
	if status != exitOK {
		t.Fatalf("media prefetch: status %d, stderr %q", status, stderr)
	}
	m := regexp.MustCompile(`Downloaded (\d+) of (\d+) files; 0 deleted on Instagram, 0 failed`).FindStringSubmatch(stdout)
	if m == nil || m[1] != m[2] || m[1] == "0" {
		t.Fatalf("media prefetch summary = %q, want every registered file downloaded", stdout)
	}
	downloaded, _ := strconv.Atoi(m[1])
	if got := mediaFiles(t, f.dir); got < downloaded {
		t.Errorf("media folder has %d files after prefetch, want at least %d", got, downloaded)
	}

	status, stdout, _ = runCLI(t, "", append([]string{"media", "prefetch"}, settings...)...)
	if status != exitOK || !strings.Contains(stdout, "Downloaded 0 of 0 files") {
		t.Errorf("second prefetch: status %d, output %q, want nothing left to download", status, stdout)
	}

	status, _, stderr = runCLI(t, "", append([]string{"media", "purge"}, settings...)...)
	if status != exitOK {
		t.Fatalf("media purge: status %d, stderr %q", status, stderr)
	}
	if got := mediaFiles(t, f.dir); got != 0 {
		t.Errorf("media folder has %d files after purge, want 0", got)
	}
}

func TestMediaPrefetchUnknownInstance(t *testing.T) {
	t.Parallel()
	f := newQueryFixture(t)
	status, _, stderr := runCLI(t, "", "media", "prefetch", "--instance", "ghost", "--data", f.dir)
	if status != exitUsage {
		t.Errorf("status = %d, want %d", status, exitUsage)
	}
	if !strings.Contains(stderr, `instance "ghost" not found`) {
		t.Errorf("stderr = %q", stderr)
	}
}

func TestCachePurge(t *testing.T) {
	t.Parallel()
	f := newQueryFixture(t)
	var first, second, third mediaListOutput
	f.query(t, &first, "media", "--instance", "creator", "--amount", "2")
	f.query(t, &second, "media", "--instance", "creator", "--amount", "2")
	if !second.Meta.Cached {
		t.Fatal("second identical query was not served from the stored cache")
	}
	status, _, stderr := runCLI(t, "", "cache", "purge", "--data", f.dir)
	if status != exitOK {
		t.Fatalf("cache purge: status %d, stderr %q", status, stderr)
	}
	f.query(t, &third, "media", "--instance", "creator", "--amount", "2")
	if third.Meta.Cached {
		t.Error("query after cache purge was served from the cache")
	}
}

func TestProgressBarDraw(t *testing.T) {
	var out strings.Builder
	bar := &progressBar{w: &out}
	bar.update(0, 4)
	bar.update(2, 4)
	bar.finish()
	want := "\r[" + strings.Repeat(" ", 30) + "] 0/4" +
		"\r[" + strings.Repeat("#", 15) + strings.Repeat(" ", 15) + "] 2/4\n"
	if out.String() != want {
		t.Errorf("progress output = %q, want %q", out.String(), want)
	}
}

func TestPrefetchSummaryLine(t *testing.T) {
	tests := []struct {
		name string
		sum  media.PrefetchSummary
		want string
	}{
		{"all downloaded", media.PrefetchSummary{Total: 3, Downloaded: 3},
			"Downloaded 3 of 3 files; 0 deleted on Instagram, 0 failed."},
		{"held back", media.PrefetchSummary{Total: 5, Downloaded: 1, Deleted: 1, HeldBack: 3},
			"Downloaded 1 of 5 files; 1 deleted on Instagram, 0 failed. 3 held back because Meta reported" +
				" 90% or more of the API budget used; run media prefetch again later."},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := prefetchSummary(tt.sum); got != tt.want {
				t.Errorf("prefetchSummary() = %q, want %q", got, tt.want)
			}
		})
	}
}
