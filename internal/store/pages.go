package store

import (
	"context"
	"database/sql"
	"fmt"
)

// replacePages replaces the stored pages of an account, keeping their order.
func replacePages(ctx context.Context, tx *sql.Tx, accountID int64, pages []Page) error {
	if _, err := tx.ExecContext(ctx, "DELETE FROM account_pages WHERE account_id = $1", accountID); err != nil {
		return fmt.Errorf("replace pages of account %d: %w", accountID, err)
	}
	for i, p := range pages {
		if p.ID == "" {
			return fmt.Errorf("replace pages of account %d: page %d (%q) has no id", accountID, i, p.Name)
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO account_pages (account_id, page_id, name, user_id, position)
			VALUES ($1, $2, $3, $4, $5)`, accountID, p.ID, p.Name, p.UserID, i)
		if isUniqueViolation(err) {
			return fmt.Errorf("replace pages of account %d: page %s is listed twice", accountID, p.ID)
		}
		if err != nil {
			return fmt.Errorf("replace pages of account %d: %w", accountID, err)
		}
	}
	return nil
}

func (s *Store) pages(ctx context.Context, accountID int64) ([]Page, error) {
	byAccount, err := s.queryPages(ctx,
		"SELECT account_id, page_id, name, user_id FROM account_pages WHERE account_id = $1 ORDER BY position",
		accountID)
	if err != nil {
		return nil, fmt.Errorf("read pages of account %d: %w", accountID, err)
	}
	return byAccount[accountID], nil
}

func (s *Store) allPages(ctx context.Context) (map[int64][]Page, error) {
	byAccount, err := s.queryPages(ctx,
		"SELECT account_id, page_id, name, user_id FROM account_pages ORDER BY account_id, position")
	if err != nil {
		return nil, fmt.Errorf("read pages: %w", err)
	}
	return byAccount, nil
}

func (s *Store) queryPages(ctx context.Context, query string, args ...any) (map[int64][]Page, error) {
	rows, err := s.read.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	byAccount := make(map[int64][]Page)
	for rows.Next() {
		var accountID int64
		var p Page
		if err := rows.Scan(&accountID, &p.ID, &p.Name, &p.UserID); err != nil {
			return nil, err
		}
		byAccount[accountID] = append(byAccount[accountID], p)
	}
	return byAccount, rows.Err()
}
