package store_test

import (
	"errors"
	"testing"
	"time"

	"github.com/igsource/igsource/internal/store"
)

const stateMaxAge = 10 * time.Minute

func TestConsumeOAuthState(t *testing.T) {
	tests := []struct {
		name    string
		state   string
		session string
		at      time.Time
		want    error
	}{
		{"valid", "state-1", "session-a", start.Add(time.Minute), nil},
		{"unknown state", "state-2", "session-a", start.Add(time.Minute), store.ErrOAuthStateUnknown},
		{"other session", "state-1", "session-b", start.Add(time.Minute), store.ErrOAuthStateSession},
		{"too old", "state-1", "session-a", start.Add(stateMaxAge + time.Second), store.ErrOAuthStateExpired},
		{"at max age", "state-1", "session-a", start.Add(stateMaxAge), nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			db := openTestStore(t)
			if err := db.CreateOAuthState(t.Context(), "state-1", "instagram", "session-a", start); err != nil {
				t.Fatalf("CreateOAuthState: %v", err)
			}
			kind, err := db.ConsumeOAuthState(t.Context(), tt.state, tt.session, tt.at, stateMaxAge)
			if !errors.Is(err, tt.want) {
				t.Fatalf("ConsumeOAuthState error = %v, want %v", err, tt.want)
			}
			if tt.want == nil && kind != "instagram" {
				t.Errorf("ConsumeOAuthState kind = %q, want %q", kind, "instagram")
			}
			if tt.want != nil && kind != "" {
				t.Errorf("ConsumeOAuthState returned kind %q with an error", kind)
			}
		})
	}
}

func TestConsumeOAuthStateOnce(t *testing.T) {
	db := openTestStore(t)
	if err := db.CreateOAuthState(t.Context(), "state-1", "facebook", "session-a", start); err != nil {
		t.Fatalf("CreateOAuthState: %v", err)
	}
	if _, err := db.ConsumeOAuthState(t.Context(), "state-1", "session-a", start, stateMaxAge); err != nil {
		t.Fatalf("first ConsumeOAuthState: %v", err)
	}
	_, err := db.ConsumeOAuthState(t.Context(), "state-1", "session-a", start, stateMaxAge)
	if !errors.Is(err, store.ErrOAuthStateUsed) {
		t.Errorf("second ConsumeOAuthState error = %v, want ErrOAuthStateUsed", err)
	}
}

func TestConsumeOAuthStateExpiredIsUsedUp(t *testing.T) {
	db := openTestStore(t)
	if err := db.CreateOAuthState(t.Context(), "state-1", "facebook", "session-a", start); err != nil {
		t.Fatalf("CreateOAuthState: %v", err)
	}
	late := start.Add(time.Hour)
	if _, err := db.ConsumeOAuthState(t.Context(), "state-1", "session-a", late, stateMaxAge); !errors.Is(err, store.ErrOAuthStateExpired) {
		t.Fatalf("ConsumeOAuthState error = %v, want ErrOAuthStateExpired", err)
	}
	if _, err := db.ConsumeOAuthState(t.Context(), "state-1", "session-a", late, 2*time.Hour); !errors.Is(err, store.ErrOAuthStateUsed) {
		t.Errorf("ConsumeOAuthState after expiry error = %v, want ErrOAuthStateUsed", err)
	}
}

func TestOtherSessionLeavesStateUsable(t *testing.T) {
	db := openTestStore(t)
	if err := db.CreateOAuthState(t.Context(), "state-1", "instagram", "session-a", start); err != nil {
		t.Fatalf("CreateOAuthState: %v", err)
	}
	if _, err := db.ConsumeOAuthState(t.Context(), "state-1", "session-b", start, stateMaxAge); !errors.Is(err, store.ErrOAuthStateSession) {
		t.Fatalf("ConsumeOAuthState from another session error = %v, want ErrOAuthStateSession", err)
	}
	if _, err := db.ConsumeOAuthState(t.Context(), "state-1", "session-a", start, stateMaxAge); err != nil {
		t.Errorf("ConsumeOAuthState from the owning session: %v", err)
	}
}

func TestCreateOAuthStateDeletesOldStates(t *testing.T) {
	db := openTestStore(t)
	if err := db.CreateOAuthState(t.Context(), "old", "instagram", "session-a", start); err != nil {
		t.Fatalf("CreateOAuthState(old): %v", err)
	}
	later := start.Add(store.OAuthStateRetention + time.Second)
	if err := db.CreateOAuthState(t.Context(), "new", "instagram", "session-a", later); err != nil {
		t.Fatalf("CreateOAuthState(new): %v", err)
	}
	_, err := db.ConsumeOAuthState(t.Context(), "old", "session-a", later, 48*time.Hour)
	if !errors.Is(err, store.ErrOAuthStateUnknown) {
		t.Errorf("ConsumeOAuthState(old) error = %v, want ErrOAuthStateUnknown", err)
	}
}

func TestCreateOAuthStateRejects(t *testing.T) {
	db := openTestStore(t)
	if err := db.CreateOAuthState(t.Context(), "state-1", "instagram", "session-a", start); err != nil {
		t.Fatalf("CreateOAuthState: %v", err)
	}
	tests := []struct {
		name, state, session string
	}{
		{"duplicate state", "state-1", "session-a"},
		{"empty state", "", "session-a"},
		{"empty session", "state-2", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if err := db.CreateOAuthState(t.Context(), tt.state, "instagram", tt.session, start); err == nil {
				t.Error("CreateOAuthState returned no error")
			}
		})
	}
}
