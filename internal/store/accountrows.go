package store

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/igsource/igsource/internal/instagram"
)

func validateAccount(a *Account) error {
	if a == nil {
		return fmt.Errorf("save account: account is nil")
	}
	switch a.Kind {
	case instagram.KindInstagram:
		if a.UserID == "" {
			return fmt.Errorf("save account %q: Instagram Login account has no UserID", a.Username)
		}
	case instagram.KindFacebook:
		if a.AppScopedID == "" {
			return fmt.Errorf("save account %q: Facebook Login account has no AppScopedID (the Facebook user id)", a.Username)
		}
	default:
		return fmt.Errorf("save account %q: invalid kind %q: expected %q or %q",
			a.Username, a.Kind, instagram.KindInstagram, instagram.KindFacebook)
	}
	if a.Token == "" {
		return fmt.Errorf("save account %s: token is empty", describeAccount(a))
	}
	if a.Status == "" {
		a.Status = StatusActive
	}
	if err := validateStatus(a.Status); err != nil {
		return fmt.Errorf("save account %s: %w", describeAccount(a), err)
	}
	return nil
}

func validateStatus(status AccountStatus) error {
	if status != StatusActive && status != StatusNeedsReauth {
		return fmt.Errorf("invalid account status %q: expected %q or %q", status, StatusActive, StatusNeedsReauth)
	}
	return nil
}

// describeAccount names an account in errors by its kind and Meta id, never by its token.
func describeAccount(a *Account) string {
	if a.Kind == instagram.KindFacebook {
		return fmt.Sprintf("facebook:%s", a.AppScopedID)
	}
	return fmt.Sprintf("%s:%s", a.Kind, a.UserID)
}

// findAccountIdentity returns the ID and creation time of the stored account with a's identity,
// or sql.ErrNoRows.
func findAccountIdentity(ctx context.Context, tx *sql.Tx, a *Account) (int64, time.Time, error) {
	query := "SELECT id, created_at FROM accounts WHERE kind = $1 AND user_id = $2"
	key := a.UserID
	if a.Kind == instagram.KindFacebook {
		query = "SELECT id, created_at FROM accounts WHERE kind = $1 AND app_scoped_id = $2"
		key = a.AppScopedID
	}
	var id, createdAt int64
	if err := tx.QueryRowContext(ctx, query, a.Kind, key).Scan(&id, &createdAt); err != nil {
		return 0, time.Time{}, err
	}
	return id, time.Unix(createdAt, 0).UTC(), nil
}

// insertAccount inserts a and its pages. The token is sealed with the new row's ID as
// associated data, so the row is inserted first and the sealed token written second, inside
// the caller's transaction.
func (s *Store) insertAccount(ctx context.Context, tx *sql.Tx, a *Account, now time.Time) error {
	var id int64
	err := tx.QueryRowContext(ctx, `INSERT INTO accounts (kind, user_id, app_scoped_id, username, name,
		token_sealed, token_issued_at, token_expires_at, status, status_message, last_refresh_at,
		created_at, updated_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $12) RETURNING id`,
		a.Kind, a.UserID, a.AppScopedID, a.Username, a.Name, []byte{},
		unixOrNil(a.TokenIssuedAt), unixOrNil(a.TokenExpiresAt), a.Status, a.StatusMessage,
		unixOrNil(a.LastRefreshAt), now.Unix()).Scan(&id)
	if isUniqueViolation(err) {
		return fmt.Errorf("create account %s: %w", describeAccount(a), ErrConflict)
	}
	if err != nil {
		return fmt.Errorf("create account %s: %w", describeAccount(a), err)
	}
	sealed, err := s.sealToken(id, a.Kind, a.Token)
	if err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, "UPDATE accounts SET token_sealed = $1 WHERE id = $2", sealed, id); err != nil {
		return fmt.Errorf("create account %s: store token: %w", describeAccount(a), err)
	}
	if err := replacePages(ctx, tx, id, a.Pages); err != nil {
		return err
	}
	a.ID, a.CreatedAt, a.UpdatedAt = id, now, now
	return nil
}

func (s *Store) updateAccount(ctx context.Context, tx *sql.Tx, a *Account) error {
	sealed, err := s.sealToken(a.ID, a.Kind, a.Token)
	if err != nil {
		return err
	}
	_, err = tx.ExecContext(ctx, `UPDATE accounts SET user_id = $1, app_scoped_id = $2, username = $3,
		name = $4, token_sealed = $5, token_issued_at = $6, token_expires_at = $7, status = $8,
		status_message = $9, last_refresh_at = $10, updated_at = $11
		WHERE id = $12`,
		a.UserID, a.AppScopedID, a.Username, a.Name, sealed, unixOrNil(a.TokenIssuedAt),
		unixOrNil(a.TokenExpiresAt), a.Status, a.StatusMessage, unixOrNil(a.LastRefreshAt),
		a.UpdatedAt.Unix(), a.ID)
	return err
}

type rowScanner interface {
	Scan(dest ...any) error
}

func (s *Store) scanAccount(row rowScanner) (*Account, error) {
	var (
		a                            Account
		sealed                       []byte
		issued, expires, lastRefresh sql.NullInt64
		createdAt, updatedAt         int64
	)
	err := row.Scan(&a.ID, &a.Kind, &a.UserID, &a.AppScopedID, &a.Username, &a.Name, &sealed,
		&issued, &expires, &a.Status, &a.StatusMessage, &lastRefresh, &createdAt, &updatedAt)
	if err != nil {
		return nil, err
	}
	a.TokenIssuedAt = timeFromUnix(issued)
	a.TokenExpiresAt = timeFromUnix(expires)
	a.LastRefreshAt = timeFromUnix(lastRefresh)
	a.CreatedAt = time.Unix(createdAt, 0).UTC()
	a.UpdatedAt = time.Unix(updatedAt, 0).UTC()
	if a.Token, err = s.openToken(a.ID, a.Kind, sealed); err != nil {
		return nil, err
	}
	return &a, nil
}

// tokenAssociatedData binds a sealed token to its account row, so a sealed value copied into
// another row does not open.
func tokenAssociatedData(id int64, kind instagram.Kind) []byte {
	return fmt.Appendf(nil, "account-token:%d:%s", id, kind)
}

func (s *Store) sealToken(id int64, kind instagram.Kind, token string) ([]byte, error) {
	sealed, err := s.sealer.Seal([]byte(token), tokenAssociatedData(id, kind))
	if err != nil {
		return nil, fmt.Errorf("seal token of account %d: %w", id, err)
	}
	return sealed, nil
}

func (s *Store) openToken(id int64, kind instagram.Kind, sealed []byte) (string, error) {
	plain, err := s.sealer.Open(sealed, tokenAssociatedData(id, kind))
	if err != nil {
		return "", fmt.Errorf("open token of account %d: %w", id, err)
	}
	return string(plain), nil
}

// now returns the clock's time in UTC, truncated to the whole seconds that the database keeps,
// so that a value set on a struct equals the value read back.
func (s *Store) now() time.Time {
	return s.clock.Now().UTC().Truncate(time.Second)
}
