package accounts

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/igsource/igsource/internal/apperr"
	"github.com/igsource/igsource/internal/instagram"
	"github.com/igsource/igsource/internal/store"
)

// fallbackLifetime is used only when a refresh response has no expires_in, which Meta's
// documentation never shows for Instagram Login: refreshed tokens are valid 60 days.
const fallbackLifetime = 60 * 24 * time.Hour

// refreshInPass refreshes one token during a pass and records the outcome in rep.
func (r *Refresher) refreshInPass(ctx context.Context, a *store.Account, rep *Report) {
	err := r.refreshToken(ctx, a)
	switch {
	case err == nil:
		rep.Refreshed = append(rep.Refreshed, a.ID)
	case errors.Is(err, ErrTokenInvalid):
		if r.markRejected(ctx, a, err) {
			rep.NeedsReauth = append(rep.NeedsReauth, a.ID)
		}
	default:
		r.log.Error("Token refresh failed, retrying next pass", "account_id", a.ID,
			"username", a.Username, "error", err)
		rep.Failed = append(rep.Failed, a.ID)
	}
}

// refreshToken calls Meta, retrying transient failures with a doubling delay, and stores the
// new token with its expiry before anything can use it.
func (r *Refresher) refreshToken(ctx context.Context, a *store.Account) error {
	issuedAt := r.clock.Now()
	tok, err := r.callRefresh(ctx, a)
	if err != nil {
		return err
	}
	if tok.AccessToken == "" {
		r.metrics.failures.WithLabelValues(accountLabel(a.ID), "empty_token").Inc()
		return fmt.Errorf("refresh token of account %d: response has no access_token", a.ID)
	}
	lifetime := tok.ExpiresIn
	if lifetime <= 0 {
		lifetime = fallbackLifetime
	}
	expiresAt := issuedAt.Add(lifetime)
	if err := r.store.UpdateAccountToken(ctx, a.ID, tok.AccessToken, issuedAt, expiresAt); err != nil {
		r.metrics.failures.WithLabelValues(accountLabel(a.ID), "store").Inc()
		return fmt.Errorf("refresh token of account %d: store new token: %w", a.ID, err)
	}
	a.Token, a.TokenIssuedAt, a.TokenExpiresAt = tok.AccessToken, issuedAt, expiresAt
	a.Status, a.StatusMessage, a.LastRefreshAt = store.StatusActive, "", issuedAt
	r.metrics.observeExpiry(a, issuedAt)
	r.log.Info("Token refreshed", "account_id", a.ID, "username", a.Username,
		"expires_at", expiresAt.UTC().Format(time.RFC3339))
	return nil
}

func (r *Refresher) callRefresh(ctx context.Context, a *store.Account) (Token, error) {
	delay := r.retryDelay
	for attempt := 1; ; attempt++ {
		tok, err := r.meta.RefreshInstagramToken(ctx, a.Token)
		if err == nil {
			return tok, nil
		}
		r.metrics.failures.WithLabelValues(accountLabel(a.ID), failureReason(err)).Inc()
		if !errors.Is(err, ErrTransient) || attempt >= r.attempts {
			return Token{}, fmt.Errorf("refresh token of account %d: %w", a.ID, err)
		}
		r.log.Warn("Token refresh failed, retrying", "account_id", a.ID, "attempt", attempt,
			"retry_in", delay.String(), "error", err)
		if err := sleep(ctx, delay); err != nil {
			return Token{}, fmt.Errorf("refresh token of account %d: %w", a.ID, err)
		}
		delay *= 2
	}
}

func failureReason(err error) string {
	switch {
	case errors.Is(err, ErrTokenInvalid):
		return "token_invalid"
	case errors.Is(err, ErrTransient):
		return "transient"
	default:
		return "other"
	}
}

func sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// markExpired marks an account whose token expired by the clock. The token is not sent to
// Meta, which would reject it with code 190.
func (r *Refresher) markExpired(ctx context.Context, a *store.Account, rep *Report) {
	msg := fmt.Sprintf("The access token expired on %s. Connect the account again.",
		a.TokenExpiresAt.UTC().Format(time.RFC3339))
	if r.setNeedsReauth(ctx, a, msg) {
		rep.NeedsReauth = append(rep.NeedsReauth, a.ID)
	}
}

// markRejected marks an account whose token Meta rejected, and reports whether it stored the
// mark. Meta's message may carry a date ("Session has expired on …"), which is logged as text
// and never parsed.
func (r *Refresher) markRejected(ctx context.Context, a *store.Account, cause error) bool {
	r.log.Warn("Meta rejected the access token", "account_id", a.ID, "error", cause)
	return r.setNeedsReauth(ctx, a, "Meta rejected the access token (revoked, expired or the password "+
		"changed). Connect the account again.")
}

// setNeedsReauth stores the state change and logs it once; it reports whether it stored it.
func (r *Refresher) setNeedsReauth(ctx context.Context, a *store.Account, msg string) bool {
	if err := r.store.SetAccountStatus(ctx, a.ID, store.StatusNeedsReauth, msg); err != nil {
		r.log.Error("Storing account status failed", "account_id", a.ID, "error", err)
		return false
	}
	a.Status, a.StatusMessage = store.StatusNeedsReauth, msg
	r.log.Warn("Account needs to be connected again", "account_id", a.ID, "username", a.Username,
		"kind", string(a.Kind), "reason", msg)
	return true
}

// warnNearExpiry warns once about a Facebook Login token within the margin of expiry: Meta
// has no refresh grant for Facebook user tokens, so only a new login extends them. The
// warning is kept as the status message, which makes it once per token across restarts.
func (r *Refresher) warnNearExpiry(ctx context.Context, a *store.Account, now time.Time, rep *Report) {
	if a.TokenExpiresAt.IsZero() || a.TokenExpiresAt.Sub(now) > r.margin {
		return
	}
	msg := fmt.Sprintf("The Facebook access token expires on %s and Facebook Login tokens cannot "+
		"be refreshed. Connect the account again before then.", a.TokenExpiresAt.UTC().Format(time.RFC3339))
	if a.StatusMessage == msg {
		return
	}
	if err := r.store.SetAccountStatus(ctx, a.ID, store.StatusActive, msg); err != nil {
		r.log.Error("Storing account status failed", "account_id", a.ID, "error", err)
		return
	}
	a.StatusMessage = msg
	r.log.Warn("Facebook access token expires soon", "account_id", a.ID, "username", a.Username,
		"expires_at", a.TokenExpiresAt.UTC().Format(time.RFC3339))
	rep.Warned = append(rep.Warned, a.ID)
}

// RefreshAccount refreshes one Instagram Login token now, whatever the margin. Errors are
// *apperr.Error values whose message names the next step.
func (r *Refresher) RefreshAccount(ctx context.Context, id int64) (*store.Account, error) {
	r.mu.Lock()
	defer r.mu.Unlock()

	a, err := r.store.Account(ctx, id)
	if errors.Is(err, store.ErrNotFound) {
		return nil, accountNotFound(id, err)
	}
	if err != nil {
		return nil, fmt.Errorf("refresh account %d: %w", id, err)
	}
	now := r.clock.Now()
	if err := r.checkRefreshable(ctx, a, now); err != nil {
		return nil, err
	}
	err = r.refreshToken(ctx, a)
	switch {
	case err == nil:
		return a, nil
	case errors.Is(err, store.ErrNotFound):
		// The account was removed while Meta refreshed its token.
		return nil, accountNotFound(id, err)
	case errors.Is(err, ErrTokenInvalid):
		r.markRejected(ctx, a, err)
		return nil, apperr.Wrap(err, apperr.NeedsReauth,
			"Meta rejected the access token of account %q; connect it again", a.Username)
	default:
		return nil, apperr.Wrap(err, apperr.Upstream,
			"refreshing the access token of account %q failed; try again later", a.Username)
	}
}

// checkRefreshable returns an *apperr.Error when Meta would not refresh the account's token.
func (r *Refresher) checkRefreshable(ctx context.Context, a *store.Account, now time.Time) error {
	switch {
	case a.Kind != instagram.KindInstagram:
		return apperr.New(apperr.Invalid, "account %q uses Facebook Login, whose tokens cannot be "+
			"refreshed; connect it again to get a new token", a.Username)
	case a.Status == store.StatusNeedsReauth:
		return apperr.New(apperr.NeedsReauth, "account %q needs to be connected again: %s",
			a.Username, a.StatusMessage)
	case !a.TokenExpiresAt.IsZero() && !now.Before(a.TokenExpiresAt):
		var rep Report
		r.markExpired(ctx, a, &rep)
		return apperr.New(apperr.NeedsReauth, "the access token of account %q expired on %s; "+
			"connect it again", a.Username, a.TokenExpiresAt.UTC().Format(time.RFC3339))
	case !a.TokenIssuedAt.IsZero() && now.Sub(a.TokenIssuedAt) < minRefreshAge:
		return apperr.New(apperr.Invalid, "the access token of account %q is younger than 24 hours "+
			"and Meta refreshes only older tokens; try again after %s", a.Username,
			a.TokenIssuedAt.Add(minRefreshAge).UTC().Format(time.RFC3339))
	}
	return nil
}

func accountNotFound(id int64, err error) error {
	return apperr.Wrap(err, apperr.NotFound, "account %d not found: list the connected accounts "+
		"with igsource accounts list or GET /admin/api/accounts", id)
}
