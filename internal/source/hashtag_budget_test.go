package source

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/igsource/igsource/internal/apperr"
	"github.com/igsource/igsource/internal/store"
)

func TestBudgetErrorMessage(t *testing.T) {
	searchedAt := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	searches := []store.HashtagSearch{
		{Name: "brunch", SearchedAt: searchedAt.Add(time.Hour)},
		{Name: "coffee", SearchedAt: searchedAt},
	}
	const rest = " searched 2 hashtags in the last 7 days, which is Meta's limit. " +
		"The next slot frees at 2026-03-08T12:00:00Z. Until then, query one of these tags: #brunch, #coffee"
	tests := []struct {
		name    string
		account store.Account
		want    string
	}{
		{"with username", store.Account{ID: 2, Username: "lakeside.bakery"},
			"hashtag budget used up: @lakeside.bakery (account 2)" + rest},
		{"without username", store.Account{ID: 2},
			"hashtag budget used up: account 2" + rest},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := budgetError(&tt.account, searches)
			if code := apperr.CodeOf(err); code != apperr.HashtagBudget {
				t.Errorf("code = %s, want %s", code, apperr.HashtagBudget)
			}
			if diff := cmp.Diff(tt.want, apperr.MessageOf(err)); diff != "" {
				t.Errorf("message mismatch (-want +got):\n%s", diff)
			}
		})
	}
}
