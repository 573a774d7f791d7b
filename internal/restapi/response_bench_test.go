package restapi

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/igsource/igsource/internal/source"
)

// benchMedia returns n media shaped like a warm /media result: captions with hashtags, every
// URL set, and every fourth an album of three children.
func benchMedia(n int) []source.Media {
	out := make([]source.Media, n)
	for i := range out {
		out[i] = benchOneMedia(fmt.Sprintf("1789%014d", i), i)
		if i%4 == 3 {
			out[i].Type = "ALBUM"
			for k := range 3 {
				child := benchOneMedia(fmt.Sprintf("1790%012d%02d", i, k), i)
				child.Caption, child.HashtagList = "", []source.Hashtag{}
				out[i].Children = append(out[i].Children, child)
			}
		}
	}
	return out
}

func benchOneMedia(id string, i int) source.Media {
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

// BenchmarkEncodeMediaPage encodes a default page of 20 media as the media list route does.
func BenchmarkEncodeMediaPage(b *testing.B) {
	page := benchMedia(source.DefaultAmount)
	meta := source.Meta{Cached: true, FetchedAt: time.Date(2024, 5, 1, 12, 0, 0, 0, time.UTC)}
	b.ReportAllocs()
	for b.Loop() {
		rec := httptest.NewRecorder()
		data := newMediaListJSON(page, source.DefaultHashtagSeparator)
		writeJSON(rec, http.StatusOK, envelope{Data: data, Meta: NewMeta(meta)})
		if rec.Body.Len() == 0 {
			b.Fatal("empty response body")
		}
		b.SetBytes(int64(rec.Body.Len()))
	}
}
