package secrets_test

import (
	"bytes"
	"errors"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/igsource/igsource/internal/secrets"
)

func newSealer(t *testing.T, fill byte) *secrets.Sealer {
	t.Helper()
	sealer, err := secrets.NewSealer(bytes.Repeat([]byte{fill}, secrets.KeySize))
	if err != nil {
		t.Fatalf("NewSealer: %v", err)
	}
	return sealer
}

func TestSealOpenRoundTrip(t *testing.T) {
	sealer := newSealer(t, 1)
	tests := []struct {
		name      string
		plaintext []byte
	}{
		{"empty", []byte{}},
		{"token", []byte("IGAAB-example-token")},
		{"binary", []byte{0, 1, 2, 255}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			sealed, err := sealer.Seal(tt.plaintext, []byte("account-token:1:instagram"))
			if err != nil {
				t.Fatalf("Seal: %v", err)
			}
			got, err := sealer.Open(sealed, []byte("account-token:1:instagram"))
			if err != nil {
				t.Fatalf("Open: %v", err)
			}
			if diff := cmp.Diff(tt.plaintext, got); diff != "" {
				t.Errorf("Open() mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

func TestSealHidesPlaintext(t *testing.T) {
	sealer := newSealer(t, 1)
	plaintext := []byte("IGAAB-example-token")
	first, err := sealer.Seal(plaintext, nil)
	if err != nil {
		t.Fatalf("Seal: %v", err)
	}
	second, err := sealer.Seal(plaintext, nil)
	if err != nil {
		t.Fatalf("Seal: %v", err)
	}
	if bytes.Contains(first, plaintext) {
		t.Errorf("sealed value %x contains the plaintext", first)
	}
	if bytes.Equal(first, second) {
		t.Errorf("two seals of one plaintext are equal (%x): the nonce is not random", first)
	}
}

func TestOpenRejects(t *testing.T) {
	sealer := newSealer(t, 1)
	sealed, err := sealer.Seal([]byte("token"), []byte("account-token:1:instagram"))
	if err != nil {
		t.Fatalf("Seal: %v", err)
	}
	flipped := bytes.Clone(sealed)
	flipped[len(flipped)-1] ^= 1
	unknownVersion := bytes.Clone(sealed)
	unknownVersion[0] = 99

	tests := []struct {
		name     string
		sealer   *secrets.Sealer
		sealed   []byte
		data     string
		wrongKey bool
	}{
		{"other key", newSealer(t, 2), sealed, "account-token:1:instagram", true},
		{"other associated data", sealer, sealed, "account-token:2:instagram", true},
		{"altered byte", sealer, flipped, "account-token:1:instagram", true},
		{"empty", sealer, nil, "account-token:1:instagram", false},
		{"too short", sealer, sealed[:10], "account-token:1:instagram", false},
		{"unknown version", sealer, unknownVersion, "account-token:1:instagram", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := tt.sealer.Open(tt.sealed, []byte(tt.data))
			if err == nil {
				t.Fatalf("Open() = %q, want an error", got)
			}
			if got != nil {
				t.Errorf("Open() returned %q with its error, want nil", got)
			}
			if errors.Is(err, secrets.ErrWrongKey) != tt.wrongKey {
				t.Errorf("Open() error = %v, errors.Is(ErrWrongKey) should be %v", err, tt.wrongKey)
			}
		})
	}
}

func TestNewSealerRejectsKeySize(t *testing.T) {
	for _, size := range []int{0, 16, 31, 33} {
		if _, err := secrets.NewSealer(make([]byte, size)); err == nil {
			t.Errorf("NewSealer(%d-byte key) returned no error", size)
		}
	}
}
