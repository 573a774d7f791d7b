package accounts_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"time"

	"github.com/igsource/igsource/internal/accounts"
	"github.com/igsource/igsource/internal/clock"
	"github.com/igsource/igsource/internal/store"
)

// memStore is an in-memory accounts.Store.
type memStore struct {
	mu       sync.Mutex
	accounts map[int64]store.Account
	nextID   int64
	states   map[string]oauthState
	updates  int
	// consumeErr, when set, is returned by ConsumeOAuthState as a failing database would.
	consumeErr error
	// statusErr, when set, is returned by SetAccountStatus as a failing database would.
	statusErr error
}

type oauthState struct {
	kind, session string
	at            time.Time
	used          bool
}

func newMemStore(list ...store.Account) *memStore {
	s := &memStore{accounts: map[int64]store.Account{}, states: map[string]oauthState{}}
	for _, a := range list {
		s.nextID = max(s.nextID, a.ID)
		s.accounts[a.ID] = a
	}
	return s
}

func (s *memStore) SaveAccount(_ context.Context, a *store.Account) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	for id, old := range s.accounts {
		if old.Kind == a.Kind && old.UserID == a.UserID && old.AppScopedID == a.AppScopedID {
			a.ID = id
		}
	}
	if a.ID == 0 {
		s.nextID++
		a.ID = s.nextID
	}
	s.accounts[a.ID] = *a
	return nil
}

func (s *memStore) Account(_ context.Context, id int64) (*store.Account, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	a, ok := s.accounts[id]
	if !ok {
		return nil, fmt.Errorf("account %d: %w", id, store.ErrNotFound)
	}
	return &a, nil
}

func (s *memStore) ListAccounts(context.Context) ([]store.Account, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	var list []store.Account
	for _, a := range s.accounts {
		list = append(list, a)
	}
	slices.SortFunc(list, func(a, b store.Account) int { return int(a.ID - b.ID) })
	return list, nil
}

func (s *memStore) UpdateAccountToken(_ context.Context, id int64, token string, issuedAt, expiresAt time.Time) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	a, ok := s.accounts[id]
	if !ok {
		return fmt.Errorf("account %d: %w", id, store.ErrNotFound)
	}
	a.Token, a.TokenIssuedAt, a.TokenExpiresAt = token, issuedAt, expiresAt
	a.Status, a.StatusMessage, a.LastRefreshAt = store.StatusActive, "", issuedAt
	s.accounts[id] = a
	s.updates++
	return nil
}

func (s *memStore) SetAccountStatus(_ context.Context, id int64, status store.AccountStatus, message string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.statusErr != nil {
		return s.statusErr
	}
	a, ok := s.accounts[id]
	if !ok {
		return fmt.Errorf("account %d: %w", id, store.ErrNotFound)
	}
	a.Status, a.StatusMessage = status, message
	s.accounts[id] = a
	return nil
}

func (s *memStore) CreateOAuthState(_ context.Context, state, kind, session string, at time.Time) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.states[state] = oauthState{kind: kind, session: session, at: at}
	return nil
}

func (s *memStore) ConsumeOAuthState(_ context.Context, state, session string, now time.Time, maxAge time.Duration) (string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.consumeErr != nil {
		return "", s.consumeErr
	}
	st, ok := s.states[state]
	switch {
	case !ok:
		return "", store.ErrOAuthStateUnknown
	case st.used:
		return "", store.ErrOAuthStateUsed
	case st.session != session:
		return "", store.ErrOAuthStateSession
	}
	st.used = true
	s.states[state] = st
	if now.Sub(st.at) > maxAge {
		return "", store.ErrOAuthStateExpired
	}
	return st.kind, nil
}

func (s *memStore) get(id int64) store.Account {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.accounts[id]
}

// tokenRecord is a token that fakeMeta issued.
type tokenRecord struct {
	issued, expires time.Time
	rejectWith      error // set when the token was revoked
}

// fakeMeta refreshes Instagram Login tokens by Meta's rules: at least 24 hours old, not
// expired, a new token valid expiresIn from the refresh.
type fakeMeta struct {
	accounts.Meta // connect calls are not used by refresher tests

	mu         sync.Mutex
	clock      clock.Clock
	expiresIn  time.Duration
	tokens     map[string]*tokenRecord
	calls      map[string]int // refresh calls by token
	transient  map[string]int // remaining transient failures by token
	violations []string       // refreshes that Meta would have rejected
	issued     int
	usage      int // percentage that UsagePercent returns
}

func (m *fakeMeta) UsagePercent(string) int {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.usage
}

func newFakeMeta(clk clock.Clock) *fakeMeta {
	return &fakeMeta{
		clock:     clk,
		expiresIn: 5183944 * time.Second,
		tokens:    map[string]*tokenRecord{},
		calls:     map[string]int{},
		transient: map[string]int{},
	}
}

func (m *fakeMeta) addToken(token string, issued, expires time.Time) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.tokens[token] = &tokenRecord{issued: issued, expires: expires}
}

func (m *fakeMeta) revoke(token string, err error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.tokens[token].rejectWith = err
}

func (m *fakeMeta) callCount(token string) int {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.calls[token]
}

func (m *fakeMeta) RefreshInstagramToken(_ context.Context, token string) (accounts.Token, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.calls[token]++
	if m.transient[token] > 0 {
		m.transient[token]--
		return accounts.Token{}, fmt.Errorf("code 2, service unavailable: %w", accounts.ErrTransient)
	}
	rec, ok := m.tokens[token]
	now := m.clock.Now()
	switch {
	case !ok:
		return accounts.Token{}, fmt.Errorf("code 190, cannot parse access token: %w", accounts.ErrTokenInvalid)
	case rec.rejectWith != nil:
		return accounts.Token{}, rec.rejectWith
	case !now.Before(rec.expires):
		m.violations = append(m.violations, "refresh of an expired token")
		return accounts.Token{}, fmt.Errorf("code 190 subcode 463: %w", accounts.ErrTokenInvalid)
	case now.Sub(rec.issued) < 24*time.Hour:
		m.violations = append(m.violations, "refresh of a token younger than 24 hours")
		return accounts.Token{}, errors.New("code 100, token too young")
	}
	m.issued++
	next := fmt.Sprintf("IGAA-refreshed-%d", m.issued)
	m.tokens[next] = &tokenRecord{issued: now, expires: now.Add(m.expiresIn)}
	return accounts.Token{AccessToken: next, ExpiresIn: m.expiresIn}, nil
}
