package source

import (
	"context"
	"fmt"
	"time"

	"github.com/igsource/igsource/internal/instagram"
	"github.com/igsource/igsource/internal/media"
)

var _ media.UsageMeter = (*Service)(nil)

// usageReportLifetime is the age after which a usage report no longer counts. Meta's platform
// limits roll over one hour, so an older report no longer reflects the usage.
const usageReportLifetime = time.Hour

// usageReporter is the part of *instagram.Client that returns Meta's rate-limit usage.
type usageReporter interface {
	Usage(cred instagram.Credentials) instagram.Usage
}

// UsagePercent returns the highest Meta API usage, in percent of a limit, of the recent
// reports for an account: its own Instagram account and, for Facebook Login, the Instagram
// account of each of its Pages. It returns 0 when no report is recent or the client keeps no
// usage. It implements media.UsageMeter, so Prefetch holds back at high usage.
func (s *Service) UsagePercent(ctx context.Context, accountID int64) (int, error) {
	reporter, ok := s.client.(usageReporter)
	if !ok {
		return 0, nil
	}
	acct, err := s.store.Account(ctx, accountID)
	if err != nil {
		return 0, fmt.Errorf("read Meta API usage of account %d: %w", accountID, err)
	}
	userIDs := []string{acct.UserID}
	for _, p := range acct.Pages {
		if p.UserID != "" {
			userIDs = append(userIDs, p.UserID)
		}
	}
	now := s.clock.Now()
	highest := 0
	for _, id := range userIDs {
		u := reporter.Usage(instagram.Credentials{Kind: acct.Kind, UserID: id})
		if !u.ObservedAt.IsZero() && now.Sub(u.ObservedAt) < usageReportLifetime {
			highest = max(highest, u.Max())
		}
	}
	return highest, nil
}
