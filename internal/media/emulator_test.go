package media

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/igsource/igsource/internal/clock"
	"github.com/igsource/igsource/internal/emulator"
	"github.com/igsource/igsource/internal/instagram"
)

// emulatorEnv is a Store fetching from the emulator's CDN, both on one fake clock.
type emulatorEnv struct {
	*testEnv
	emu      *emulator.Emulator
	resolver *emulatorResolver
}

func newEmulatorEnv(t *testing.T) *emulatorEnv {
	t.Helper()
	clk := clock.NewFake(testStart)
	emu := emulator.New(emulator.Options{Clock: clk, ImageSide: 96, VideoBytes: 64 << 10})
	srv := httptest.NewServer(emu.Handler())
	t.Cleanup(srv.Close)
	emu.SetBaseURL(srv.URL)
	env := newTestEnv(t, openIndex(t), nil, func(c *Config) {
		c.Clock = clk
		c.AllowedHosts = []string{strings.TrimPrefix(srv.URL, "http://")}
	})
	env.clock = clk
	resolver := &emulatorResolver{emu: emu, clock: clk}
	env.store.SetResolver(resolver)
	return &emulatorEnv{testEnv: env, emu: emu, resolver: resolver}
}

// emulatorResolver returns fresh emulator links as the source layer does after re-reading a
// media, or Meta's not-found error for a deleted one.
type emulatorResolver struct {
	emu   *emulator.Emulator
	clock interface{ Now() time.Time }

	mu     sync.Mutex
	calls  int
	broken bool   // returns links with a bad signature
	host   string // when set, returns links on this host instead of the emulator's
}

func (r *emulatorResolver) ResolveURL(_ context.Context, ref Ref) (string, error) {
	r.mu.Lock()
	r.calls++
	broken, host := r.broken, r.host
	r.mu.Unlock()
	link, err := r.emu.CDNURL(ref.MediaID, emulator.Variant(ref.Variant), r.clock.Now().Add(96*time.Hour))
	if err != nil {
		return "", &instagram.Error{Op: "GET /" + ref.MediaID, Code: 100, Subcode: 33, Kind: instagram.NotFound}
	}
	if broken {
		link = badSignature(link)
	}
	if host != "" {
		link = withHost(link, host)
	}
	return link, nil
}

// withHost returns link on another host, as a link stored by an earlier run whose emulator
// CDN listened on another port. A link that does not parse comes back as it is, and the
// download then fails on it.
func withHost(link, host string) string {
	u, err := url.Parse(link)
	if err != nil {
		return link
	}
	u.Host = host
	return u.String()
}

func (r *emulatorResolver) callCount() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.calls
}

var ohPattern = regexp.MustCompile(`oh=[^&]+`)

// badSignature replaces a link's oh signature, which the CDN rejects with 403 "Bad URL hash".
func badSignature(link string) string { return ohPattern.ReplaceAllString(link, "oh=00_bad") }

// imageMedia returns the id of a creator media whose file is an image.
func (env *emulatorEnv) imageMedia(t *testing.T, skip int) string {
	t.Helper()
	for _, id := range env.emu.MediaIDs(env.emu.Accounts().CreatorUserID) {
		_, thumbErr := env.emu.CDNURL(id, emulator.VariantThumb, testStart)
		_, fileErr := env.emu.CDNURL(id, emulator.VariantFile, testStart)
		if thumbErr != nil && fileErr == nil {
			if skip == 0 {
				return id
			}
			skip--
		}
	}
	t.Fatalf("the emulator has no image media")
	return ""
}

// register registers the file of a media with a link expiring at exp.
func (env *emulatorEnv) register(t *testing.T, id string, exp time.Time, change func(string) string) Ref {
	t.Helper()
	link, err := env.emu.CDNURL(id, emulator.VariantFile, exp)
	if err != nil {
		t.Fatalf("CDNURL: %v", err)
	}
	if change != nil {
		link = change(link)
	}
	ref := Ref{AccountID: 1, MediaID: id, Variant: VariantFile}
	if err := env.store.Register(t.Context(), []Registration{{Ref: ref, CDNURL: link, Resolvable: true}}); err != nil {
		t.Fatalf("Register: %v", err)
	}
	return ref
}

func (env *emulatorEnv) cdnFile(t *testing.T, id string) []byte {
	t.Helper()
	b, err := env.emu.CDNFile(id, emulator.VariantFile)
	if err != nil {
		t.Fatalf("CDNFile: %v", err)
	}
	return b
}

func TestEmulatorExpiredLinkResolved(t *testing.T) {
	env := newEmulatorEnv(t)
	id := env.imageMedia(t, 0)
	ref := env.register(t, id, testStart.Add(time.Hour), nil)
	env.clock.Advance(2 * time.Hour)

	resp := env.get(t, http.MethodGet, mediaPath(ref), nil)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("status %d, body %q", resp.StatusCode, readBody(t, resp))
	}
	if got := readBody(t, resp); !bytes.Equal(got, env.cdnFile(t, id)) {
		t.Errorf("body differs from the emulator's CDN file")
	}
	if got := env.resolver.callCount(); got != 1 {
		t.Errorf("resolver calls = %d, want 1", got)
	}
	if got := env.emu.Calls(emulator.EndpointCDN); got != 1 {
		t.Errorf("CDN calls = %d, want 1 (the expired link is never sent)", got)
	}
}

func TestEmulatorForbiddenLinkResolvedOnce(t *testing.T) {
	tests := []struct {
		name       string
		broken     bool // the CDN rejects the resolver's links too
		wantStatus int
	}{
		{name: "fresh link works", wantStatus: http.StatusOK},
		{name: "fresh link rejected", broken: true, wantStatus: http.StatusBadGateway},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			env := newEmulatorEnv(t)
			env.resolver.broken = tt.broken
			id := env.imageMedia(t, 0)
			ref := env.register(t, id, testStart.Add(time.Hour), badSignature)

			if got := env.get(t, http.MethodGet, mediaPath(ref), nil).StatusCode; got != tt.wantStatus {
				t.Errorf("status = %d, want %d", got, tt.wantStatus)
			}
			if got := env.resolver.callCount(); got != 1 {
				t.Errorf("resolver calls = %d, want 1", got)
			}
			if got := env.emu.Calls(emulator.EndpointCDN); got != 2 {
				t.Errorf("CDN calls = %d, want 2", got)
			}
		})
	}
}

func TestEmulatorDisallowedStoredLinkResolvedOnce(t *testing.T) {
	const oldHost = "127.0.0.1:1" // a port the guard does not allow
	tests := []struct {
		name         string
		resolverHost string // "" returns links on the emulator's allowed host
		wantStatus   int
		wantCDNCalls int
	}{
		{name: "fresh link allowed", wantStatus: http.StatusOK, wantCDNCalls: 1},
		{name: "fresh link disallowed too", resolverHost: oldHost, wantStatus: http.StatusBadGateway},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			env := newEmulatorEnv(t)
			env.resolver.host = tt.resolverHost
			id := env.imageMedia(t, 0)
			ref := env.register(t, id, testStart.Add(time.Hour), nil)
			stored := withHost(env.emuLink(t, id), oldHost)
			if err := env.index.SetMediaCDNURL(t.Context(), ref.String(), stored); err != nil {
				t.Fatal(err)
			}

			resp := env.get(t, http.MethodGet, mediaPath(ref), nil)
			if resp.StatusCode != tt.wantStatus {
				t.Errorf("status = %d, want %d", resp.StatusCode, tt.wantStatus)
			}
			if tt.wantStatus == http.StatusOK {
				if got := readBody(t, resp); !bytes.Equal(got, env.cdnFile(t, id)) {
					t.Errorf("body differs from the emulator's CDN file")
				}
			}
			if got := env.resolver.callCount(); got != 1 {
				t.Errorf("resolver calls = %d, want 1", got)
			}
			if got := env.emu.Calls(emulator.EndpointCDN); got != tt.wantCDNCalls {
				t.Errorf("CDN calls = %d, want %d", got, tt.wantCDNCalls)
			}
		})
	}
}

// emuLink returns a current emulator link of a media's file.
func (env *emulatorEnv) emuLink(t *testing.T, id string) string {
	t.Helper()
	link, err := env.emu.CDNURL(id, emulator.VariantFile, testStart.Add(time.Hour))
	if err != nil {
		t.Fatalf("CDNURL: %v", err)
	}
	return link
}

func TestEmulatorDeletedMedia(t *testing.T) {
	env := newEmulatorEnv(t)
	cached, deleted := env.imageMedia(t, 0), env.imageMedia(t, 1)
	cachedRef := env.register(t, cached, testStart.Add(time.Hour), nil)
	deletedRef := env.register(t, deleted, testStart.Add(time.Hour), nil)
	if got := env.get(t, http.MethodGet, mediaPath(cachedRef), nil).StatusCode; got != http.StatusOK {
		t.Fatalf("GET before deletion: status %d", got)
	}
	for _, id := range []string{cached, deleted} {
		if err := env.emu.DeleteMedia(id); err != nil {
			t.Fatalf("DeleteMedia: %v", err)
		}
	}

	if got := env.get(t, http.MethodGet, mediaPath(deletedRef), nil).StatusCode; got != http.StatusNotFound {
		t.Errorf("deleted media: status = %d, want 404", got)
	}
	if got := env.resolver.callCount(); got != 1 {
		t.Errorf("resolver calls = %d, want 1", got)
	}
	row, err := env.index.MediaFile(t.Context(), deletedRef.String())
	if err != nil {
		t.Fatalf("MediaFile: %v", err)
	}
	if !row.Gone {
		t.Errorf("deleted media is not marked gone")
	}
	// A file downloaded before the deletion is still served from disk.
	if got := env.get(t, http.MethodGet, mediaPath(cachedRef), nil).StatusCode; got != http.StatusOK {
		t.Errorf("media downloaded before deletion: status = %d, want 200", got)
	}
}

func TestEmulatorConcurrentDownloadOnce(t *testing.T) {
	env := newEmulatorEnv(t)
	// Latency keeps the first download open while the other requests arrive.
	env.emu.InjectFault(emulator.Fault{Endpoint: emulator.EndpointCDN, Latency: 100 * time.Millisecond})
	id := env.imageMedia(t, 0)
	ref := env.register(t, id, testStart.Add(time.Hour), nil)
	want := env.cdnFile(t, id)

	const n = 100
	var wg sync.WaitGroup
	results := make([]string, n)
	for i := range n {
		wg.Go(func() {
			resp := env.get(t, http.MethodGet, mediaPath(ref), nil)
			body := readBody(t, resp)
			results[i] = fmt.Sprintf("status %d, equal %v", resp.StatusCode, bytes.Equal(body, want))
		})
	}
	wg.Wait()
	for i, got := range results {
		if got != "status 200, equal true" {
			t.Errorf("request %d: %s", i, got)
		}
	}
	if got := env.emu.Calls(emulator.EndpointCDN); got != 1 {
		t.Errorf("CDN calls = %d, want 1", got)
	}
}

func TestEmulatorVideoServed(t *testing.T) {
	env := newEmulatorEnv(t)
	var id string
	for _, m := range env.emu.MediaIDs(env.emu.Accounts().CreatorUserID) {
		if _, err := env.emu.CDNURL(m, emulator.VariantThumb, testStart); err == nil {
			id = m
			break
		}
	}
	if id == "" {
		t.Fatalf("the emulator has no video media")
	}
	link, err := env.emu.CDNURL(id, emulator.VariantFile, testStart.Add(time.Hour))
	if err != nil {
		t.Fatalf("CDNURL: %v", err)
	}
	ref := Ref{AccountID: 1, MediaID: id, Variant: VariantFile}
	if err := env.store.Register(t.Context(), []Registration{{Ref: ref, CDNURL: link, Video: true, Resolvable: true}}); err != nil {
		t.Fatalf("Register: %v", err)
	}
	want := env.cdnFile(t, id)

	resp := env.get(t, http.MethodGet, "/media/"+ref.String()+".mp4", http.Header{"Range": {"bytes=100-199"}})
	if resp.StatusCode != http.StatusPartialContent {
		t.Fatalf("status = %d, want 206", resp.StatusCode)
	}
	if got := resp.Header.Get("Content-Type"); got != "video/mp4" {
		t.Errorf("Content-Type = %q, want video/mp4", got)
	}
	if got := readBody(t, resp); !bytes.Equal(got, want[100:200]) {
		t.Errorf("range body differs from the CDN file's bytes 100-199")
	}
	if got := env.store.URL(ref, true); !strings.HasSuffix(got, "/media/"+ref.String()+".mp4") {
		t.Errorf("URL = %q, want a .mp4 URL", got)
	}
}
