package media

import (
	"bytes"
	"context"
	"net/http"
	"os"
	"path/filepath"
	"sync/atomic"
	"testing"

	"github.com/igsource/igsource/internal/store"
)

// countingIndex counts the index row reads of a real index.
type countingIndex struct {
	Index
	reads atomic.Int64
}

func (c *countingIndex) MediaFile(ctx context.Context, ref string) (*store.MediaFile, error) {
	c.reads.Add(1)
	return c.Index.MediaFile(ctx, ref)
}

// serveOK requests ref's file and fails the test unless it returns want.
func serveOK(t *testing.T, env *testEnv, ref Ref, want []byte) {
	t.Helper()
	resp := env.get(t, http.MethodGet, mediaPath(ref), nil)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET %s: status %d, body %q", ref, resp.StatusCode, readBody(t, resp))
	}
	if got := readBody(t, resp); !bytes.Equal(got, want) {
		t.Errorf("GET %s: body of %d bytes differs from the CDN's %d bytes", ref, len(got), len(want))
	}
}

func TestServeIndexReadOncePerTTL(t *testing.T) {
	cdn := newTestCDN(t)
	index := &countingIndex{Index: openIndex(t)}
	env := newTestEnv(t, index, cdn, nil)
	ref := Ref{AccountID: 1, MediaID: "91", Variant: VariantFile}
	want := registerFiles(t, env, cdn, []Ref{ref})[ref]
	// The first request downloads the file, and the second reads its new row.
	serveOK(t, env, ref, want)
	serveOK(t, env, ref, want)

	before := index.reads.Load()
	for range 3 {
		serveOK(t, env, ref, want)
	}
	if got := index.reads.Load() - before; got != 0 {
		t.Errorf("index reads of 3 requests within the TTL = %d, want 0", got)
	}
	env.clock.Advance(servedRowTTL)
	serveOK(t, env, ref, want)
	if got := index.reads.Load() - before; got != 1 {
		t.Errorf("index reads after the TTL = %d, want 1", got)
	}
}

func TestServeAfterPurgeDownloadsAgain(t *testing.T) {
	cdn := newTestCDN(t)
	env := newTestEnv(t, openIndex(t), cdn, nil)
	ref := Ref{AccountID: 1, MediaID: "92", Variant: VariantFile}
	want := registerFiles(t, env, cdn, []Ref{ref})[ref]
	serveOK(t, env, ref, want)

	if err := env.store.Purge(t.Context()); err != nil {
		t.Fatalf("Purge: %v", err)
	}
	serveOK(t, env, ref, want)
	if got := downloadedRefs(t, env.index); len(got) != 1 {
		t.Errorf("downloaded refs after GET = %q, want %s", got, ref)
	}
}

// Another process, such as `igsource media purge`, clears the row and removes the file
// without telling this one.
func TestServeFileRemovedElsewhere(t *testing.T) {
	cdn := newTestCDN(t)
	env := newTestEnv(t, openIndex(t), cdn, nil)
	ref := Ref{AccountID: 1, MediaID: "93", Variant: VariantFile}
	want := registerFiles(t, env, cdn, []Ref{ref})[ref]
	serveOK(t, env, ref, want)
	row, err := env.index.MediaFile(t.Context(), ref.String())
	if err != nil {
		t.Fatalf("MediaFile: %v", err)
	}

	if err := env.index.ClearMediaDownload(t.Context(), ref.String()); err != nil {
		t.Fatalf("ClearMediaDownload: %v", err)
	}
	if err := os.Remove(filepath.Join(env.dir, row.Path)); err != nil {
		t.Fatalf("remove file: %v", err)
	}
	serveOK(t, env, ref, want)
	if got := downloadedRefs(t, env.index); len(got) != 1 {
		t.Errorf("downloaded refs after GET = %q, want %s", got, ref)
	}
}

func TestServedRowsDropBeforePut(t *testing.T) {
	rows := newServedRows()
	row := &store.MediaFile{Ref: "1-93-file", Path: "1-93-file.jpg"}
	generation := rows.current()
	rows.drop(row.Ref)
	rows.put(row, generation, testStart)

	if _, ok := rows.get(row.Ref, testStart); ok {
		t.Errorf("row read before a drop was kept after it")
	}
	rows.put(row, rows.current(), testStart)
	if _, ok := rows.get(row.Ref, testStart); !ok {
		t.Errorf("row read after the drop was not kept")
	}
}
