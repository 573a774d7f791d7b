package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/igsource/igsource/internal/instagram"
)

// DefaultInstanceName is the name of an instance created without one. Later unnamed instances
// get "Instagram 2", "Instagram 3" and so on.
const DefaultInstanceName = "Instagram"

// MaxInstanceNameLength is the maximum length of an instance name, in characters.
const MaxInstanceNameLength = 100

const instanceColumns = "id, name, account_id, page_id, cache_seconds, created_at, updated_at"

// CreateInstance inserts an instance and sets its ID, Name (when empty), CacheSeconds (when 0)
// and times. A name already in use returns ErrConflict, and a missing account ErrNotFound.
func (s *Store) CreateInstance(ctx context.Context, in *Instance) error {
	now := s.now()
	return s.inTx(ctx, func(tx *sql.Tx) error {
		if err := prepareInstance(ctx, tx, in); err != nil {
			return err
		}
		if in.Name == "" {
			name, err := freeDefaultName(ctx, tx)
			if err != nil {
				return err
			}
			in.Name = name
		}
		var id int64
		err := tx.QueryRowContext(ctx, `INSERT INTO instances (name, account_id, page_id, cache_seconds,
			created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $5) RETURNING id`,
			in.Name, in.AccountID, in.PageID, in.CacheSeconds, now.Unix()).Scan(&id)
		if isUniqueViolation(err) {
			return fmt.Errorf("create instance %q: name is taken, so choose another name: %w", in.Name, ErrConflict)
		}
		if err != nil {
			return fmt.Errorf("create instance %q: %w", in.Name, err)
		}
		in.ID, in.CreatedAt, in.UpdatedAt = id, now, now
		return nil
	})
}

// Instance returns the instance with the given ID.
func (s *Store) Instance(ctx context.Context, id int64) (*Instance, error) {
	row := s.read.QueryRowContext(ctx, "SELECT "+instanceColumns+" FROM instances WHERE id = $1", id)
	in, err := scanInstance(row)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("instance %d: %w", id, ErrNotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("read instance %d: %w", id, err)
	}
	return in, nil
}

// InstanceByName returns the instance with the given name, ignoring surrounding spaces as
// CreateInstance does.
func (s *Store) InstanceByName(ctx context.Context, name string) (*Instance, error) {
	name = strings.TrimSpace(name)
	row := s.instanceByName.QueryRowContext(ctx, name)
	in, err := scanInstance(row)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("instance %q: %w", name, ErrNotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("read instance %q: %w", name, err)
	}
	return in, nil
}

// ListInstances returns every instance ordered by ID.
func (s *Store) ListInstances(ctx context.Context) ([]Instance, error) {
	rows, err := s.read.QueryContext(ctx, "SELECT "+instanceColumns+" FROM instances ORDER BY id")
	if err != nil {
		return nil, fmt.Errorf("list instances: %w", err)
	}
	defer rows.Close()
	var instances []Instance
	for rows.Next() {
		in, err := scanInstance(rows)
		if err != nil {
			return nil, fmt.Errorf("list instances: %w", err)
		}
		instances = append(instances, *in)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("list instances: %w", err)
	}
	return instances, nil
}

// UpdateInstance saves the name, account, page and cache time of an existing instance and
// deletes its cached results, which the old settings produced.
func (s *Store) UpdateInstance(ctx context.Context, in *Instance) error {
	now := s.now()
	return s.inTx(ctx, func(tx *sql.Tx) error {
		if err := prepareInstance(ctx, tx, in); err != nil {
			return err
		}
		if in.Name == "" {
			return fmt.Errorf("update instance %d: name is empty", in.ID)
		}
		res, err := tx.ExecContext(ctx, `UPDATE instances SET name = $1, account_id = $2, page_id = $3,
			cache_seconds = $4, updated_at = $5 WHERE id = $6`,
			in.Name, in.AccountID, in.PageID, in.CacheSeconds, now.Unix(), in.ID)
		if isUniqueViolation(err) {
			return fmt.Errorf("rename instance %d to %q: name is taken, so choose another name: %w", in.ID, in.Name, ErrConflict)
		}
		if err != nil {
			return fmt.Errorf("update instance %d: %w", in.ID, err)
		}
		if err := rowsAffectedOrNotFound(res, ErrNotFound); err != nil {
			return fmt.Errorf("instance %d: %w", in.ID, err)
		}
		in.UpdatedAt = now
		return deleteCacheOf(ctx, tx, in.ID)
	})
}

// DeleteInstance deletes an instance and its cached results.
func (s *Store) DeleteInstance(ctx context.Context, id int64) error {
	return s.inTx(ctx, func(tx *sql.Tx) error {
		if err := deleteCacheOf(ctx, tx, id); err != nil {
			return err
		}
		res, err := tx.ExecContext(ctx, "DELETE FROM instances WHERE id = $1", id)
		if err != nil {
			return fmt.Errorf("delete instance %d: %w", id, err)
		}
		if err := rowsAffectedOrNotFound(res, ErrNotFound); err != nil {
			return fmt.Errorf("instance %d: %w", id, err)
		}
		return nil
	})
}

// prepareInstance validates in, applies the default cache time and checks that the page
// setting fits the login kind and the pages of its account.
func prepareInstance(ctx context.Context, tx *sql.Tx, in *Instance) error {
	if in == nil {
		return errors.New("save instance: instance is nil")
	}
	in.Name = strings.TrimSpace(in.Name)
	in.PageID = strings.TrimSpace(in.PageID)
	if err := validateInstanceName(in.Name); err != nil {
		return err
	}
	if in.CacheSeconds < 0 {
		return fmt.Errorf("instance %q: invalid cache time %d seconds: give 0 for the default (%d) or more",
			in.Name, in.CacheSeconds, DefaultCacheSeconds)
	}
	if in.CacheSeconds == 0 {
		in.CacheSeconds = DefaultCacheSeconds
	}

	var kind instagram.Kind
	err := tx.QueryRowContext(ctx, "SELECT kind FROM accounts WHERE id = $1", in.AccountID).Scan(&kind)
	if errors.Is(err, sql.ErrNoRows) {
		return fmt.Errorf("instance %q: account %d: %w", in.Name, in.AccountID, ErrNotFound)
	}
	if err != nil {
		return fmt.Errorf("instance %q: read account %d: %w", in.Name, in.AccountID, err)
	}
	if kind == instagram.KindInstagram && in.PageID != "" {
		return fmt.Errorf("instance %q: account %d uses Instagram Login, which reads no Facebook Page, so leave the page empty",
			in.Name, in.AccountID)
	}
	if kind == instagram.KindFacebook {
		return checkInstancePage(ctx, tx, in)
	}
	return nil
}

// checkInstancePage checks that the Page of a Facebook Login instance is one of its account's
// pages, because the account's token reads no other Page.
func checkInstancePage(ctx context.Context, tx *sql.Tx, in *Instance) error {
	if in.PageID == "" {
		return fmt.Errorf("instance %q: account %d uses Facebook Login, so the instance needs one of the account's Facebook Pages",
			in.Name, in.AccountID)
	}
	var found int
	err := tx.QueryRowContext(ctx, "SELECT COUNT(*) FROM account_pages WHERE account_id = $1 AND page_id = $2",
		in.AccountID, in.PageID).Scan(&found)
	if err != nil {
		return fmt.Errorf("instance %q: read pages of account %d: %w", in.Name, in.AccountID, err)
	}
	if found == 0 {
		return fmt.Errorf("instance %q: account %d cannot read Facebook Page %q: choose one of its pages or reconnect the account",
			in.Name, in.AccountID, in.PageID)
	}
	return nil
}

// validateInstanceName accepts an empty name, which CreateInstance replaces with a default.
func validateInstanceName(name string) error {
	if utf8.RuneCountInString(name) > MaxInstanceNameLength {
		return fmt.Errorf("invalid instance name %q: longer than %d characters", name, MaxInstanceNameLength)
	}
	if strings.ContainsFunc(name, unicode.IsControl) {
		return fmt.Errorf("invalid instance name %q: contains a control character", name)
	}
	return nil
}

// freeDefaultName returns "Instagram", or "Instagram N" with the smallest free N from 2.
func freeDefaultName(ctx context.Context, tx *sql.Tx) (string, error) {
	rows, err := tx.QueryContext(ctx, "SELECT name FROM instances WHERE name = $1 OR name LIKE $2",
		DefaultInstanceName, DefaultInstanceName+" %")
	if err != nil {
		return "", fmt.Errorf("choose instance name: %w", err)
	}
	defer rows.Close()
	takenNames := make(map[string]bool)
	for rows.Next() {
		var name string
		if err := rows.Scan(&name); err != nil {
			return "", fmt.Errorf("choose instance name: %w", err)
		}
		takenNames[name] = true
	}
	if err := rows.Err(); err != nil {
		return "", fmt.Errorf("choose instance name: %w", err)
	}
	if !takenNames[DefaultInstanceName] {
		return DefaultInstanceName, nil
	}
	for n := 2; ; n++ {
		name := DefaultInstanceName + " " + strconv.Itoa(n)
		if !takenNames[name] {
			return name, nil
		}
	}
}

func instanceNamesOf(ctx context.Context, tx *sql.Tx, accountID int64) ([]string, error) {
	rows, err := tx.QueryContext(ctx, "SELECT name FROM instances WHERE account_id = $1 ORDER BY id", accountID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var names []string
	for rows.Next() {
		var name string
		if err := rows.Scan(&name); err != nil {
			return nil, err
		}
		names = append(names, name)
	}
	return names, rows.Err()
}

func scanInstance(row rowScanner) (*Instance, error) {
	var in Instance
	var createdAt, updatedAt int64
	err := row.Scan(&in.ID, &in.Name, &in.AccountID, &in.PageID, &in.CacheSeconds, &createdAt, &updatedAt)
	if err != nil {
		return nil, err
	}
	in.CreatedAt = timeFromUnix(sql.NullInt64{Int64: createdAt, Valid: true})
	in.UpdatedAt = timeFromUnix(sql.NullInt64{Int64: updatedAt, Valid: true})
	return &in, nil
}
