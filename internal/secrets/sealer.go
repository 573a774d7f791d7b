// Package secrets seals tokens at rest with AES-256-GCM and manages the key that seals them.
package secrets

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"errors"
	"fmt"
)

// KeySize is the length of an AES-256 key in bytes.
const KeySize = 32

// formatV1 marks a sealed value as version byte, 12-byte random nonce, then the GCM
// ciphertext with its 16-byte tag. A later format gets a new version byte so that old
// values still open.
const formatV1 byte = 1

// ErrWrongKey reports a sealed value that does not open with this key: it was sealed with
// another key, with other associated data, or it was altered.
var ErrWrongKey = errors.New("sealed value does not open with this key (wrong key, wrong associated data or corrupted data)")

// Sealer encrypts and authenticates small values such as tokens. It is safe for concurrent use.
type Sealer struct {
	aead cipher.AEAD
}

// NewSealer returns a Sealer for a 32-byte key.
func NewSealer(key []byte) (*Sealer, error) {
	if len(key) != KeySize {
		return nil, fmt.Errorf("create sealer: key is %d bytes, expected %d", len(key), KeySize)
	}
	block, err := aes.NewCipher(key)
	if err != nil {
		return nil, fmt.Errorf("create sealer: %w", err)
	}
	aead, err := cipher.NewGCM(block)
	if err != nil {
		return nil, fmt.Errorf("create sealer: %w", err)
	}
	return &Sealer{aead: aead}, nil
}

// Seal encrypts plaintext and binds it to associatedData, which Open must be given again. The
// associated data is authenticated but not stored, so a value copied to another record, such
// as another account's row, fails to open.
func (s *Sealer) Seal(plaintext, associatedData []byte) ([]byte, error) {
	nonceSize := s.aead.NonceSize()
	out := make([]byte, 1+nonceSize, 1+nonceSize+len(plaintext)+s.aead.Overhead())
	out[0] = formatV1
	if _, err := rand.Read(out[1:]); err != nil {
		return nil, fmt.Errorf("seal value: read random nonce: %w", err)
	}
	return s.aead.Seal(out, out[1:], plaintext, associatedData), nil
}

// Open decrypts a value written by Seal with the same associated data. It returns an error
// wrapping ErrWrongKey when the key or the associated data differ or the value was altered,
// and never an empty result in place of that error.
func (s *Sealer) Open(ciphertext, associatedData []byte) ([]byte, error) {
	if len(ciphertext) == 0 {
		return nil, errors.New("open sealed value: value is empty")
	}
	if ciphertext[0] != formatV1 {
		return nil, fmt.Errorf("open sealed value: unknown format version %d", ciphertext[0])
	}
	nonceSize := s.aead.NonceSize()
	if len(ciphertext) < 1+nonceSize+s.aead.Overhead() {
		return nil, fmt.Errorf("open sealed value: value is %d bytes, too short to be sealed", len(ciphertext))
	}
	nonce := ciphertext[1 : 1+nonceSize]
	plaintext, err := s.aead.Open(nil, nonce, ciphertext[1+nonceSize:], associatedData)
	if err != nil {
		return nil, fmt.Errorf("open sealed value: %w", ErrWrongKey)
	}
	if plaintext == nil {
		plaintext = []byte{}
	}
	return plaintext, nil
}
