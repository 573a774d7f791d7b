package graph_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/igsource/igsource/internal/graph"
	"github.com/igsource/igsource/internal/store"
)

// aliasedSingles returns a query with n aliased mediaSingle fields, each under its own
// aliased instance field.
func aliasedSingles(n int) string {
	var b strings.Builder
	b.WriteString("{")
	for i := range n {
		fmt.Fprintf(&b, ` a%d: instance(name: "Instagram") { mediaSingle(id: "19000000000000%03d") { id } }`, i, i)
	}
	b.WriteString(" }")
	return b.String()
}

func TestContentFieldLimit(t *testing.T) {
	tests := []struct {
		name      string
		limit     int
		instances int
		query     string
		wantCodes []string
	}{
		{"default limit rejects 330 aliases", 0, 1, aliasedSingles(330), []string{"INVALID_INPUT"}},
		{"default limit rejects 11 aliases", 0, 1, aliasedSingles(11), []string{"INVALID_INPUT"}},
		{"default limit allows 10 aliases", 0, 1, aliasedSingles(10), nil},
		{"aliases in one instance count", 2, 1,
			`{ instance(name: "Instagram") { a: user { id } b: user { id } c: user { id } } }`,
			[]string{"INVALID_INPUT"}},
		{"every kind counts", 3, 1, `{ instance(name: "Instagram") {
			media { id } mediaSingle(id: "1") { id } hashtaggedMedia(hashtag: "pizza") { id } user { id }
		} }`, []string{"INVALID_INPUT"}},
		{"fragments expand", 3, 1, `{
			a: instance(name: "Instagram") { ...content }
			b: instance(name: "Instagram") { ... on Instance { ...content } }
		}
		fragment content on Instance { media { id } user { id } }`, []string{"INVALID_INPUT"}},
		{"identical fields count once", 1, 1,
			`{ instance(name: "Instagram") { media { id } media { caption } ...more } }
			fragment more on Instance { media { permalink } }`, nil},
		{"skipped fields do not count", 1, 1,
			`{ instance(name: "Instagram") { media { id } user @skip(if: true) { id } } }`, nil},
		{"instances counts each instance", 10, 11, `{ instances { media { id } } }`,
			[]string{"INVALID_INPUT"}},
		{"instances under the limit", 10, 5, `{ instances { media { id } user { id } } }`, nil},
		{"other fields do not count", 1, 1,
			`{ instances { id name defaultCache } instance(name: "Instagram") { id name } }`, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fake := newFake()
			for i := 1; i < tt.instances; i++ {
				fake.instances = append(fake.instances,
					store.Instance{ID: int64(100 + i), Name: fmt.Sprintf("extra%d", i), CacheSeconds: 600})
			}
			srv := newServer(t, fake, graph.Options{MaxContentFields: tt.limit})

			resp := srv.query(t, tt.query, nil)

			if diff := cmp.Diff(tt.wantCodes, errorCodes(resp.Errors)); diff != "" {
				t.Fatalf("codes mismatch (-want +got):\n%s", diff)
			}
			if tt.wantCodes == nil {
				return
			}
			if calls := len(fake.mediaCalls) + len(fake.singleCalls) + len(fake.hashtagCalls) +
				len(fake.userCalls); calls != 0 {
				t.Errorf("source called %d times, want 0", calls)
			}
		})
	}
}

func TestContentFieldLimitMessage(t *testing.T) {
	srv := newServer(t, newFake(), graph.Options{})
	for name, resp := range map[string]response{
		"POST": srv.query(t, aliasedSingles(330), nil),
		"GET":  srv.get(t, aliasedSingles(12)),
	} {
		t.Run(name, func(t *testing.T) {
			if len(resp.Errors) != 1 {
				t.Fatalf("errors = %+v, want one", resp.Errors)
			}
			got := resp.Errors[0]
			count := map[string]int{"POST": 330, "GET": 12}[name]
			want := fmt.Sprintf("query has %d content fields, which exceeds the limit of 10. "+
				"Each media, mediaSingle, hashtaggedMedia and user field can call Instagram, so "+
				"each alias counts, and a field under instances counts once per instance: send "+
				"fewer of them per request, or raise the server's --max-content-fields "+
				"(IGSOURCE_MAX_CONTENT_FIELDS)", count)
			if diff := cmp.Diff(want, got.Message); diff != "" {
				t.Errorf("message mismatch (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff("INVALID_INPUT", got.Extensions["code"]); diff != "" {
				t.Errorf("code mismatch (-want +got):\n%s", diff)
			}
		})
	}
}
