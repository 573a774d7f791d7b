package accounts_test

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/igsource/igsource/internal/accounts"
	"github.com/igsource/igsource/internal/apperr"
	"github.com/igsource/igsource/internal/clock"
	"github.com/igsource/igsource/internal/instagram"
	"github.com/igsource/igsource/internal/store"
	"github.com/igsource/igsource/internal/testutil"
)

func date(s string) time.Time {
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		panic(err)
	}
	return t
}

type refresherEnv struct {
	clock *clock.Fake
	store *memStore
	meta  *fakeMeta
	logs  *testutil.SyncBuffer
	reg   *prometheus.Registry
	r     *accounts.Refresher
}

func newRefresherEnv(t *testing.T, now time.Time, list ...store.Account) *refresherEnv {
	t.Helper()
	env := &refresherEnv{clock: clock.NewFake(now), store: newMemStore(list...), logs: &testutil.SyncBuffer{},
		reg: prometheus.NewRegistry()}
	env.meta = newFakeMeta(env.clock)
	for _, a := range list {
		env.meta.addToken(a.Token, a.TokenIssuedAt, a.TokenExpiresAt)
	}
	r, err := accounts.NewRefresher(accounts.RefresherOptions{
		Store: env.store, Meta: env.meta, Clock: env.clock, Registerer: env.reg,
		Logger:     slog.New(slog.NewTextHandler(env.logs, nil)),
		RetryDelay: time.Nanosecond,
	})
	if err != nil {
		t.Fatalf("NewRefresher: %v", err)
	}
	env.r = r
	return env
}

func igAccount(id int64, token string, issued, expires time.Time) store.Account {
	return store.Account{ID: id, Kind: instagram.KindInstagram, UserID: fmt.Sprintf("1784100000000%04d", id),
		Username: fmt.Sprintf("user%d", id), Token: token, TokenIssuedAt: issued, TokenExpiresAt: expires,
		Status: store.StatusActive}
}

func TestRefreshDueSchedule(t *testing.T) {
	issued, expires := date("2024-01-01T00:00:00Z"), date("2024-03-01T00:00:00Z")
	tests := []struct {
		name        string
		now         string
		wantCalls   int
		wantStatus  store.AccountStatus
		wantExpires time.Time
	}{
		{"younger than 24 hours", "2024-01-01T12:00:00Z", 0, store.StatusActive, expires},
		{"outside the margin", "2024-02-20T23:59:59Z", 0, store.StatusActive, expires},
		{"within the margin", "2024-02-23T00:00:01Z", 1, store.StatusActive, date("2024-04-22T23:59:05Z")},
		{"already expired", "2024-03-01T00:00:00Z", 0, store.StatusNeedsReauth, expires},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			env := newRefresherEnv(t, date(tt.now), igAccount(1, "IGAA-old", issued, expires))
			if _, err := env.r.RefreshDue(t.Context()); err != nil {
				t.Fatalf("RefreshDue: %v", err)
			}
			if got := env.meta.callCount("IGAA-old"); got != tt.wantCalls {
				t.Errorf("refresh calls = %d, want %d", got, tt.wantCalls)
			}
			got := env.store.get(1)
			if got.Status != tt.wantStatus {
				t.Errorf("status = %q, want %q", got.Status, tt.wantStatus)
			}
			if !got.TokenExpiresAt.Equal(tt.wantExpires) {
				t.Errorf("expires at = %v, want %v", got.TokenExpiresAt, tt.wantExpires)
			}
		})
	}
}

func TestRefreshDueExpiryFromExpiresIn(t *testing.T) {
	env := newRefresherEnv(t, date("2024-02-20T00:00:00Z"),
		igAccount(1, "IGAA-old", date("2024-01-01T00:00:00Z"), date("2024-03-01T00:00:00Z")))
	env.r = mustRefresher(t, env, 10*24*time.Hour)

	rep, err := env.r.RefreshDue(t.Context())
	if err != nil {
		t.Fatalf("RefreshDue: %v", err)
	}
	if diff := cmp.Diff([]int64{1}, rep.Refreshed); diff != "" {
		t.Errorf("refreshed accounts (-want +got):\n%s", diff)
	}
	got := env.store.get(1)
	if want := date("2024-04-19T23:59:04Z"); !got.TokenExpiresAt.Equal(want) {
		t.Errorf("expires at = %v, want %v (refresh time plus expires_in 5183944 s)", got.TokenExpiresAt, want)
	}
	if got.Token != "IGAA-refreshed-1" {
		t.Errorf("stored token = %q, want the refreshed token", got.Token)
	}
	if !got.TokenIssuedAt.Equal(date("2024-02-20T00:00:00Z")) {
		t.Errorf("issued at = %v, want the refresh time", got.TokenIssuedAt)
	}
}

func mustRefresher(t *testing.T, env *refresherEnv, margin time.Duration) *accounts.Refresher {
	t.Helper()
	r, err := accounts.NewRefresher(accounts.RefresherOptions{
		Store: env.store, Meta: env.meta, Clock: env.clock, Margin: margin,
		Logger: slog.New(slog.NewTextHandler(env.logs, nil)), RetryDelay: time.Nanosecond,
	})
	if err != nil {
		t.Fatalf("NewRefresher: %v", err)
	}
	return r
}

func TestRefreshDueIsolatesRejectedToken(t *testing.T) {
	rejected := fmt.Errorf("Error validating access token: The session has been invalidated because "+
		"the user changed their password. (code 190, subcode 460): %w", accounts.ErrTokenInvalid)
	issued, expires := date("2024-01-01T00:00:00Z"), date("2024-03-01T00:00:00Z")
	for failing := range int64(3) {
		t.Run(fmt.Sprintf("failing account at position %d", failing), func(t *testing.T) {
			env := newRefresherEnv(t, date("2024-02-25T00:00:00Z"),
				igAccount(1, "IGAA-1", issued, expires),
				igAccount(2, "IGAA-2", issued, expires),
				igAccount(3, "IGAA-3", issued, expires))
			badToken := fmt.Sprintf("IGAA-%d", failing+1)
			env.meta.revoke(badToken, rejected)

			rep, err := env.r.RefreshDue(t.Context())
			if err != nil {
				t.Fatalf("RefreshDue: %v", err)
			}
			if diff := cmp.Diff([]int64{failing + 1}, rep.NeedsReauth); diff != "" {
				t.Errorf("accounts marked (-want +got):\n%s", diff)
			}
			if got := len(rep.Refreshed); got != 2 {
				t.Errorf("refreshed %d accounts, want the other 2", got)
			}
			if got := env.store.get(failing + 1).Status; got != store.StatusNeedsReauth {
				t.Errorf("failing account status = %q, want needs_reauth", got)
			}

			env.clock.Advance(time.Hour)
			if _, err := env.r.RefreshDue(t.Context()); err != nil {
				t.Fatalf("second RefreshDue: %v", err)
			}
			if got := env.meta.callCount(badToken); got != 1 {
				t.Errorf("rejected token sent %d times, want once", got)
			}
		})
	}
}

func TestRefreshDueSessionExpiredSubcodeZero(t *testing.T) {
	env := newRefresherEnv(t, date("2025-12-01T12:00:00Z"),
		igAccount(1, "IGAA-1", date("2025-10-20T00:00:00Z"), date("2025-12-05T00:00:00Z")))
	env.meta.revoke("IGAA-1", fmt.Errorf("Error validating access token: Session has expired on Monday, "+
		"01-Dec-25 11:00:00 PST (code 190, subcode 0): %w", accounts.ErrTokenInvalid))

	if _, err := env.r.RefreshDue(t.Context()); err != nil {
		t.Fatalf("RefreshDue: %v", err)
	}
	got := env.store.get(1)
	if got.Status != store.StatusNeedsReauth {
		t.Errorf("status = %q, want needs_reauth", got.Status)
	}
	if !got.TokenExpiresAt.Equal(date("2025-12-05T00:00:00Z")) {
		t.Errorf("expires at = %v, want it unchanged by the date in the message", got.TokenExpiresAt)
	}
	if !strings.Contains(env.logs.String(), "01-Dec-25 11:00:00 PST") {
		t.Errorf("log does not carry Meta's message:\n%s", env.logs.String())
	}
}

func TestRefreshDueRetriesTransientFailures(t *testing.T) {
	issued, expires := date("2024-01-01T00:00:00Z"), date("2024-03-01T00:00:00Z")
	tests := []struct {
		name          string
		failures      int
		wantCalls     int
		wantRefreshed bool
	}{
		{"recovers on the third call", 2, 3, true},
		{"gives up after three calls", 5, 3, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			env := newRefresherEnv(t, date("2024-02-25T00:00:00Z"), igAccount(1, "IGAA-1", issued, expires))
			env.meta.transient["IGAA-1"] = tt.failures

			rep, err := env.r.RefreshDue(t.Context())
			if err != nil {
				t.Fatalf("RefreshDue: %v", err)
			}
			if got := env.meta.callCount("IGAA-1"); got != tt.wantCalls {
				t.Errorf("calls = %d, want %d", got, tt.wantCalls)
			}
			if got := len(rep.Refreshed) == 1; got != tt.wantRefreshed {
				t.Errorf("refreshed = %v, want %v", got, tt.wantRefreshed)
			}
			if got := env.store.get(1).Status; got != store.StatusActive {
				t.Errorf("status = %q, want active after a transient failure", got)
			}
		})
	}
}

func TestRefreshDueWarnsOncePerStateChange(t *testing.T) {
	fb := store.Account{ID: 2, Kind: instagram.KindFacebook, Username: "business", Token: "EAA-1",
		TokenIssuedAt: date("2024-01-01T00:00:00Z"), TokenExpiresAt: date("2024-03-01T00:00:00Z"),
		Status: store.StatusActive}
	env := newRefresherEnv(t, date("2024-02-25T00:00:00Z"),
		igAccount(1, "IGAA-1", date("2024-01-01T00:00:00Z"), date("2024-02-26T00:00:00Z")), fb)
	env.meta.revoke("IGAA-1", fmt.Errorf("code 190 subcode 460: %w", accounts.ErrTokenInvalid))

	var reports []accounts.Report
	for range 48 {
		rep, err := env.r.RefreshDue(t.Context())
		if err != nil {
			t.Fatalf("RefreshDue: %v", err)
		}
		reports = append(reports, rep)
		env.clock.Advance(6 * time.Hour)
	}
	logs := env.logs.String()
	if got := strings.Count(logs, "Account needs to be connected again"); got != 2 {
		t.Errorf("needs-reconnection warnings = %d, want 2 (one per account)\n%s", got, logs)
	}
	if got := strings.Count(logs, "Facebook access token expires soon"); got != 1 {
		t.Errorf("expiry warnings = %d, want 1", got)
	}
	if diff := cmp.Diff([]int64{2}, reports[0].Warned); diff != "" {
		t.Errorf("first pass warned (-want +got):\n%s", diff)
	}
	if got := env.store.get(2).Status; got != store.StatusNeedsReauth {
		t.Errorf("expired Facebook account status = %q, want needs_reauth", got)
	}
	if got := env.meta.callCount("EAA-1"); got != 0 {
		t.Errorf("Facebook token sent to refresh %d times, want never", got)
	}
}

func TestRefreshDueMetrics(t *testing.T) {
	env := newRefresherEnv(t, date("2024-02-25T00:00:00Z"),
		igAccount(1, "IGAA-1", date("2024-01-01T00:00:00Z"), date("2024-03-01T00:00:00Z")),
		igAccount(2, "IGAA-2", date("2024-02-24T12:00:00Z"), date("2024-04-24T12:00:00Z")))
	env.meta.transient["IGAA-1"] = 1

	if _, err := env.r.RefreshDue(t.Context()); err != nil {
		t.Fatalf("RefreshDue: %v", err)
	}
	want := map[string]float64{
		`igsource_account_token_expiry_seconds{account_id="1",kind="instagram"}`:           5183944,
		`igsource_account_token_expiry_seconds{account_id="2",kind="instagram"}`:           5140800, // 59.5 days
		`igsource_account_token_refresh_failures_total{account_id="1",reason="transient"}`: 1,
	}
	if diff := cmp.Diff(want, gatherMetrics(t, env.reg)); diff != "" {
		t.Errorf("metrics (-want +got):\n%s", diff)
	}
}

// gatherMetrics returns each gauge and counter sample keyed by name{labels}.
func gatherMetrics(t *testing.T, reg *prometheus.Registry) map[string]float64 {
	t.Helper()
	families, err := reg.Gather()
	if err != nil {
		t.Fatalf("gather metrics: %v", err)
	}
	got := map[string]float64{}
	for _, f := range families {
		for _, m := range f.GetMetric() {
			var labels []string
			for _, l := range m.GetLabel() {
				labels = append(labels, fmt.Sprintf("%s=%q", l.GetName(), l.GetValue()))
			}
			key := f.GetName() + "{" + strings.Join(labels, ",") + "}"
			switch {
			case m.GetGauge() != nil:
				got[key] = m.GetGauge().GetValue()
			case m.GetCounter() != nil:
				got[key] = m.GetCounter().GetValue()
			}
		}
	}
	return got
}

func TestRefreshAccount(t *testing.T) {
	issued, expires := date("2024-01-01T00:00:00Z"), date("2024-03-01T00:00:00Z")
	fb := store.Account{ID: 2, Kind: instagram.KindFacebook, Username: "business", Token: "EAA-1",
		TokenIssuedAt: issued, TokenExpiresAt: expires, Status: store.StatusActive}
	tests := []struct {
		name     string
		now      string
		id       int64
		wantCode apperr.Code // empty for success
	}{
		{"outside the margin", "2024-01-10T00:00:00Z", 1, ""},
		{"younger than 24 hours", "2024-01-01T23:00:00Z", 1, apperr.Invalid},
		{"expired", "2024-03-02T00:00:00Z", 1, apperr.NeedsReauth},
		{"facebook login", "2024-01-10T00:00:00Z", 2, apperr.Invalid},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			env := newRefresherEnv(t, date(tt.now), igAccount(1, "IGAA-1", issued, expires), fb)
			_, err := env.r.RefreshAccount(t.Context(), tt.id)
			if tt.wantCode == "" {
				if err != nil {
					t.Fatalf("RefreshAccount: %v", err)
				}
				if got := env.store.get(tt.id).Token; got != "IGAA-refreshed-1" {
					t.Errorf("stored token = %q, want the refreshed one", got)
				}
				return
			}
			if got := apperr.CodeOf(err); got != tt.wantCode {
				t.Errorf("error code = %q, want %q (error %v)", got, tt.wantCode, err)
			}
		})
	}
}

// TestRefreshDueSimulatedYear runs daily passes for a year over 20 accounts of random ages,
// one of which is revoked on day 100: no token may expire and Meta's refresh rules hold.
func TestRefreshDueSimulatedYear(t *testing.T) {
	start := date("2025-01-01T00:00:00Z")
	rng := rand.New(rand.NewPCG(2025, 1))
	var list []store.Account
	for id := int64(1); id <= 20; id++ {
		age := time.Duration(rng.Int64N(int64(50*24*time.Hour))) + time.Hour
		issued := start.Add(-age)
		list = append(list, igAccount(id, fmt.Sprintf("IGAA-start-%d", id), issued, issued.Add(60*24*time.Hour)))
	}
	env := newRefresherEnv(t, start, list...)
	const revoked = int64(7)

	for day := range 365 {
		if day == 100 {
			env.meta.revoke(env.store.get(revoked).Token,
				fmt.Errorf("code 190 subcode 460: %w", accounts.ErrTokenInvalid))
		}
		if _, err := env.r.RefreshDue(t.Context()); err != nil {
			t.Fatalf("day %d: RefreshDue: %v", day, err)
		}
		now := env.clock.Now()
		for id := int64(1); id <= 20; id++ {
			a := env.store.get(id)
			if id == revoked && day >= 100 {
				continue
			}
			if !now.Before(a.TokenExpiresAt) || a.Status != store.StatusActive {
				t.Fatalf("day %d: account %d status %q, token expires %v", day, id, a.Status, a.TokenExpiresAt)
			}
		}
		env.clock.Advance(24 * time.Hour)
	}
	if diff := cmp.Diff([]string(nil), env.meta.violations); diff != "" {
		t.Errorf("refreshes Meta would reject (-want +got):\n%s", diff)
	}
	if got := env.store.get(revoked).Status; got != store.StatusNeedsReauth {
		t.Errorf("revoked account status = %q, want needs_reauth", got)
	}
	for _, a := range list {
		if strings.Contains(env.logs.String(), a.Token) {
			t.Errorf("log contains the token of account %d", a.ID)
		}
	}
	if strings.Contains(env.logs.String(), "IGAA-refreshed") {
		t.Error("log contains a refreshed token")
	}
}

func TestRunPassesUntilCancelled(t *testing.T) {
	env := newRefresherEnv(t, date("2024-02-25T00:00:00Z"),
		igAccount(1, "IGAA-1", date("2024-01-01T00:00:00Z"), date("2024-03-01T00:00:00Z")))
	ctx, cancel := context.WithCancel(t.Context())
	done := make(chan struct{})
	go func() {
		env.r.Run(ctx)
		close(done)
	}()
	// The first pass runs at once; the refreshed token shows it happened.
	for env.store.get(1).Token == "IGAA-1" {
		time.Sleep(time.Millisecond)
	}
	cancel()
	<-done
	if !strings.Contains(env.logs.String(), "Token refresher stopped") {
		t.Errorf("log has no stop message:\n%s", env.logs.String())
	}
}

func TestRefreshDueHoldsBackAtHighUsage(t *testing.T) {
	tests := []struct {
		name         string
		usage        int
		expires      string
		wantHeldBack bool
	}{
		{"high usage", 95, "2024-03-01T00:00:00Z", true},
		{"high usage close to expiry", 95, "2024-02-25T20:00:00Z", false},
		{"normal usage", 50, "2024-03-01T00:00:00Z", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			env := newRefresherEnv(t, date("2024-02-25T00:00:00Z"),
				igAccount(1, "IGAA-1", date("2024-01-01T00:00:00Z"), date(tt.expires)))
			env.meta.usage = tt.usage

			rep, err := env.r.RefreshDue(t.Context())
			if err != nil {
				t.Fatalf("RefreshDue: %v", err)
			}
			if got := len(rep.HeldBack) == 1; got != tt.wantHeldBack {
				t.Errorf("held back = %v, want %v", got, tt.wantHeldBack)
			}
			wantCalls := 1
			if tt.wantHeldBack {
				wantCalls = 0
			}
			if got := env.meta.callCount("IGAA-1"); got != wantCalls {
				t.Errorf("refresh calls = %d, want %d", got, wantCalls)
			}
		})
	}
}

// A rejected token whose new status the store fails to save is not reported as marked, as
// with an expired token, because the account stays active until a later pass marks it.
func TestRefreshDueRejectedStatusNotStored(t *testing.T) {
	rejected := fmt.Errorf("Error validating access token (code 190): %w", accounts.ErrTokenInvalid)
	env := newRefresherEnv(t, date("2024-02-25T00:00:00Z"),
		igAccount(1, "IGAA-1", date("2024-01-01T00:00:00Z"), date("2024-03-01T00:00:00Z")))
	env.meta.revoke("IGAA-1", rejected)
	env.store.statusErr = errors.New("database is locked")

	rep, err := env.r.RefreshDue(t.Context())
	if err != nil {
		t.Fatalf("RefreshDue: %v", err)
	}
	if len(rep.NeedsReauth) != 0 {
		t.Errorf("accounts reported as marked = %v, want none", rep.NeedsReauth)
	}
	if got := env.store.get(1).Status; got != store.StatusActive {
		t.Errorf("status = %q, want %q", got, store.StatusActive)
	}
}
