package graph_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/igsource/igsource/internal/graph"
	"github.com/igsource/igsource/internal/source"
	"github.com/igsource/igsource/internal/store"
)

// benchQueries returns one fixed media page for every media query, as a warm cache does.
type benchQueries struct {
	page *source.MediaResult
}

func (q benchQueries) Media(context.Context, string, source.MediaSettings) (*source.MediaResult, error) {
	return q.page, nil
}

func (benchQueries) MediaSingle(context.Context, string, source.SingleSettings) (*source.SingleResult, error) {
	return &source.SingleResult{}, nil
}

func (benchQueries) HashtaggedMedia(context.Context, string, source.HashtagSettings) (*source.MediaResult, error) {
	return &source.MediaResult{}, nil
}

func (benchQueries) User(context.Context, string, source.UserSettings) (*source.UserResult, error) {
	return &source.UserResult{}, nil
}

func (benchQueries) Instance(_ context.Context, name string) (*store.Instance, error) {
	return &store.Instance{ID: 1, Name: name, CacheSeconds: store.DefaultCacheSeconds}, nil
}

func (benchQueries) Instances(context.Context) ([]store.Instance, error) {
	return []store.Instance{{ID: 1, Name: "demo", CacheSeconds: store.DefaultCacheSeconds}}, nil
}

// benchPage returns n media with every field set and every fourth an album of three children.
func benchPage(n int) []source.Media {
	out := make([]source.Media, n)
	for i := range out {
		out[i] = benchMedia(fmt.Sprintf("1789%014d", i), i)
		if i%4 == 3 {
			out[i].Type = "ALBUM"
			for k := range 3 {
				child := benchMedia(fmt.Sprintf("1790%012d%02d", i, k), i)
				child.Caption, child.HashtagList = "", []source.Hashtag{}
				out[i].Children = append(out[i].Children, child)
			}
		}
	}
	return out
}

func benchMedia(id string, i int) source.Media {
	url := "http://127.0.0.1:8080/media/1-" + id + "-file.jpg"
	product, permalink, username := "FEED", "https://www.instagram.com/p/Cx1234567/", "igsource.demo"
	timestamp := time.Date(2024, 5, 1, 12, 0, 0, 0, time.UTC).Add(-time.Duration(i) * time.Hour).Format(time.RFC3339)
	likes, comments := i*7, i%13
	return source.Media{
		ID: id, Type: "IMAGE", ProductType: &product, URL: &url, ThumbnailURL: &url,
		Caption:   "Brunch #café #queMoción #rantDelDía #コーヒー #Straße & friends <3",
		Permalink: &permalink, Timestamp: &timestamp, Username: &username,
		HashtagList: []source.Hashtag{
			{ID: "café", Name: "café"}, {ID: "quemoción", Name: "queMoción"}, {ID: "rantdeldía", Name: "rantDelDía"},
			{ID: "コーヒー", Name: "コーヒー"}, {ID: "strasse", Name: "Straße"},
		},
		Children:      []source.Media{},
		CommentsCount: &comments,
		LikeCount:     &likes,
	}
}

// benchFields selects every field of Media, album children included.
const benchFields = `id type productType url thumbnailUrl caption permalink timestamp username
hashtags hashtagList { id name } commentsCount likeCount`

// BenchmarkMediaPageQuery runs a media query of 20 media with every field through the GraphQL
// handler: parsing (cached after the first request), execution and JSON encoding. benchQueries
// has no Current method, so the response memo is off and every iteration executes the query,
// as a cold query does.
func BenchmarkMediaPageQuery(b *testing.B) {
	page := &source.MediaResult{Media: benchPage(source.DefaultAmount),
		Meta: source.Meta{Cached: true, FetchedAt: time.Date(2024, 5, 1, 12, 0, 0, 0, time.UTC)}}
	h := graph.NewHandler(benchQueries{page: page}, graph.Options{})
	query := fmt.Sprintf(`{ instance(name: "demo") { media { %s children { %s } } } }`, benchFields, benchFields)
	body, err := json.Marshal(map[string]string{"query": query})
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		req := httptest.NewRequest(http.MethodPost, "/graphql", bytes.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		if rec.Code != http.StatusOK || bytes.Contains(rec.Body.Bytes(), []byte(`"errors"`)) {
			b.Fatalf("status %d: %.300s", rec.Code, rec.Body.Bytes())
		}
		b.SetBytes(int64(rec.Body.Len()))
	}
}
