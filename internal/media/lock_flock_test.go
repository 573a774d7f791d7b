//go:build linux || darwin || freebsd || netbsd || openbsd || dragonfly

package media

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestNewKeepsLockedTempFile(t *testing.T) {
	dir := t.TempDir()
	index := openIndex(t)
	name := tempPrefix + "1-75-file-123456"
	f, err := os.Create(filepath.Join(dir, name))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if locked, err := lockFile(f); !locked || err != nil {
		t.Fatalf("lockFile = %v, %v; want a lock", locked, err)
	}

	newTestEnv(t, index, nil, func(c *Config) { c.Dir = dir })
	if diff := cmp.Diff([]string{name}, dirFiles(t, dir)); diff != "" {
		t.Errorf("folder while another download holds the lock (-want +got):\n%s", diff)
	}

	f.Close()
	newTestEnv(t, index, nil, func(c *Config) { c.Dir = dir })
	if got := dirFiles(t, dir); len(got) != 0 {
		t.Errorf("folder after the lock is released = %q, want empty", got)
	}
}
