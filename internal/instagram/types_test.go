package instagram

import (
	"encoding/json"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestIDsExactFromStringOrNumber(t *testing.T) {
	tests := []struct {
		name string
		body string
		want Media
	}{
		{
			name: "string ids",
			body: `{"id":"17895695668004551","children":{"data":[{"id":"17895695668004553"}]}}`,
			want: Media{ID: "17895695668004551", Children: &MediaList{Data: []Media{{ID: "17895695668004553"}}}},
		},
		{
			name: "bare number ids",
			body: `{"id":17895695668004551,"children":{"data":[{"id":17895695668004553}]}}`,
			want: Media{ID: "17895695668004551", Children: &MediaList{Data: []Media{{ID: "17895695668004553"}}}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got Media
			if err := json.Unmarshal([]byte(tt.body), &got); err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("ids mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

func TestExchangeUserIDBeyondFloat(t *testing.T) {
	// 27000000000000001 is above 2^53, where float64 would round it to 27000000000000000.
	c, _ := newTestClient(t, map[string]route{"POST /api.instagram.com/oauth/access_token": {file: "token_exchange_flat.json"}})
	got, err := c.ExchangeCode(t.Context(), testApp, "https://igsource.example/callback", "CODE")
	if err != nil {
		t.Fatal(err)
	}
	if got.UserID != "27000000000000001" {
		t.Errorf("UserID = %q, want 27000000000000001", got.UserID)
	}
}

func TestIDRejectsOtherJSON(t *testing.T) {
	for _, body := range []string{`{"id":true}`, `{"id":{"x":1}}`, `{"id":[1]}`} {
		var m Media
		if err := json.Unmarshal([]byte(body), &m); err == nil {
			t.Errorf("Unmarshal(%s) succeeded with id %q, want an error", body, m.ID)
		}
	}
}
