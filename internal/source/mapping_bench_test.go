package source

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"path/filepath"
	"testing"
	"time"

	"github.com/igsource/igsource/internal/clock"
	"github.com/igsource/igsource/internal/instagram"
	"github.com/igsource/igsource/internal/media"
	"github.com/igsource/igsource/internal/secrets"
	"github.com/igsource/igsource/internal/store"
)

// benchCaptions mix scripts, repeated tags, URLs and HTML entities, as real captions do.
var benchCaptions = []string{
	"Brunch #café #queMoción #rantDelDía #コーヒー #Straße",
	"Thanks y&#039;all! #brunch https://example.com/#anchor #Brunch",
	"Behind the scenes 🎬 #bts #reels #BTS",
	"Sourdough, day 3. No tags here, just bread.",
	"#morning #coffee #train #sourdough #bakery #lakeside #bread #weekend #travel #photo",
}

// benchBackend opens a real SQLite store and media store in a temporary folder, with an
// account and an instance called "bench" reading it.
func benchBackend(b *testing.B) (*store.Store, *media.Store, *store.Instance) {
	ctx := context.Background()
	sealer, err := secrets.NewSealer(bytes.Repeat([]byte{3}, 32))
	if err != nil {
		b.Fatal(err)
	}
	dir := b.TempDir()
	st, err := store.Open(ctx, filepath.Join(dir, "igsource.db"), sealer, clock.System)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { st.Close() })
	logger := slog.New(slog.DiscardHandler)
	files, err := media.New(media.Config{Dir: filepath.Join(dir, "media"), PublicURL: "http://127.0.0.1:8080", Logger: logger}, st)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { files.Close() })
	acct := &store.Account{Kind: instagram.KindInstagram, UserID: "17841400000000001", Username: "bench", Token: "IGAAbench"}
	if err := st.CreateAccount(ctx, acct); err != nil {
		b.Fatal(err)
	}
	inst := &store.Instance{Name: "bench", AccountID: acct.ID}
	if err := st.CreateInstance(ctx, inst); err != nil {
		b.Fatal(err)
	}
	return st, files, inst
}

// benchMediaPage returns n media as Meta sends them on a /media page: images, videos and
// every fourth an album of three expanded children.
func benchMediaPage(n int) []instagram.Media {
	page := make([]instagram.Media, n)
	created := time.Date(2024, 5, 1, 12, 0, 0, 0, time.UTC)
	for i := range page {
		caption := benchCaptions[i%len(benchCaptions)]
		likes, comments := i*7, i%13
		m := instagram.Media{
			ID:               instagram.ID(fmt.Sprintf("1789%014d", i)),
			Caption:          &caption,
			MediaType:        "IMAGE",
			MediaProductType: "FEED",
			MediaURL:         fmt.Sprintf("https://scontent.cdninstagram.com/v/t51/%d_n.jpg?oe=66AB12CD", i),
			Permalink:        "https://www.instagram.com/p/Cx1234567/",
			Timestamp:        benchTimestamp(created.Add(-time.Duration(i) * time.Hour)),
			Username:         "igsource.demo",
			LikeCount:        &likes,
			CommentsCount:    &comments,
		}
		switch i % 4 {
		case 1:
			m.MediaType = "VIDEO"
			m.ThumbnailURL = m.MediaURL
			m.MediaURL = fmt.Sprintf("https://scontent.cdninstagram.com/o1/v/t16/%d.mp4?oe=66AB12CD", i)
		case 3:
			m.MediaType = instagram.MediaTypeAlbum
			m.MediaURL = ""
			m.Children = &instagram.MediaList{}
			for k := range 3 {
				child := m
				child.ID = instagram.ID(fmt.Sprintf("1790%012d%02d", i, k))
				child.MediaType, child.Caption, child.Children = "IMAGE", nil, nil
				child.MediaURL = fmt.Sprintf("https://scontent.cdninstagram.com/v/t51/%d_%d_n.jpg?oe=66AB12CD", i, k)
				m.Children.Data = append(m.Children.Data, child)
			}
		}
		page[i] = m
	}
	return page
}

func benchTimestamp(t time.Time) instagram.Timestamp {
	return instagram.Timestamp{Raw: t.Format("2006-01-02T15:04:05-0700"), Time: t, Valid: true}
}

func BenchmarkMapMediaPage(b *testing.B) {
	_, files, inst := benchBackend(b)
	page := benchMediaPage(maxMediaPageSize)
	logger := slog.New(slog.DiscardHandler)
	b.ReportAllocs()
	for b.Loop() {
		m := &mapper{accountID: inst.AccountID, registry: files, logger: logger}
		out := make([]Media, 0, len(page))
		for i := range page {
			out = append(out, m.media(&page[i]))
		}
		if len(out) != len(page) {
			b.Fatalf("mapped %d media, expected %d", len(out), len(page))
		}
	}
}

func BenchmarkExtractHashtags(b *testing.B) {
	for _, caption := range benchCaptions {
		b.Run(fmt.Sprintf("%d_bytes", len(caption)), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				ExtractHashtags(caption)
			}
		})
	}
}

// BenchmarkCacheLookup builds the key of a warm media query and reads it from a full
// in-memory cache.
func BenchmarkCacheLookup(b *testing.B) {
	c := newMemoryCache()
	for i := range maxMemoryEntries {
		q := mediaQuery{typ: TypeAll, amount: 1 + i%MaxMediaAmount}
		c.put(q.key(int64(i/MaxMediaAmount)), cacheEntry{value: []Media{}, fetchedAt: time.Now()})
	}
	q := mediaQuery{typ: TypeAll, amount: DefaultAmount}
	b.ReportAllocs()
	for b.Loop() {
		if _, ok := c.get(q.key(3)); !ok {
			b.Fatal("cached entry not found")
		}
	}
}

// BenchmarkWarmMedia runs Service.Media on a fresh cache entry over a real SQLite store: the
// instance lookup, validation, key and cache read, with no Graph API call.
func BenchmarkWarmMedia(b *testing.B) {
	ctx := context.Background()
	st, files, inst := benchBackend(b)
	// No Graph API call may happen, so the client is left nil behind the interface.
	svc, err := New(Deps{Store: st, Client: (*instagram.Client)(nil), Media: files})
	if err != nil {
		b.Fatal(err)
	}
	m := &mapper{accountID: inst.AccountID, registry: files, logger: svc.logger}
	page := benchMediaPage(DefaultAmount)
	items := make([]Media, 0, len(page))
	for i := range page {
		items = append(items, m.media(&page[i]))
	}
	q := mediaQuery{typ: TypeAll, amount: DefaultAmount}
	svc.cache.put(svc.cacheKey(q.key(inst.ID)), cacheEntry{value: items, fetchedAt: time.Now()})

	b.ReportAllocs()
	for b.Loop() {
		res, err := svc.Media(ctx, "bench", MediaSettings{})
		if err != nil {
			b.Fatal(err)
		}
		if !res.Meta.Cached || len(res.Media) != DefaultAmount {
			b.Fatalf("got cached %t with %d media, expected a cached result of %d", res.Meta.Cached, len(res.Media), DefaultAmount)
		}
	}
}
