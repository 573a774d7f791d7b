//go:build unix

package store_test

import (
	"bytes"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/igsource/igsource/internal/clock"
	"github.com/igsource/igsource/internal/secrets"
	"github.com/igsource/igsource/internal/store"
)

// setUmask sets the process umask for the test. A umask of 022, the usual default, lets files
// be created readable by every local user.
func setUmask(t *testing.T, mask int) {
	t.Helper()
	old := syscall.Umask(mask)
	t.Cleanup(func() { syscall.Umask(old) })
}

func openAt(t *testing.T, path string, logger *slog.Logger) *store.Store {
	t.Helper()
	sealer, err := secrets.NewSealer(bytes.Repeat([]byte{1}, secrets.KeySize))
	if err != nil {
		t.Fatalf("NewSealer: %v", err)
	}
	s, err := store.Open(t.Context(), path, sealer, clock.NewFake(start), store.WithLogger(logger))
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func fileMode(t *testing.T, path string) fs.FileMode {
	t.Helper()
	info, err := os.Stat(path)
	if err != nil {
		t.Fatalf("stat: %v", err)
	}
	return info.Mode().Perm()
}

func TestOpenCreatesPrivateFiles(t *testing.T) {
	setUmask(t, 0o022)
	dir := filepath.Join(t.TempDir(), "data")
	path := filepath.Join(dir, "igsource.db")
	openAt(t, path, slog.New(slog.DiscardHandler))

	if got := fileMode(t, dir); got != 0o700 {
		t.Errorf("data folder mode = %04o, want 0700", got)
	}
	for _, file := range []string{path, path + "-wal", path + "-shm"} {
		if got := fileMode(t, file); got != 0o600 {
			t.Errorf("%s mode = %04o, want 0600", filepath.Base(file), got)
		}
	}
}

func TestOpenRestrictsExistingFiles(t *testing.T) {
	setUmask(t, 0o022)
	path := filepath.Join(t.TempDir(), "igsource.db")
	first := openAt(t, path, slog.New(slog.DiscardHandler))
	if err := first.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}
	// Files as an earlier igsource left them: the database and an empty WAL and index, all 0644.
	for _, file := range []string{path + "-wal", path + "-shm"} {
		if err := os.WriteFile(file, nil, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	for _, file := range []string{path, path + "-wal", path + "-shm"} {
		if err := os.Chmod(file, 0o644); err != nil {
			t.Fatal(err)
		}
	}

	var logs bytes.Buffer
	openAt(t, path, slog.New(slog.NewTextHandler(&logs, nil)))

	for _, file := range []string{path, path + "-wal", path + "-shm"} {
		if got := fileMode(t, file); got != 0o600 {
			t.Errorf("%s mode = %04o, want 0600", filepath.Base(file), got)
		}
		if !strings.Contains(logs.String(), "path="+file+" old_mode=0644 mode=0600") {
			t.Errorf("log has no line for %s:\n%s", filepath.Base(file), logs.String())
		}
	}
}

func TestOpenKeepsPrivateFilesQuiet(t *testing.T) {
	setUmask(t, 0o022)
	path := filepath.Join(t.TempDir(), "igsource.db")
	first := openAt(t, path, slog.New(slog.DiscardHandler))
	if err := first.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}

	var logs bytes.Buffer
	openAt(t, path, slog.New(slog.NewTextHandler(&logs, nil)))
	if logs.Len() != 0 {
		t.Errorf("reopening private files logged:\n%s", logs.String())
	}
}
