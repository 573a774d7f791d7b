package accounts

import (
	"context"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/igsource/igsource/internal/clock"
	"github.com/igsource/igsource/internal/instagram"
	"github.com/igsource/igsource/internal/store"
)

// Defaults of RefresherOptions.
const (
	// DefaultRefreshMargin is how long before expiry a token is refreshed or, for Facebook
	// Login, its owner is warned. A week leaves room for days of failed passes.
	DefaultRefreshMargin = 7 * 24 * time.Hour
	// DefaultRefreshInterval is the time between two passes of Run.
	DefaultRefreshInterval = time.Hour
	// DefaultRefreshAttempts bounds the calls made for one refresh that fails transiently.
	DefaultRefreshAttempts = 3
	// DefaultRetryDelay is the wait before the first retry; each later retry waits twice as long.
	DefaultRetryDelay = 2 * time.Second
	// DefaultHoldBackPercent is the rate-limit usage at which refreshes that can wait are held
	// back. Meta throttles at 100%, and calling while throttled extends the block.
	DefaultHoldBackPercent = 90
)

// urgentWithin is the time before expiry within which a token is refreshed even while usage is high.
const urgentWithin = 24 * time.Hour

// minRefreshAge is Meta's rule for Instagram Login tokens: a token is refreshed only when it
// is at least 24 hours old (and not expired).
const minRefreshAge = 24 * time.Hour

// RefresherOptions configure a Refresher. Zero durations and counts take the defaults above.
type RefresherOptions struct {
	Store      Store
	Meta       Meta
	Clock      clock.Clock           // nil means clock.System
	Logger     *slog.Logger          // nil discards
	Registerer prometheus.Registerer // nil registers no metrics
	Margin     time.Duration
	Interval   time.Duration
	Attempts   int
	RetryDelay time.Duration
	// HoldBackPercent is the usage percentage at which refreshes that can wait are held back,
	// when Meta implements UsageReporter.
	HoldBackPercent int
}

// Refresher keeps Instagram Login tokens alive by refreshing them ahead of expiry, and marks
// accounts whose token can no longer be used as needing reconnection.
type Refresher struct {
	store      Store
	meta       Meta
	clock      clock.Clock
	log        *slog.Logger
	metrics    *metrics
	margin     time.Duration
	interval   time.Duration
	attempts   int
	retryDelay time.Duration
	holdBackAt int

	// mu serialises passes and single refreshes, so that no token is refreshed twice at once.
	mu sync.Mutex
}

// Report summarises one pass over the accounts; each list holds account ids.
type Report struct {
	Checked     int
	Refreshed   []int64
	NeedsReauth []int64 // marked as needing reconnection in this pass
	Warned      []int64 // Facebook Login tokens close to expiry, warned in this pass
	Failed      []int64 // failures that leave the token usable; retried next pass
	HeldBack    []int64 // refreshes deferred while Meta reported high usage
}

// NewRefresher returns a Refresher. It fails when a metric cannot be registered.
func NewRefresher(opts RefresherOptions) (*Refresher, error) {
	m, err := newMetrics(opts.Registerer)
	if err != nil {
		return nil, err
	}
	r := &Refresher{
		store:      opts.Store,
		meta:       opts.Meta,
		clock:      opts.Clock,
		log:        opts.Logger,
		metrics:    m,
		margin:     orDefault(opts.Margin, DefaultRefreshMargin),
		interval:   orDefault(opts.Interval, DefaultRefreshInterval),
		attempts:   opts.Attempts,
		retryDelay: orDefault(opts.RetryDelay, DefaultRetryDelay),
		holdBackAt: opts.HoldBackPercent,
	}
	if r.holdBackAt <= 0 {
		r.holdBackAt = DefaultHoldBackPercent
	}
	if r.attempts <= 0 {
		r.attempts = DefaultRefreshAttempts
	}
	if r.clock == nil {
		r.clock = clock.System
	}
	if r.log == nil {
		r.log = slog.New(slog.DiscardHandler)
	}
	return r, nil
}

func orDefault(d, def time.Duration) time.Duration {
	if d <= 0 {
		return def
	}
	return d
}

// Run makes a pass at once and then every interval until ctx ends.
func (r *Refresher) Run(ctx context.Context) {
	r.log.Info("Token refresher started", "interval", r.interval.String(), "margin", r.margin.String())
	ticker := time.NewTicker(r.interval)
	defer ticker.Stop()
	for {
		if _, err := r.RefreshDue(ctx); err != nil && ctx.Err() == nil {
			r.log.Error("Token refresh pass failed", "error", err)
		}
		select {
		case <-ctx.Done():
			r.log.Info("Token refresher stopped")
			return
		case <-ticker.C:
		}
	}
}

// RefreshDue makes one pass: it refreshes each Instagram Login token that is within the
// margin of expiry and at least 24 hours old, marks expired or rejected tokens as needing
// reconnection and warns about Facebook Login tokens close to expiry. A failure of one
// account never stops the others; the error is only for a failure to list the accounts.
func (r *Refresher) RefreshDue(ctx context.Context) (Report, error) {
	r.mu.Lock()
	defer r.mu.Unlock()

	list, err := r.store.ListAccounts(ctx)
	if err != nil {
		return Report{}, fmt.Errorf("refresh tokens: list accounts: %w", err)
	}
	r.metrics.expiry.Reset()
	var rep Report
	for i := range list {
		if ctx.Err() != nil {
			return rep, ctx.Err()
		}
		rep.Checked++
		r.checkIsolated(ctx, &list[i], &rep)
	}
	return rep, nil
}

// checkIsolated checks one account and turns a panic into a logged failure, so that a bad
// row cannot stop the pass.
func (r *Refresher) checkIsolated(ctx context.Context, a *store.Account, rep *Report) {
	defer func() {
		if p := recover(); p != nil {
			r.log.Error("Token check panicked", "account_id", a.ID, "error", fmt.Sprint(p))
			rep.Failed = append(rep.Failed, a.ID)
		}
	}()
	r.check(ctx, a, rep)
}

func (r *Refresher) check(ctx context.Context, a *store.Account, rep *Report) {
	now := r.clock.Now()
	r.metrics.observeExpiry(a, now)
	if a.Status == store.StatusNeedsReauth {
		return // Meta will not take this token again; only a reconnect helps
	}
	if !a.TokenExpiresAt.IsZero() && !now.Before(a.TokenExpiresAt) {
		r.markExpired(ctx, a, rep)
		return
	}
	switch a.Kind {
	case instagram.KindInstagram:
		if !r.refreshIsDue(a, now) {
			return
		}
		if r.holdBack(a, now) {
			rep.HeldBack = append(rep.HeldBack, a.ID)
			return
		}
		r.refreshInPass(ctx, a, rep)
	case instagram.KindFacebook:
		r.warnNearExpiry(ctx, a, now, rep)
	default:
		r.log.Warn("Account has an unknown login kind", "account_id", a.ID, "kind", string(a.Kind))
	}
}

// refreshIsDue reports whether an unexpired Instagram Login token should be refreshed now. A
// token without a known expiry (imported by hand) is refreshed once it is old enough, and the
// response sets its expiry.
func (r *Refresher) refreshIsDue(a *store.Account, now time.Time) bool {
	if !a.TokenIssuedAt.IsZero() && now.Sub(a.TokenIssuedAt) < minRefreshAge {
		return false
	}
	return a.TokenExpiresAt.IsZero() || a.TokenExpiresAt.Sub(now) <= r.margin
}

// holdBack reports whether a due refresh should wait for a later pass because Meta reported
// high usage. A token within a day of expiry is refreshed regardless.
func (r *Refresher) holdBack(a *store.Account, now time.Time) bool {
	reporter, ok := r.meta.(UsageReporter)
	if !ok || (!a.TokenExpiresAt.IsZero() && a.TokenExpiresAt.Sub(now) <= urgentWithin) {
		return false
	}
	usage := reporter.UsagePercent(a.UserID)
	if usage < r.holdBackAt {
		return false
	}
	r.log.Info("Token refresh held back while Meta reports high usage", "account_id", a.ID,
		"usage_percent", usage, "expires_at", formatTime(a.TokenExpiresAt))
	return true
}
