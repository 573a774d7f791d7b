package secrets_test

import (
	"bytes"
	"encoding/base64"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/igsource/igsource/internal/secrets"
)

func TestLoadOrCreateKeyCreatesFileOnce(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "data")
	first, err := secrets.LoadOrCreateKey(dir, "")
	if err != nil {
		t.Fatalf("LoadOrCreateKey (create): %v", err)
	}
	if len(first) != secrets.KeySize {
		t.Errorf("created key is %d bytes, want %d", len(first), secrets.KeySize)
	}
	info, err := os.Stat(filepath.Join(dir, secrets.KeyFileName))
	if err != nil {
		t.Fatalf("stat key file: %v", err)
	}
	if perm := info.Mode().Perm(); perm != 0o600 {
		t.Errorf("key file mode = %04o, want 0600", perm)
	}
	second, err := secrets.LoadOrCreateKey(dir, "")
	if err != nil {
		t.Fatalf("LoadOrCreateKey (read): %v", err)
	}
	if diff := cmp.Diff(first, second); diff != "" {
		t.Errorf("second load returned another key (-first +second):\n%s", diff)
	}
}

func TestLoadOrCreateKeyConfiguredWins(t *testing.T) {
	dir := t.TempDir()
	want := bytes.Repeat([]byte{7}, secrets.KeySize)
	tests := []struct {
		name       string
		configured string
	}{
		{"standard base64", base64.StdEncoding.EncodeToString(want)},
		{"URL base64 with spaces", " " + base64.URLEncoding.EncodeToString(want) + "\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := secrets.LoadOrCreateKey(dir, tt.configured)
			if err != nil {
				t.Fatalf("LoadOrCreateKey: %v", err)
			}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("key mismatch (-want +got):\n%s", diff)
			}
		})
	}
	if _, err := os.Stat(filepath.Join(dir, secrets.KeyFileName)); !os.IsNotExist(err) {
		t.Errorf("key file was created although a key is configured (stat error %v)", err)
	}
}

func TestLoadOrCreateKeyRejectsConfigured(t *testing.T) {
	tests := []struct {
		name       string
		configured string
	}{
		{"not base64", "not*base64*at*all"},
		{"16 bytes", base64.StdEncoding.EncodeToString(make([]byte, 16))},
		{"33 bytes", base64.StdEncoding.EncodeToString(make([]byte, 33))},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := secrets.LoadOrCreateKey(t.TempDir(), tt.configured)
			if err == nil {
				t.Fatal("LoadOrCreateKey returned no error")
			}
			if !strings.Contains(err.Error(), "IGSOURCE_ENCRYPTION_KEY") {
				t.Errorf("error %q does not name the setting", err)
			}
			if strings.Contains(err.Error(), tt.configured) {
				t.Errorf("error %q repeats the configured key", err)
			}
		})
	}
}

func TestLoadOrCreateKeyRejectsKeyFile(t *testing.T) {
	tests := []struct {
		name    string
		content []byte
		mode    os.FileMode
		want    string
	}{
		{"readable by others", make([]byte, secrets.KeySize), 0o644, "chmod 600"},
		{"readable by group", make([]byte, secrets.KeySize), 0o640, "chmod 600"},
		{"wrong length", make([]byte, 10), 0o600, "10 bytes"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			path := filepath.Join(dir, secrets.KeyFileName)
			if err := os.WriteFile(path, tt.content, tt.mode); err != nil {
				t.Fatal(err)
			}
			if err := os.Chmod(path, tt.mode); err != nil {
				t.Fatal(err)
			}
			_, err := secrets.LoadOrCreateKey(dir, "")
			if err == nil {
				t.Fatal("LoadOrCreateKey returned no error")
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error %q does not contain %q", err, tt.want)
			}
		})
	}
}
