package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/igsource/igsource/internal/instagram"
)

const accountColumns = `id, kind, user_id, app_scoped_id, username, name, token_sealed,
	token_issued_at, token_expires_at, status, status_message, last_refresh_at, created_at, updated_at`

// CreateAccount inserts a new account with its pages and sets its ID, CreatedAt and UpdatedAt.
// An account already connected with the same identity returns ErrConflict, so a reconnect
// goes through SaveAccount.
func (s *Store) CreateAccount(ctx context.Context, a *Account) error {
	if err := validateAccount(a); err != nil {
		return err
	}
	now := s.now()
	return s.inTx(ctx, func(tx *sql.Tx) error {
		return s.insertAccount(ctx, tx, a, now)
	})
}

// SaveAccount inserts an account or, when one with the same identity exists, updates it in
// place and keeps its ID, so that the instances using it stay attached after a reconnect.
// An Instagram Login account is identified by UserID, a Facebook Login account by AppScopedID
// (the Facebook user id). Pages replace the stored pages.
func (s *Store) SaveAccount(ctx context.Context, a *Account) error {
	if err := validateAccount(a); err != nil {
		return err
	}
	now := s.now()
	return s.inTx(ctx, func(tx *sql.Tx) error {
		id, createdAt, err := findAccountIdentity(ctx, tx, a)
		if errors.Is(err, sql.ErrNoRows) {
			return s.insertAccount(ctx, tx, a, now)
		}
		if err != nil {
			return fmt.Errorf("save account %s: %w", describeAccount(a), err)
		}
		a.ID, a.CreatedAt, a.UpdatedAt = id, createdAt, now
		if err := s.updateAccount(ctx, tx, a); err != nil {
			return fmt.Errorf("save account %s: %w", describeAccount(a), err)
		}
		return replacePages(ctx, tx, a.ID, a.Pages)
	})
}

// Account returns the account with its token opened and its pages.
func (s *Store) Account(ctx context.Context, id int64) (*Account, error) {
	row := s.read.QueryRowContext(ctx, "SELECT "+accountColumns+" FROM accounts WHERE id = $1", id)
	a, err := s.scanAccount(row)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("account %d: %w", id, ErrNotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("read account %d: %w", id, err)
	}
	if a.Pages, err = s.pages(ctx, id); err != nil {
		return nil, err
	}
	return a, nil
}

// AccountByName returns the account whose username matches name (ignoring ASCII case), or, for
// an all-digit name, whose igsource ID or Instagram professional account id it is. A username
// connected through both login kinds returns ErrConflict: pass the ID instead.
func (s *Store) AccountByName(ctx context.Context, name string) (*Account, error) {
	name = strings.TrimPrefix(strings.TrimSpace(name), "@")
	if name == "" {
		return nil, errors.New("find account: name is empty; give a username or an account id")
	}
	ids, err := s.accountIDs(ctx, "SELECT id FROM accounts WHERE lower(username) = lower($1) ORDER BY id", name)
	if err != nil {
		return nil, fmt.Errorf("find account %q: %w", name, err)
	}
	if len(ids) == 0 && isDigits(name) {
		ids, err = s.accountIDs(ctx, "SELECT id FROM accounts WHERE CAST(id AS TEXT) = $1 OR user_id = $1 ORDER BY id", name)
		if err != nil {
			return nil, fmt.Errorf("find account %q: %w", name, err)
		}
	}
	switch len(ids) {
	case 0:
		return nil, fmt.Errorf("account %q: %w", name, ErrNotFound)
	case 1:
		return s.Account(ctx, ids[0])
	default:
		return nil, fmt.Errorf("account %q matches accounts %v; give the account id instead: %w", name, ids, ErrConflict)
	}
}

// ListAccounts returns every account, ordered by ID, with tokens opened and pages.
func (s *Store) ListAccounts(ctx context.Context) ([]Account, error) {
	rows, err := s.read.QueryContext(ctx, "SELECT "+accountColumns+" FROM accounts ORDER BY id")
	if err != nil {
		return nil, fmt.Errorf("list accounts: %w", err)
	}
	defer rows.Close()
	var accounts []Account
	for rows.Next() {
		a, err := s.scanAccount(rows)
		if err != nil {
			return nil, fmt.Errorf("list accounts: %w", err)
		}
		accounts = append(accounts, *a)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("list accounts: %w", err)
	}
	pages, err := s.allPages(ctx)
	if err != nil {
		return nil, err
	}
	for i := range accounts {
		accounts[i].Pages = pages[accounts[i].ID]
	}
	return accounts, nil
}

// UpdateAccountToken stores a new token with its issue and expiry times (zero expiresAt when
// Meta gave none), sets LastRefreshAt to now and marks the account active.
func (s *Store) UpdateAccountToken(ctx context.Context, id int64, token string, issuedAt, expiresAt time.Time) error {
	if token == "" {
		return fmt.Errorf("update token of account %d: token is empty", id)
	}
	now := s.now()
	return s.inTx(ctx, func(tx *sql.Tx) error {
		var kind instagram.Kind
		err := tx.QueryRowContext(ctx, "SELECT kind FROM accounts WHERE id = $1", id).Scan(&kind)
		if errors.Is(err, sql.ErrNoRows) {
			return fmt.Errorf("account %d: %w", id, ErrNotFound)
		}
		if err != nil {
			return fmt.Errorf("update token of account %d: %w", id, err)
		}
		sealed, err := s.sealToken(id, kind, token)
		if err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, `UPDATE accounts SET token_sealed = $1, token_issued_at = $2,
			token_expires_at = $3, status = $4, status_message = '', last_refresh_at = $5, updated_at = $5
			WHERE id = $6`,
			sealed, unixOrNil(issuedAt), unixOrNil(expiresAt), StatusActive, now.Unix(), id)
		if err != nil {
			return fmt.Errorf("update token of account %d: %w", id, err)
		}
		return nil
	})
}

// SetAccountStatus sets an account's status and the message shown with it.
func (s *Store) SetAccountStatus(ctx context.Context, id int64, status AccountStatus, message string) error {
	if err := validateStatus(status); err != nil {
		return fmt.Errorf("set status of account %d: %w", id, err)
	}
	res, err := s.write.ExecContext(ctx,
		"UPDATE accounts SET status = $1, status_message = $2, updated_at = $3 WHERE id = $4",
		status, message, s.now().Unix(), id)
	if err != nil {
		return fmt.Errorf("set status of account %d: %w", id, err)
	}
	if err := rowsAffectedOrNotFound(res, ErrNotFound); err != nil {
		return fmt.Errorf("account %d: %w", id, err)
	}
	return nil
}

// DeleteAccount deletes an account, its pages, media index rows and hashtag ledger. While
// instances use the account it returns ErrInUse, unless force is set, which deletes those
// instances and their cached results too.
func (s *Store) DeleteAccount(ctx context.Context, id int64, force bool) error {
	return s.inTx(ctx, func(tx *sql.Tx) error {
		names, err := instanceNamesOf(ctx, tx, id)
		if err != nil {
			return fmt.Errorf("delete account %d: %w", id, err)
		}
		if len(names) > 0 && !force {
			return fmt.Errorf("delete account %d: instances %s use it, so delete them first or force the deletion: %w",
				id, strings.Join(names, ", "), ErrInUse)
		}
		return deleteAccountRows(ctx, tx, id)
	})
}

func deleteAccountRows(ctx context.Context, tx *sql.Tx, id int64) error {
	statements := []string{
		"DELETE FROM query_cache WHERE instance_id IN (SELECT id FROM instances WHERE account_id = $1)",
		"DELETE FROM instances WHERE account_id = $1",
		"DELETE FROM media_files WHERE account_id = $1",
		"DELETE FROM hashtag_searches WHERE account_id = $1",
		"DELETE FROM account_pages WHERE account_id = $1",
	}
	for _, statement := range statements {
		if _, err := tx.ExecContext(ctx, statement, id); err != nil {
			return fmt.Errorf("delete account %d: %w", id, err)
		}
	}
	res, err := tx.ExecContext(ctx, "DELETE FROM accounts WHERE id = $1", id)
	if err != nil {
		return fmt.Errorf("delete account %d: %w", id, err)
	}
	if err := rowsAffectedOrNotFound(res, ErrNotFound); err != nil {
		return fmt.Errorf("account %d: %w", id, err)
	}
	return nil
}

func (s *Store) accountIDs(ctx context.Context, query string, arg any) ([]int64, error) {
	rows, err := s.read.QueryContext(ctx, query, arg)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var ids []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		ids = append(ids, id)
	}
	return ids, rows.Err()
}

func isDigits(s string) bool {
	_, err := strconv.ParseUint(s, 10, 64)
	return err == nil
}
