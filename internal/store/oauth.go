package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"
)

// OAuth state errors. Each one means that the callback must be rejected, and they differ so
// that the log and the message can name the reason.
var (
	ErrOAuthStateUnknown = errors.New("unknown OAuth state")
	ErrOAuthStateUsed    = errors.New("OAuth state already used")
	ErrOAuthStateSession = errors.New("OAuth state belongs to another browser session")
	ErrOAuthStateExpired = errors.New("OAuth state expired")
)

// OAuthStateRetention is how long an OAuth state row is kept before CreateOAuthState deletes
// it. A maxAge given to ConsumeOAuthState beyond it has no effect.
const OAuthStateRetention = 24 * time.Hour

// CreateOAuthState stores a new state for a login of the given kind, started by a browser
// session at at, and deletes states older than OAuthStateRetention.
func (s *Store) CreateOAuthState(ctx context.Context, state, kind, session string, at time.Time) error {
	if state == "" || session == "" {
		return errors.New("create OAuth state: state and session are required")
	}
	return s.inTx(ctx, func(tx *sql.Tx) error {
		cutoff := at.Add(-OAuthStateRetention).Unix()
		if _, err := tx.ExecContext(ctx, "DELETE FROM oauth_states WHERE created_at < $1", cutoff); err != nil {
			return fmt.Errorf("delete old OAuth states: %w", err)
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO oauth_states (state, kind, session, created_at)
			VALUES ($1, $2, $3, $4)`, state, kind, session, at.Unix())
		if isUniqueViolation(err) {
			return fmt.Errorf("create OAuth state: %w", ErrConflict)
		}
		if err != nil {
			return fmt.Errorf("create OAuth state: %w", err)
		}
		return nil
	})
}

// ConsumeOAuthState checks a state returned to the OAuth callback and returns the login kind
// it was created for. A state is used once: a second call returns ErrOAuthStateUsed. An
// unknown state, another session's state and a state older than maxAge return
// ErrOAuthStateUnknown, ErrOAuthStateSession and ErrOAuthStateExpired. A state from another
// session stays usable by its own session, so a forged callback cannot cancel a real login.
func (s *Store) ConsumeOAuthState(ctx context.Context, state, session string, now time.Time, maxAge time.Duration) (string, error) {
	var kind string
	var expired bool
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		var owner string
		var createdAt int64
		var usedAt sql.NullInt64
		err := tx.QueryRowContext(ctx, "SELECT kind, session, created_at, used_at FROM oauth_states WHERE state = $1",
			state).Scan(&kind, &owner, &createdAt, &usedAt)
		switch {
		case errors.Is(err, sql.ErrNoRows):
			return ErrOAuthStateUnknown
		case err != nil:
			return fmt.Errorf("read OAuth state: %w", err)
		case usedAt.Valid:
			return ErrOAuthStateUsed
		case owner != session:
			return ErrOAuthStateSession
		}
		if _, err := tx.ExecContext(ctx, "UPDATE oauth_states SET used_at = $1 WHERE state = $2", now.Unix(), state); err != nil {
			return fmt.Errorf("consume OAuth state: %w", err)
		}
		// An expired state is used up as well, so the error is returned after the commit.
		expired = now.Sub(time.Unix(createdAt, 0)) > maxAge
		return nil
	})
	if err != nil {
		return "", err
	}
	if expired {
		return "", ErrOAuthStateExpired
	}
	return kind, nil
}
