package media

import (
	"bytes"
	"context"
	"fmt"
	"image"
	"image/color"
	"image/jpeg"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/igsource/igsource/internal/clock"
	"github.com/igsource/igsource/internal/secrets"
	"github.com/igsource/igsource/internal/store"
	"github.com/igsource/igsource/internal/testutil"
)

// testStart is the fake clock's start; links expire relative to it.
var testStart = time.Date(2023, 9, 21, 12, 0, 0, 0, time.UTC)

// jpegBytes returns a deterministic JPEG of w×h pixels.
func jpegBytes(t testing.TB, w, h int, seed byte) []byte {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := range h {
		for x := range w {
			img.Set(x, y, color.RGBA{byte(x) ^ seed, byte(y) + seed, byte(x * y), 255})
		}
	}
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, img, &jpeg.Options{Quality: 90}); err != nil {
		t.Fatalf("encode test JPEG: %v", err)
	}
	return buf.Bytes()
}

// mp4Bytes returns a small ISO BMFF file that sniffs as video/mp4.
func mp4Bytes(size int) []byte {
	b := []byte("\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00mp42isom")
	mdat := size - len(b)
	b = append(b, byte(mdat>>24), byte(mdat>>16), byte(mdat>>8), byte(mdat))
	b = append(b, "mdat"...)
	for len(b) < size {
		b = append(b, byte(len(b)))
	}
	return b
}

// testCDN is a CDN on loopback that checks the oe expiry against a fake clock and counts
// requests per path.
type testCDN struct {
	*httptest.Server
	clock *clock.Fake
	files map[string][]byte // by path

	mu     sync.Mutex
	calls  map[string]int
	status map[string]int // a fixed status per path, such as 403 or 404
	delay  time.Duration
}

func newTestCDN(t *testing.T) *testCDN {
	t.Helper()
	c := &testCDN{clock: clock.NewFake(testStart), files: make(map[string][]byte), calls: make(map[string]int), status: make(map[string]int)}
	c.Server = httptest.NewServer(http.HandlerFunc(c.serve))
	t.Cleanup(c.Close)
	return c
}

func (c *testCDN) serve(w http.ResponseWriter, r *http.Request) {
	c.mu.Lock()
	c.calls[r.URL.Path]++
	status, delay := c.status[r.URL.Path], c.delay
	c.mu.Unlock()
	if delay > 0 {
		time.Sleep(delay)
	}
	if to := r.URL.Query().Get("redirect"); to != "" {
		http.Redirect(w, r, to, http.StatusFound)
		return
	}
	if status != 0 {
		http.Error(w, "URL signature expired", status)
		return
	}
	if oe := r.URL.Query().Get("oe"); oe != "" {
		secs, _ := strconv.ParseInt(oe, 16, 64)
		if !c.clock.Now().Before(time.Unix(secs, 0)) {
			http.Error(w, "URL signature expired", http.StatusForbidden)
			return
		}
	}
	body, ok := c.files[r.URL.Path]
	if !ok {
		http.NotFound(w, r)
		return
	}
	if r.URL.Query().Has("chunked") {
		w.(http.Flusher).Flush() // sends no Content-Length
	} else {
		w.Header().Set("Content-Length", strconv.Itoa(len(body)))
	}
	_, _ = w.Write(body)
}

func (c *testCDN) setStatus(path string, status int) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.status[path] = status
}

func (c *testCDN) callCount(path string) int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.calls[path]
}

// link returns the CDN URL of path, expiring at exp.
func (c *testCDN) link(path string, exp time.Time) string {
	return fmt.Sprintf("%s%s?_nc_cat=1&oh=00ab&oe=%08X", c.URL, path, exp.Unix())
}

func (c *testCDN) host() string {
	u, _ := url.Parse(c.URL)
	return u.Host
}

// mapResolver resolves the names in its map and no other, so no test reaches real DNS.
type mapResolver map[string]string

func (m mapResolver) LookupNetIP(_ context.Context, _, host string) ([]netip.Addr, error) {
	ip, ok := m[host]
	if !ok {
		return nil, &net.DNSError{Err: "no such host in the test resolver", Name: host, IsNotFound: true}
	}
	return []netip.Addr{netip.MustParseAddr(ip)}, nil
}

// fakeResolver returns links from a function and counts its calls.
type fakeResolver struct {
	mu    sync.Mutex
	calls int
	fn    func(Ref) (string, error)
}

func (f *fakeResolver) ResolveURL(_ context.Context, ref Ref) (string, error) {
	f.mu.Lock()
	f.calls++
	f.mu.Unlock()
	return f.fn(ref)
}

func (f *fakeResolver) callCount() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.calls
}

type testEnv struct {
	store *Store
	index Index
	dir   string
	clock *clock.Fake
	logs  *testutil.SyncBuffer
}

// newTestEnv returns a Store over a fresh folder that may fetch from cdn, if not nil, and
// shares its clock. change, if not nil, edits the Config first.
func newTestEnv(t *testing.T, index Index, cdn *testCDN, change func(*Config)) *testEnv {
	t.Helper()
	env := &testEnv{index: index, dir: t.TempDir(), clock: clock.NewFake(testStart), logs: &testutil.SyncBuffer{}}
	var allowed []string
	if cdn != nil {
		env.clock = cdn.clock
		allowed = []string{cdn.host()}
	}
	cfg := Config{
		Dir:          env.dir,
		PublicURL:    "http://127.0.0.1:8080/",
		AllowedHosts: allowed,
		Clock:        env.clock,
		Logger:       slog.New(slog.NewTextHandler(env.logs, &slog.HandlerOptions{Level: slog.LevelDebug})),
		NetResolver:  mapResolver{},
	}
	if change != nil {
		change(&cfg)
	}
	s, err := New(cfg, index)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	t.Cleanup(func() { s.Close() })
	env.store = s
	return env
}

// get serves one request through the store.
func (env *testEnv) get(t *testing.T, method, target string, header http.Header) *http.Response {
	t.Helper()
	req := httptest.NewRequestWithContext(t.Context(), method, target, nil)
	for k, v := range header {
		req.Header[k] = v
	}
	rec := httptest.NewRecorder()
	env.store.ServeHTTP(rec, req)
	return rec.Result()
}

func readBody(t *testing.T, resp *http.Response) []byte {
	t.Helper()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("read body: %v", err)
	}
	return b
}

// dirFiles lists the names in the media folder.
func dirFiles(t *testing.T, dir string) []string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatalf("read media folder: %v", err)
	}
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	return names
}

func mediaPath(ref Ref) string { return "/media/" + ref.String() + ".jpg" }

func hasLine(logs, ref, text string) bool {
	for line := range strings.SplitSeq(logs, "\n") {
		if strings.Contains(line, ref) && strings.Contains(line, text) {
			return true
		}
	}
	return false
}

// openIndex opens a SQLite media index in a fresh folder, or at path when given.
func openIndex(t *testing.T, path ...string) *store.Store {
	t.Helper()
	file := filepath.Join(t.TempDir(), "igsource.db")
	if len(path) > 0 {
		file = path[0]
	}
	sealer, err := secrets.NewSealer(bytes.Repeat([]byte{7}, 32))
	if err != nil {
		t.Fatalf("NewSealer: %v", err)
	}
	st, err := store.Open(t.Context(), file, sealer, clock.System)
	if err != nil {
		t.Fatalf("open store %s: %v", file, err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}
