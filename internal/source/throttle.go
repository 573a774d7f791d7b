package source

import (
	"errors"
	"log/slog"
	"sync"
	"time"

	"github.com/igsource/igsource/internal/instagram"
)

// maxRateLimitBackoff caps the doubling of the wait after repeated throttling. Meta's own
// estimate (RetryAfter) is honoured even when it is longer, because calling while throttled
// extends the block. The cap is an estimate: Meta documents no retry interval.
const maxRateLimitBackoff = 2 * time.Hour

// throttle records, per account, until when Meta rate limits it. While an account is
// blocked, no query of it calls Instagram.
type throttle struct {
	mu       sync.Mutex
	accounts map[int64]*accountBlock
}

// accountBlock is the rate-limit state of one account.
type accountBlock struct {
	until time.Time     // no upstream call before this instant
	wait  time.Duration // the length of the last block, doubled on repeated throttling
}

func newThrottle() *throttle {
	return &throttle{accounts: map[int64]*accountBlock{}}
}

// blockedUntil returns the end of the account's block when it is blocked at now.
func (t *throttle) blockedUntil(accountID int64, now time.Time) (time.Time, bool) {
	t.mu.Lock()
	defer t.mu.Unlock()
	b := t.accounts[accountID]
	if b == nil || !now.Before(b.until) {
		return time.Time{}, false
	}
	return b.until, true
}

// record starts a block after Meta rate limited a call of the account, and returns its end.
// The wait is Meta's RetryAfter, or DefaultRateLimitBackoff when the error carries none, and
// at least double the previous block when the account was throttled again without a
// success in between. A failure of a call that started before the current block began
// returns that block unchanged, so each block is logged once.
func (t *throttle) record(accountID int64, cause error, now time.Time, logger *slog.Logger) time.Time {
	t.mu.Lock()
	defer t.mu.Unlock()
	b := t.accounts[accountID]
	if b != nil && now.Before(b.until) {
		return b.until
	}
	wait := retryAfter(cause)
	if b != nil {
		wait = max(wait, min(2*b.wait, maxRateLimitBackoff))
	} else {
		b = &accountBlock{}
		t.accounts[accountID] = b
	}
	b.wait, b.until = wait, now.Add(wait)
	logger.Warn("Instagram is rate limiting the account, so its queries make no call until the block ends",
		"account_id", accountID, "retry_at", b.until, "wait", wait, "error", cause)
	return b.until
}

// succeeded clears an account's throttling history once its block has ended, so that the
// next throttling starts from Meta's estimate again.
func (t *throttle) succeeded(accountID int64, now time.Time) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if b := t.accounts[accountID]; b != nil && !now.Before(b.until) {
		delete(t.accounts, accountID)
	}
}

// retryAfter returns the wait that Meta's error err requests before the next call.
func retryAfter(err error) time.Duration {
	if igErr, ok := errors.AsType[*instagram.Error](err); ok && igErr.RetryAfter > 0 {
		return igErr.RetryAfter
	}
	return instagram.DefaultRateLimitBackoff
}
