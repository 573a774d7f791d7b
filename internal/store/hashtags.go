package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"
)

// HashtagSearchWindow is Meta's rolling window for the hashtag budget: each account may search
// 30 unique hashtags per 7 days.
const HashtagSearchWindow = 7 * 24 * time.Hour

// HashtagID returns the stored id of a case-folded hashtag name, or ErrNotFound.
func (s *Store) HashtagID(ctx context.Context, name string) (string, error) {
	var id string
	err := s.read.QueryRowContext(ctx, "SELECT hashtag_id FROM hashtags WHERE name = $1", name).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return "", fmt.Errorf("hashtag %q: %w", name, ErrNotFound)
	}
	if err != nil {
		return "", fmt.Errorf("read hashtag %q: %w", name, err)
	}
	return id, nil
}

// SaveHashtag stores the id of a case-folded hashtag name. Hashtag ids are global and never
// change, so one row serves every account.
func (s *Store) SaveHashtag(ctx context.Context, name, id string) error {
	if name == "" || id == "" {
		return fmt.Errorf("save hashtag %q with id %q: name and id are required", name, id)
	}
	_, err := s.write.ExecContext(ctx, `INSERT INTO hashtags (name, hashtag_id) VALUES ($1, $2)
		ON CONFLICT (name) DO UPDATE SET hashtag_id = excluded.hashtag_id`, name, id)
	if err != nil {
		return fmt.Errorf("save hashtag %q: %w", name, err)
	}
	return nil
}

// HashtagSearches returns the ledger rows of an account searched at or after since, oldest
// first.
func (s *Store) HashtagSearches(ctx context.Context, accountID int64, since time.Time) ([]HashtagSearch, error) {
	rows, err := s.read.QueryContext(ctx, `SELECT account_id, name, hashtag_id, searched_at
		FROM hashtag_searches WHERE account_id = $1 AND searched_at >= $2 ORDER BY searched_at, name`,
		accountID, since.Unix())
	if err != nil {
		return nil, fmt.Errorf("list hashtag searches of account %d: %w", accountID, err)
	}
	defer rows.Close()
	var searches []HashtagSearch
	for rows.Next() {
		var h HashtagSearch
		var searchedAt int64
		if err := rows.Scan(&h.AccountID, &h.Name, &h.HashtagID, &searchedAt); err != nil {
			return nil, fmt.Errorf("list hashtag searches of account %d: %w", accountID, err)
		}
		h.SearchedAt = time.Unix(searchedAt, 0).UTC()
		searches = append(searches, h)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("list hashtag searches of account %d: %w", accountID, err)
	}
	return searches, nil
}

// RecordHashtagSearch adds a ledger row unless the account searched the tag at or after
// h.SearchedAt minus HashtagSearchWindow, so a repeat neither counts again nor resets the
// time. A search after the window has passed is counted again, as Meta counts it. The bound
// is inclusive, like the since bound of HashtagSearches.
func (s *Store) RecordHashtagSearch(ctx context.Context, h HashtagSearch) error {
	if h.Name == "" || h.HashtagID == "" {
		return fmt.Errorf("record hashtag search %q of account %d: name and hashtag id are required", h.Name, h.AccountID)
	}
	at := h.SearchedAt.Unix()
	windowStart := h.SearchedAt.Add(-HashtagSearchWindow).Unix()
	_, err := s.write.ExecContext(ctx, `INSERT INTO hashtag_searches (account_id, name, hashtag_id, searched_at)
		SELECT $1, $2, $3, $4 WHERE NOT EXISTS (
			SELECT 1 FROM hashtag_searches WHERE account_id = $1 AND name = $2 AND searched_at >= $5)`,
		h.AccountID, h.Name, h.HashtagID, at, windowStart)
	if err != nil {
		return fmt.Errorf("record hashtag search %q of account %d: %w", h.Name, h.AccountID, err)
	}
	return nil
}
