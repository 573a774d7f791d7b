package store

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/igsource/igsource/internal/secrets"
)

// ErrKeyMismatch reports a database whose tokens were sealed with another encryption key.
var ErrKeyMismatch = errors.New("the encryption key does not match the key this database was created with; " +
	"set the " + secrets.KeySetting + " to the original key or restore " + secrets.KeyFileName + " in the data folder")

const (
	keyCheckName = "key_check"
	// keyCheckText is sealed once when the database is created. Opening it on every later
	// start proves the key is the same before any token is read or written, so a lost key
	// stops the service instead of leaving tokens that can no longer be opened.
	keyCheckText = "igsource key check v1"
)

func (s *Store) checkKey(ctx context.Context) error {
	return s.inTx(ctx, func(tx *sql.Tx) error {
		var sealed []byte
		err := tx.QueryRowContext(ctx, "SELECT value FROM metadata WHERE name = $1", keyCheckName).Scan(&sealed)
		if errors.Is(err, sql.ErrNoRows) {
			return s.storeKeyCheck(ctx, tx)
		}
		if err != nil {
			return fmt.Errorf("read key check: %w", err)
		}
		plain, err := s.sealer.Open(sealed, []byte(keyCheckName))
		if errors.Is(err, secrets.ErrWrongKey) {
			return ErrKeyMismatch
		}
		if err != nil {
			return fmt.Errorf("open key check: %w", err)
		}
		if !bytes.Equal(plain, []byte(keyCheckText)) {
			return ErrKeyMismatch
		}
		return nil
	})
}

func (s *Store) storeKeyCheck(ctx context.Context, tx *sql.Tx) error {
	sealed, err := s.sealer.Seal([]byte(keyCheckText), []byte(keyCheckName))
	if err != nil {
		return fmt.Errorf("seal key check: %w", err)
	}
	if _, err := tx.ExecContext(ctx, "INSERT INTO metadata (name, value) VALUES ($1, $2)", keyCheckName, sealed); err != nil {
		return fmt.Errorf("store key check: %w", err)
	}
	return nil
}
