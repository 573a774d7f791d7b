package emulator

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/igsource/igsource/internal/clock"
)

// The path prefixes under the base URL, one per emulated host.
const (
	prefixInstagram = "/graph.instagram.com"
	prefixFacebook  = "/graph.facebook.com"
	prefixCDN       = "/cdn"
)

// maxImageSide bounds Options.ImageSide, since every generated image is held in memory.
const maxImageSide = 4096

// DefaultSeed is the dataset seed used when Options.Seed is zero.
const DefaultSeed int64 = 20240723

// Options configure an Emulator. The zero value is usable.
type Options struct {
	Clock  clock.Clock  // nil means clock.System
	Seed   int64        // dataset seed; 0 means DefaultSeed
	Logger *slog.Logger // nil discards logs

	// CallsPerHour is the call budget behind the usage headers: 100 % is reached when this many
	// calls arrived within the last hour. 0 means 4800, Meta's per-impression BUC figure.
	CallsPerHour int
	// ThrottleCode is the error code sent once a budget is exhausted: 4, 17, 32, 613 or 80002.
	// 0 sends 80002 on reads of an Instagram account and 4 on every other call.
	ThrottleCode int

	ImageSide         int           // side of generated JPEGs in pixels, at most 4096; 0 means 1080
	VideoBytes        int           // size of generated MP4 files; 0 means 512 KiB
	ImageLinkLifetime time.Duration // CDN link lifetime of images; 0 means 4 days
	VideoLinkLifetime time.Duration // CDN link lifetime of videos; 0 means 2 days

	// MediaCap is how many of the newest media /media can reach; 0 means Meta's 10 000.
	MediaCap int
	// ChildrenIDsOnly expands children{...} to bare ids, as some Meta responses do.
	ChildrenIDsOnly bool
}

// Emulator serves an emulation of Meta's Graph API hosts and CDN over one http.Handler.
// All methods are safe for concurrent use.
type Emulator struct {
	clock  clock.Clock
	logger *slog.Logger
	opts   Options
	mux    *http.ServeMux

	// graphPaths are extra handlers for first path segments on a Graph host (the OAuth token
	// endpoints live there), keyed by host prefix plus segment.
	graphPaths map[string]http.Handler

	mu      sync.Mutex
	baseURL string
	data    *dataset
	tokens  map[string]*TokenRecord
	usage   usageState
	calls   map[Endpoint]int
	queries []RequestRecord
	faults  []*faultState
	// hashtagSearches holds, per IG account, when each hashtag in the rolling window was
	// first searched.
	hashtagSearches map[string]map[string]time.Time
	trace           uint64
	files           *fileCache
}

// extensions run at the end of New. Other files of this package (the OAuth endpoints) append
// to it from init functions to register their routes without editing New.
var extensions []func(e *Emulator)

// New returns an emulator with the dataset generated from opts.Seed, its timestamps anchored at
// the clock's current time.
func New(opts Options) *Emulator {
	if opts.Clock == nil {
		opts.Clock = clock.System
	}
	if opts.Seed == 0 {
		opts.Seed = DefaultSeed
	}
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	applyDefaults(&opts)
	e := &Emulator{
		clock:      opts.Clock,
		logger:     opts.Logger,
		opts:       opts,
		mux:        http.NewServeMux(),
		graphPaths: map[string]http.Handler{},
		baseURL:    "http://127.0.0.1",
		tokens:     map[string]*TokenRecord{},
		calls:      map[Endpoint]int{},
		files:      newFileCache(64),
	}

	e.data = generateDataset(opts.Seed, opts.Clock.Now())
	e.issuePageTokens()

	e.mux.Handle(prefixInstagram+"/", e.graphHandler(HostInstagram))
	e.mux.Handle(prefixFacebook+"/", e.graphHandler(HostFacebook))
	e.mux.Handle(prefixCDN+"/", http.HandlerFunc(e.serveCDN))
	for _, extend := range extensions {
		extend(e)
	}
	return e
}

func applyDefaults(o *Options) {
	if o.CallsPerHour <= 0 {
		o.CallsPerHour = 4800
	}
	if o.ImageSide <= 0 {
		o.ImageSide = 1080
	}
	o.ImageSide = min(o.ImageSide, maxImageSide)
	if o.VideoBytes <= 0 {
		o.VideoBytes = 512 << 10
	}
	if o.ImageLinkLifetime <= 0 {
		o.ImageLinkLifetime = 96 * time.Hour
	}
	if o.VideoLinkLifetime <= 0 {
		o.VideoLinkLifetime = 48 * time.Hour
	}
	if o.MediaCap <= 0 {
		o.MediaCap = 10000
	}
}

// Handler returns the handler that serves every emulated host under its path prefix.
func (e *Emulator) Handler() http.Handler { return e.mux }

// Handle registers h for a path pattern of the emulator's mux, such as "/api.instagram.com/".
// The OAuth endpoints use it for hosts that have no Graph API.
func (e *Emulator) Handle(pattern string, h http.Handler) { e.mux.Handle(pattern, h) }

// HandleGraphPath registers h for requests on a Graph host whose path, after the optional
// version, starts with segment (such as "access_token" or "oauth"). h gets the request unchanged.
func (e *Emulator) HandleGraphPath(kind Host, segment string, h http.Handler) {
	e.graphPaths[kind.prefix()+"/"+segment] = h
}

// SetBaseURL sets the URL the handler is reachable at, such as "http://127.0.0.1:8081". Paging
// links and CDN links are built from it.
func (e *Emulator) SetBaseURL(u string) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.baseURL = strings.TrimRight(u, "/")
}

// BaseURL returns the URL set with SetBaseURL.
func (e *Emulator) BaseURL() string {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.baseURL
}

// InstagramBaseURL returns the emulated https://graph.instagram.com.
func (e *Emulator) InstagramBaseURL() string { return e.BaseURL() + prefixInstagram }

// FacebookBaseURL returns the emulated https://graph.facebook.com.
func (e *Emulator) FacebookBaseURL() string { return e.BaseURL() + prefixFacebook }

// CDNBaseURL returns the base of the emulated CDN links.
func (e *Emulator) CDNBaseURL() string { return e.BaseURL() + prefixCDN }

// Now returns the emulator clock's current time.
func (e *Emulator) Now() time.Time { return e.clock.Now() }

// Start serves the emulator on addr (such as "127.0.0.1:0"), sets the base URL and returns it
// with a function that shuts the server down.
func (e *Emulator) Start(addr string) (baseURL string, stop func(), err error) {
	listener, err := net.Listen("tcp", addr)
	if err != nil {
		return "", nil, fmt.Errorf("listen for the emulator on %s: %w", addr, err)
	}
	srv := &http.Server{Handler: e.Handler(), ReadHeaderTimeout: 10 * time.Second}
	baseURL = "http://" + listener.Addr().String()
	e.SetBaseURL(baseURL)
	go func() {
		if err := srv.Serve(listener); err != nil && !errors.Is(err, http.ErrServerClosed) {
			e.logger.Error("Emulator server stopped", "addr", addr, "error", err)
		}
	}()
	e.logger.Info("Emulator started", "base_url", baseURL)
	stop = func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		if err := srv.Shutdown(ctx); err != nil {
			e.logger.Error("Emulator shutdown failed", "error", err)
		}
	}
	return baseURL, stop, nil
}
