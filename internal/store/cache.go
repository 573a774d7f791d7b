package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"
)

// CacheEntry returns the stored query result under key, expired or not, because the caller
// decides whether to serve it as fresh or stale.
func (s *Store) CacheEntry(ctx context.Context, key string) (*CacheEntry, error) {
	var e CacheEntry
	var fetchedAt, expiresAt int64
	err := s.read.QueryRowContext(ctx, `SELECT cache_key, instance_id, value, fetched_at, expires_at
		FROM query_cache WHERE cache_key = $1`, key).Scan(&e.Key, &e.InstanceID, &e.Value, &fetchedAt, &expiresAt)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("cache entry %q: %w", key, ErrNotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("read cache entry %q: %w", key, err)
	}
	e.FetchedAt = time.Unix(fetchedAt, 0).UTC()
	e.ExpiresAt = time.Unix(expiresAt, 0).UTC()
	return &e, nil
}

// PutCacheEntry stores or replaces the result under e.Key.
func (s *Store) PutCacheEntry(ctx context.Context, e CacheEntry) error {
	if e.Key == "" {
		return errors.New("store cache entry: key is empty")
	}
	value := e.Value
	if value == nil {
		value = []byte{}
	}
	_, err := s.write.ExecContext(ctx, `INSERT INTO query_cache (cache_key, instance_id, value, fetched_at, expires_at)
		VALUES ($1, $2, $3, $4, $5) ON CONFLICT (cache_key) DO UPDATE SET instance_id = excluded.instance_id,
		value = excluded.value, fetched_at = excluded.fetched_at, expires_at = excluded.expires_at`,
		e.Key, e.InstanceID, value, e.FetchedAt.Unix(), e.ExpiresAt.Unix())
	if err != nil {
		return fmt.Errorf("store cache entry %q: %w", e.Key, err)
	}
	return nil
}

// DeleteInstanceCache deletes the cached results of one instance.
func (s *Store) DeleteInstanceCache(ctx context.Context, instanceID int64) error {
	return s.inTx(ctx, func(tx *sql.Tx) error {
		return deleteCacheOf(ctx, tx, instanceID)
	})
}

// PurgeCache deletes every cached result.
func (s *Store) PurgeCache(ctx context.Context) error {
	if _, err := s.write.ExecContext(ctx, "DELETE FROM query_cache"); err != nil {
		return fmt.Errorf("purge cache: %w", err)
	}
	return nil
}

func deleteCacheOf(ctx context.Context, tx *sql.Tx, instanceID int64) error {
	if _, err := tx.ExecContext(ctx, "DELETE FROM query_cache WHERE instance_id = $1", instanceID); err != nil {
		return fmt.Errorf("delete cache of instance %d: %w", instanceID, err)
	}
	return nil
}
