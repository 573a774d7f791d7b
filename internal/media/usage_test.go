package media

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// meteredResolver reports fixed Meta API usage per account and resolves nothing.
type meteredResolver struct {
	percent map[int64]int
	err     error
}

func (r *meteredResolver) ResolveURL(context.Context, Ref) (string, error) {
	return "", errors.New("no fresh links in this test")
}

func (r *meteredResolver) UsagePercent(_ context.Context, accountID int64) (int, error) {
	return r.percent[accountID], r.err
}

func TestPrefetchHoldsBackAtHighUsage(t *testing.T) {
	tests := []struct {
		name     string
		resolver Resolver
		want     PrefetchSummary
		wantLog  bool
	}{
		{"usage at threshold", &meteredResolver{percent: map[int64]int{1: HoldBackPercent}},
			PrefetchSummary{Total: 3, Downloaded: 1, HeldBack: 2}, true},
		{"usage below threshold", &meteredResolver{percent: map[int64]int{1: HoldBackPercent - 1}},
			PrefetchSummary{Total: 3, Downloaded: 3}, false},
		{"usage unreadable", &meteredResolver{percent: map[int64]int{1: 100}, err: errors.New("store closed")},
			PrefetchSummary{Total: 3, Downloaded: 3}, false},
		{"resolver without usage", &emulatorResolver{}, PrefetchSummary{Total: 3, Downloaded: 3}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cdn := newTestCDN(t)
			refs := []Ref{
				{AccountID: 1, MediaID: "81", Variant: VariantFile},
				{AccountID: 1, MediaID: "82", Variant: VariantThumb},
				{AccountID: 2, MediaID: "83", Variant: VariantFile},
			}
			env := newTestEnv(t, openIndex(t), cdn, nil)
			registerFiles(t, env, cdn, refs)
			env.store.wg.Wait()
			env.store.SetResolver(tt.resolver)

			var done [][2]int
			sum, err := env.store.Prefetch(t.Context(), 0, func(d, total int) { done = append(done, [2]int{d, total}) })
			if err != nil {
				t.Fatalf("Prefetch: %v", err)
			}
			if diff := cmp.Diff(tt.want, sum); diff != "" {
				t.Errorf("summary (-want +got):\n%s", diff)
			}
			if n := len(done); n != 3 || done[n-1] != [2]int{3, 3} {
				t.Errorf("progress = %v, want 3 calls ending at 3 of 3", done)
			}
			logged := strings.Count(env.logs.String(), "Holding back the prefetch")
			if tt.wantLog && logged != 1 {
				t.Errorf("hold-back logged %d times, want once for the account:\n%s", logged, env.logs.String())
			}
			if !tt.wantLog && logged != 0 {
				t.Errorf("hold-back logged %d times, want none", logged)
			}
		})
	}
}
