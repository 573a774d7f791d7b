package media

import (
	"context"
	"sync"
)

// HoldBackPercent is the Meta API usage, in percent of the tightest limit, at or above which
// Prefetch leaves an account's files for later. Meta throttles at 100 %, and visitors'
// requests still need the rest.
const HoldBackPercent = 90

// UsageMeter reports how much of Meta's rate limits an account has used, as the latest
// responses for it reported. A Resolver that also implements UsageMeter, as the source
// layer's Service does, lets Prefetch hold back.
type UsageMeter interface {
	// UsagePercent returns the highest usage Meta reported for the account, in percent of a
	// limit, or 0 when none was reported.
	UsagePercent(ctx context.Context, accountID int64) (int, error)
}

// usageGate decides, once per file, whether Prefetch holds back an account's files, and logs
// each held-back account once.
type usageGate struct {
	store *Store
	meter UsageMeter // nil holds nothing back

	mu         sync.Mutex
	logged     map[int64]bool // accounts whose hold-back was logged
	readFailed map[int64]bool // accounts whose failed usage read was logged
}

func (s *Store) newUsageGate() *usageGate {
	meter, _ := s.currentResolver().(UsageMeter)
	return &usageGate{store: s, meter: meter, logged: map[int64]bool{}, readFailed: map[int64]bool{}}
}

// holdBack reports whether a file of the account should wait. The usage is read again for
// every file, because each link resolve during Prefetch brings a newer report. A failed read
// holds nothing back, so that a broken usage source cannot stop Prefetch.
func (g *usageGate) holdBack(ctx context.Context, accountID int64) bool {
	if g.meter == nil {
		return false
	}
	percent, err := g.meter.UsagePercent(ctx, accountID)
	if err != nil {
		if g.firstTime(g.readFailed, accountID) {
			g.store.log.Warn("Reading the Meta API usage of an account failed, so its files are prefetched anyway",
				"account_id", accountID, "error", err)
		}
		return false
	}
	if percent < HoldBackPercent {
		return false
	}
	if g.firstTime(g.logged, accountID) {
		g.store.log.Warn("Holding back the prefetch of an account's files while its Meta API usage is high",
			"account_id", accountID, "usage_percent", percent, "threshold_percent", HoldBackPercent)
	}
	return true
}

// firstTime marks accountID in seen and reports whether it was not marked yet.
func (g *usageGate) firstTime(seen map[int64]bool, accountID int64) bool {
	g.mu.Lock()
	defer g.mu.Unlock()
	if seen[accountID] {
		return false
	}
	seen[accountID] = true
	return true
}
