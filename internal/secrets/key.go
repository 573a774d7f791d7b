package secrets

import (
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// KeyFileName is the key file that LoadOrCreateKey keeps in the data folder when no key is
// configured.
const KeyFileName = "secret.key"

// KeySetting names the configuration setting that carries the key, for error messages.
const KeySetting = "encryption key (--encryption-key or IGSOURCE_ENCRYPTION_KEY)"

// LoadOrCreateKey returns the 32-byte key that seals tokens. A configured key (the standard
// base64 encoding of 32 bytes) wins. Otherwise the key is read from dataDir/secret.key, which
// is created with 32 random bytes and mode 0600 the first time. A key file that group or
// others can read is rejected, because anyone who can read it can open every stored token.
func LoadOrCreateKey(dataDir, configured string) ([]byte, error) {
	if strings.TrimSpace(configured) != "" {
		return decodeConfiguredKey(configured)
	}
	if dataDir == "" {
		return nil, fmt.Errorf("load encryption key: no data folder given and no %s set", KeySetting)
	}
	path := filepath.Join(dataDir, KeyFileName)
	key, err := readKeyFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return createKeyFile(path)
	}
	return key, err
}

func decodeConfiguredKey(configured string) ([]byte, error) {
	text := strings.TrimSpace(configured)
	key, err := base64.StdEncoding.DecodeString(text)
	if err != nil {
		key, err = base64.URLEncoding.DecodeString(text)
	}
	if err != nil {
		return nil, fmt.Errorf("invalid %s: not base64; generate a key with `openssl rand -base64 32`", KeySetting)
	}
	if len(key) != KeySize {
		return nil, fmt.Errorf("invalid %s: decodes to %d bytes, expected %d; generate a key with `openssl rand -base64 32`",
			KeySetting, len(key), KeySize)
	}
	return key, nil
}

func readKeyFile(path string) ([]byte, error) {
	info, err := os.Stat(path)
	if err != nil {
		return nil, fmt.Errorf("read key file %s: %w", path, err)
	}
	if !info.Mode().IsRegular() {
		return nil, fmt.Errorf("read key file %s: not a regular file", path)
	}
	if perm := info.Mode().Perm(); perm&0o077 != 0 {
		return nil, fmt.Errorf("key file %s has mode %04o, which lets other users read it; run `chmod 600 %s`",
			path, perm, path)
	}
	key, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read key file %s: %w", path, err)
	}
	if len(key) != KeySize {
		return nil, fmt.Errorf("key file %s is %d bytes, expected %d; restore it from a backup or set the %s",
			path, len(key), KeySize, KeySetting)
	}
	return key, nil
}

// createKeyFile writes a new random key. O_EXCL makes a second process that races this one
// fail instead of replacing a key that may already seal data.
func createKeyFile(path string) ([]byte, error) {
	key := make([]byte, KeySize)
	if _, err := rand.Read(key); err != nil {
		return nil, fmt.Errorf("create key file %s: read random bytes: %w", path, err)
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return nil, fmt.Errorf("create key file %s: %w", path, err)
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if errors.Is(err, fs.ErrExist) {
		return readKeyFile(path)
	}
	if err != nil {
		return nil, fmt.Errorf("create key file %s: %w", path, err)
	}
	if _, err := f.Write(key); err != nil {
		f.Close()
		os.Remove(path)
		return nil, fmt.Errorf("create key file %s: %w", path, err)
	}
	if err := f.Sync(); err != nil {
		f.Close()
		os.Remove(path)
		return nil, fmt.Errorf("create key file %s: %w", path, err)
	}
	if err := f.Close(); err != nil {
		os.Remove(path)
		return nil, fmt.Errorf("create key file %s: %w", path, err)
	}
	return key, nil
}
