package store_test

import (
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/igsource/igsource/internal/store"
)

func registerMedia(t *testing.T, db *testDB, files ...store.MediaFile) {
	t.Helper()
	if err := db.UpsertMediaFiles(t.Context(), files); err != nil {
		t.Fatalf("UpsertMediaFiles: %v", err)
	}
}

func mediaFile(accountID int64, mediaID, variant string) store.MediaFile {
	return store.MediaFile{
		Ref:        mediaRef(accountID, mediaID, variant),
		AccountID:  accountID,
		MediaID:    mediaID,
		Variant:    variant,
		CDNURL:     "https://scontent.cdninstagram.com/v/" + mediaID + ".jpg?oe=650CEAF2",
		Resolvable: true,
	}
}

func mediaRef(accountID int64, mediaID, variant string) string {
	return fmt.Sprintf("%d-%s-%s", accountID, mediaID, variant)
}

func refs(files []store.MediaFile) []string {
	var out []string
	for _, f := range files {
		out = append(out, f.Ref)
	}
	return out
}

func TestUpsertMediaKeepsDownload(t *testing.T) {
	db := openTestStore(t)
	file := mediaFile(1, "100", "file")
	registerMedia(t, db, file)
	downloadedAt := start.Add(time.Minute)
	if err := db.SetMediaDownloaded(t.Context(), file.Ref, "1/100-file.jpg", 2048, "image/jpeg", "ab12", downloadedAt); err != nil {
		t.Fatalf("SetMediaDownloaded: %v", err)
	}
	if err := db.MarkMediaGone(t.Context(), file.Ref); err != nil {
		t.Fatalf("MarkMediaGone: %v", err)
	}
	fresh := file
	fresh.CDNURL = "https://scontent.cdninstagram.com/v/100.jpg?oe=660CEAF2"
	fresh.Video = true
	fresh.Resolvable = false
	registerMedia(t, db, fresh)

	got, err := db.MediaFile(t.Context(), file.Ref)
	if err != nil {
		t.Fatalf("MediaFile: %v", err)
	}
	want := fresh
	want.Path = "1/100-file.jpg"
	want.Size = 2048
	want.ContentType = "image/jpeg"
	want.SHA256 = "ab12"
	want.DownloadedAt = downloadedAt.UTC()
	want.LastAccessAt = downloadedAt.UTC()
	want.Gone = false
	if diff := cmp.Diff(&want, got); diff != "" {
		t.Errorf("MediaFile() after a new registration (-want +got):\n%s", diff)
	}
}

func TestMediaUpdates(t *testing.T) {
	at := start.Add(time.Hour)
	tests := []struct {
		name   string
		update func(db *testDB, ref string) error
		change func(f *store.MediaFile)
	}{
		{
			name:   "CDN link",
			update: func(db *testDB, ref string) error { return db.SetMediaCDNURL(t.Context(), ref, "https://cdn/new") },
			change: func(f *store.MediaFile) { f.CDNURL = "https://cdn/new" },
		},
		{
			name:   "touch",
			update: func(db *testDB, ref string) error { return db.TouchMedia(t.Context(), ref, at) },
			change: func(f *store.MediaFile) { f.LastAccessAt = at.UTC() },
		},
		{
			name:   "gone",
			update: func(db *testDB, ref string) error { return db.MarkMediaGone(t.Context(), ref) },
			change: func(f *store.MediaFile) { f.Gone = true },
		},
		{
			name: "downloaded",
			update: func(db *testDB, ref string) error {
				return db.SetMediaDownloaded(t.Context(), ref, "a/b.mp4", 10, "video/mp4", "ff", at)
			},
			change: func(f *store.MediaFile) {
				f.Path, f.Size, f.ContentType, f.SHA256 = "a/b.mp4", 10, "video/mp4", "ff"
				f.DownloadedAt, f.LastAccessAt = at.UTC(), at.UTC()
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			db := openTestStore(t)
			file := mediaFile(1, "100", "file")
			registerMedia(t, db, file)
			if err := tt.update(db, file.Ref); err != nil {
				t.Fatalf("update: %v", err)
			}
			got, err := db.MediaFile(t.Context(), file.Ref)
			if err != nil {
				t.Fatalf("MediaFile: %v", err)
			}
			want := file
			tt.change(&want)
			if diff := cmp.Diff(&want, got); diff != "" {
				t.Errorf("MediaFile() (-want +got):\n%s", diff)
			}
			if err := tt.update(db, "9-404-file"); !errors.Is(err, store.ErrNotFound) {
				t.Errorf("update of an unknown ref error = %v, want ErrNotFound", err)
			}
		})
	}
}

func TestClearMediaDownload(t *testing.T) {
	db := openTestStore(t)
	file := mediaFile(1, "100", "file")
	registerMedia(t, db, file)
	if err := db.SetMediaDownloaded(t.Context(), file.Ref, "1/100.jpg", 5, "image/jpeg", "aa", start); err != nil {
		t.Fatalf("SetMediaDownloaded: %v", err)
	}
	if err := db.ClearMediaDownload(t.Context(), file.Ref); err != nil {
		t.Fatalf("ClearMediaDownload: %v", err)
	}
	got, err := db.MediaFile(t.Context(), file.Ref)
	if err != nil {
		t.Fatalf("MediaFile: %v", err)
	}
	want := file
	want.LastAccessAt = start.UTC()
	if diff := cmp.Diff(&want, got); diff != "" {
		t.Errorf("MediaFile() after clearing (-want +got):\n%s", diff)
	}
	if err := db.ClearMediaDownload(t.Context(), "9-404-file"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("ClearMediaDownload of an unknown ref error = %v, want ErrNotFound", err)
	}
}

func TestDownloadedMediaLeastRecentFirst(t *testing.T) {
	db := openTestStore(t)
	registerMedia(t, db, mediaFile(1, "100", "file"), mediaFile(1, "200", "file"),
		mediaFile(1, "300", "file"), mediaFile(2, "400", "thumb"))
	sizes := map[string]int64{"100": 10, "200": 20, "300": 30}
	for i, id := range []string{"100", "200", "300"} {
		ref := mediaRef(1, id, "file")
		at := start.Add(time.Duration(i) * time.Minute)
		if err := db.SetMediaDownloaded(t.Context(), ref, id+".jpg", sizes[id], "image/jpeg", "aa", at); err != nil {
			t.Fatalf("SetMediaDownloaded(%s): %v", ref, err)
		}
	}
	if err := db.TouchMedia(t.Context(), mediaRef(1, "100", "file"), start.Add(time.Hour)); err != nil {
		t.Fatalf("TouchMedia: %v", err)
	}

	downloaded, err := db.DownloadedMedia(t.Context())
	if err != nil {
		t.Fatalf("DownloadedMedia: %v", err)
	}
	wantOrder := []string{"1-200-file", "1-300-file", "1-100-file"}
	if diff := cmp.Diff(wantOrder, refs(downloaded)); diff != "" {
		t.Errorf("DownloadedMedia() order (-want +got):\n%s", diff)
	}
	size, err := db.MediaCacheSize(t.Context())
	if err != nil {
		t.Fatalf("MediaCacheSize: %v", err)
	}
	if size != 60 {
		t.Errorf("MediaCacheSize() = %d, want 60", size)
	}
	paths, err := db.DownloadedPaths(t.Context())
	if err != nil {
		t.Fatalf("DownloadedPaths: %v", err)
	}
	if diff := cmp.Diff(map[string]bool{"100.jpg": true, "200.jpg": true, "300.jpg": true}, paths); diff != "" {
		t.Errorf("DownloadedPaths() (-want +got):\n%s", diff)
	}
}

func TestMediaCacheSizeEmpty(t *testing.T) {
	db := openTestStore(t)
	size, err := db.MediaCacheSize(t.Context())
	if err != nil {
		t.Fatalf("MediaCacheSize: %v", err)
	}
	if size != 0 {
		t.Errorf("MediaCacheSize() of an empty index = %d, want 0", size)
	}
}

func TestPendingMedia(t *testing.T) {
	db := openTestStore(t)
	registerMedia(t, db, mediaFile(1, "100", "file"), mediaFile(1, "200", "file"),
		mediaFile(1, "300", "file"), mediaFile(2, "400", "thumb"))
	if err := db.SetMediaDownloaded(t.Context(), "1-200-file", "200.jpg", 1, "image/jpeg", "aa", start); err != nil {
		t.Fatalf("SetMediaDownloaded: %v", err)
	}
	if err := db.MarkMediaGone(t.Context(), "1-300-file"); err != nil {
		t.Fatalf("MarkMediaGone: %v", err)
	}
	tests := []struct {
		name      string
		accountID int64
		want      []string
	}{
		{"all accounts", 0, []string{"1-100-file", "2-400-thumb"}},
		{"one account", 2, []string{"2-400-thumb"}},
		{"account without media", 3, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			pending, err := db.PendingMedia(t.Context(), tt.accountID)
			if err != nil {
				t.Fatalf("PendingMedia: %v", err)
			}
			if diff := cmp.Diff(tt.want, refs(pending)); diff != "" {
				t.Errorf("PendingMedia(%d) (-want +got):\n%s", tt.accountID, diff)
			}
		})
	}
}

func TestUpsertMediaRejectsInvalid(t *testing.T) {
	db := openTestStore(t)
	valid := mediaFile(1, "100", "file")
	invalid := mediaFile(1, "200", "file")
	invalid.Ref = ""
	if err := db.UpsertMediaFiles(t.Context(), []store.MediaFile{valid, invalid}); err == nil {
		t.Fatal("UpsertMediaFiles with an empty ref returned no error")
	}
	if _, err := db.MediaFile(t.Context(), valid.Ref); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("valid file of a rejected batch was stored (error %v)", err)
	}
}
