package media

import (
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/igsource/igsource/internal/store"
)

// registerFiles serves one JPEG per ref on the CDN and registers it.
func registerFiles(t *testing.T, env *testEnv, cdn *testCDN, refs []Ref) map[Ref][]byte {
	t.Helper()
	bodies := make(map[Ref][]byte)
	var regs []Registration
	for i, ref := range refs {
		path := "/v/" + ref.String() + ".jpg"
		bodies[ref] = jpegBytes(t, 64, 64, byte(i))
		cdn.files[path] = bodies[ref]
		regs = append(regs, Registration{Ref: ref, CDNURL: cdn.link(path, testStart.Add(24*time.Hour)), Resolvable: true})
	}
	if err := env.store.Register(t.Context(), regs); err != nil {
		t.Fatalf("Register: %v", err)
	}
	return bodies
}

func downloadedRefs(t *testing.T, index Index) []string {
	t.Helper()
	rows, err := index.DownloadedMedia(t.Context())
	if err != nil {
		t.Fatalf("DownloadedMedia: %v", err)
	}
	var refs []string
	for _, r := range rows {
		refs = append(refs, r.Ref)
	}
	slices.Sort(refs)
	return refs
}

func TestEvictionLeastRecentlyUsed(t *testing.T) {
	cdn := newTestCDN(t)
	a := Ref{AccountID: 1, MediaID: "61", Variant: VariantFile}
	b := Ref{AccountID: 1, MediaID: "62", Variant: VariantFile}
	c := Ref{AccountID: 1, MediaID: "63", Variant: VariantFile}
	d := Ref{AccountID: 1, MediaID: "64", Variant: VariantFile}
	var limit int64
	env := newTestEnv(t, openIndex(t), cdn, func(c *Config) { c.MaxCacheBytes = 1 << 40 })
	bodies := registerFiles(t, env, cdn, []Ref{a, b, c, d})
	// The cache fits every file but b, so evicting b alone, the least recently used, suffices.
	for _, body := range bodies {
		limit += int64(len(body))
	}
	limit -= int64(len(bodies[b]))
	env.store.cfg.MaxCacheBytes = limit

	for _, ref := range []Ref{a, b, c, a} {
		if got := env.get(t, http.MethodGet, mediaPath(ref), nil).StatusCode; got != http.StatusOK {
			t.Fatalf("GET %s: status %d", ref, got)
		}
		env.clock.Advance(2 * touchInterval)
	}
	if got := env.get(t, http.MethodGet, mediaPath(d), nil).StatusCode; got != http.StatusOK {
		t.Fatalf("GET %s: status %d", d, got)
	}

	want := []string{a.String(), c.String(), d.String()}
	if diff := cmp.Diff(want, downloadedRefs(t, env.index)); diff != "" {
		t.Errorf("downloaded refs mismatch (-want +got):\n%s", diff)
	}
	if _, err := os.Stat(filepath.Join(env.dir, b.String()+".jpg")); !os.IsNotExist(err) {
		t.Errorf("evicted file still on disk: %v", err)
	}
	size, err := env.index.MediaCacheSize(t.Context())
	if err != nil {
		t.Fatalf("MediaCacheSize: %v", err)
	}
	if size > limit {
		t.Errorf("cache size %d is over the limit %d", size, limit)
	}
	// An evicted file downloads again on its next request.
	if got := env.get(t, http.MethodGet, mediaPath(b), nil).StatusCode; got != http.StatusOK {
		t.Errorf("GET evicted %s: status %d", b, got)
	}
}

func TestNewRecoversFolder(t *testing.T) {
	index := openIndex(t)
	dir := t.TempDir()
	recorded := store.MediaFile{Ref: "1-71-file", AccountID: 1, MediaID: "71", Variant: "file", CDNURL: "https://scontent.cdninstagram.com/a.jpg"}
	missing := store.MediaFile{Ref: "1-72-file", AccountID: 1, MediaID: "72", Variant: "file", CDNURL: "https://scontent.cdninstagram.com/b.jpg"}
	orphan := store.MediaFile{Ref: "1-73-file", AccountID: 1, MediaID: "73", Variant: "file", CDNURL: "https://scontent.cdninstagram.com/c.jpg"}
	if err := index.UpsertMediaFiles(t.Context(), []store.MediaFile{recorded, missing, orphan}); err != nil {
		t.Fatalf("UpsertMediaFiles: %v", err)
	}
	for _, f := range []store.MediaFile{recorded, missing} {
		if err := index.SetMediaDownloaded(t.Context(), f.Ref, f.Ref+".jpg", 3, "image/jpeg", "ab", testStart); err != nil {
			t.Fatalf("SetMediaDownloaded: %v", err)
		}
	}
	for _, name := range []string{"1-71-file.jpg", "1-73-file.jpg", tempPrefix + "1-74-file-123456", "notes.txt"} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte("abc"), 0o600); err != nil {
			t.Fatal(err)
		}
	}

	env := newTestEnv(t, index, nil, func(c *Config) { c.Dir = dir })

	if diff := cmp.Diff([]string{"1-71-file.jpg", "notes.txt"}, dirFiles(t, dir)); diff != "" {
		t.Errorf("media folder mismatch (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{"1-71-file"}, downloadedRefs(t, env.index)); diff != "" {
		t.Errorf("downloaded refs mismatch (-want +got):\n%s", diff)
	}
}

func TestPrefetchAndPurge(t *testing.T) {
	cdn := newTestCDN(t)
	refs := []Ref{
		{AccountID: 1, MediaID: "81", Variant: VariantFile},
		{AccountID: 1, MediaID: "82", Variant: VariantThumb},
		{AccountID: 2, MediaID: "83", Variant: VariantFile},
	}
	env := newTestEnv(t, openIndex(t), cdn, nil)
	registerFiles(t, env, cdn, refs)
	deletedRef := Ref{AccountID: 1, MediaID: "84", Variant: VariantFile}
	cdn.setStatus("/v/gone.jpg", http.StatusNotFound)
	err := env.store.Register(t.Context(), []Registration{{Ref: deletedRef, CDNURL: cdn.link("/v/gone.jpg", testStart.Add(time.Hour))}})
	if err != nil {
		t.Fatalf("Register: %v", err)
	}
	env.store.wg.Wait()

	var calls [][2]int
	sum, err := env.store.Prefetch(t.Context(), 1, func(done, total int) { calls = append(calls, [2]int{done, total}) })
	if err != nil {
		t.Fatalf("Prefetch: %v", err)
	}
	if diff := cmp.Diff(PrefetchSummary{Total: 2, Downloaded: 2}, sum); diff != "" {
		t.Errorf("summary mismatch (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([][2]int{{1, 2}, {2, 2}}, calls); diff != "" {
		t.Errorf("progress mismatch (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{refs[0].String(), refs[1].String()}, downloadedRefs(t, env.index)); diff != "" {
		t.Errorf("downloaded refs mismatch (-want +got):\n%s", diff)
	}

	if err := env.store.Purge(t.Context()); err != nil {
		t.Fatalf("Purge: %v", err)
	}
	if got := dirFiles(t, env.dir); len(got) != 0 {
		t.Errorf("media folder after Purge = %q, want empty", got)
	}
	if got := downloadedRefs(t, env.index); len(got) != 0 {
		t.Errorf("downloaded refs after Purge = %q, want none", got)
	}
	// Registrations stay, so a purged file downloads again.
	if got := env.get(t, http.MethodGet, mediaPath(refs[0]), nil).StatusCode; got != http.StatusOK {
		t.Errorf("GET after Purge: status %d", got)
	}
}

func TestServeTouchThrottled(t *testing.T) {
	cdn := newTestCDN(t)
	ref := Ref{AccountID: 1, MediaID: "85", Variant: VariantFile}
	env := newTestEnv(t, openIndex(t), cdn, nil)
	registerFiles(t, env, cdn, []Ref{ref})

	var got []time.Time
	for _, step := range []time.Duration{0, touchInterval / 2, touchInterval} {
		env.clock.Advance(step)
		if status := env.get(t, http.MethodGet, mediaPath(ref), nil).StatusCode; status != http.StatusOK {
			t.Fatalf("GET: status %d", status)
		}
		row, err := env.index.MediaFile(t.Context(), ref.String())
		if err != nil {
			t.Fatalf("MediaFile: %v", err)
		}
		got = append(got, row.LastAccessAt.UTC())
	}

	want := []time.Time{testStart, testStart, testStart.Add(touchInterval * 3 / 2)}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("last access times (-want +got):\n%s", diff)
	}
}
