// Package media keeps local copies of Instagram CDN files so that igsource URLs never expire.
// A ref is registered with its newest CDN link, downloaded on first request through a guarded
// fetcher, written durably into a folder and served from there ever after.
package media

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/netip"
	"os"
	"strings"
	"sync"
	"time"

	"golang.org/x/sync/singleflight"

	"github.com/igsource/igsource/internal/clock"
	"github.com/igsource/igsource/internal/store"
)

// Default limits of a Config left at zero.
const (
	DefaultMaxImageBytes = 20 << 20  // 20 MB
	DefaultMaxVideoBytes = 100 << 20 // 100 MB
	DefaultDownloads     = 4
	DefaultTimeout       = 60 * time.Second
)

// Config configures a Store.
type Config struct {
	// Dir is the folder of the downloaded files, created if missing. New removes the files
	// that a crash left in it but keeps those that a download in another process holds
	// locked, so a server and a CLI command may share it where flock exists (Linux, macOS, BSD).
	Dir       string
	PublicURL string // igsource's external base URL, without the trailing slash

	// AllowedHosts lists extra "host:port" origins that may be fetched over http or https and
	// may be on loopback, such as the emulator's CDN in demos and tests.
	AllowedHosts []string

	MaxImageBytes int64         // per file; DefaultMaxImageBytes when 0
	MaxVideoBytes int64         // per file; DefaultMaxVideoBytes when 0
	MaxCacheBytes int64         // total of downloaded files; 0 means unlimited
	Downloads     int           // concurrent downloads of the whole store; DefaultDownloads when 0
	Timeout       time.Duration // per download, headers and body; DefaultTimeout when 0

	Clock   clock.Clock  // clock.System when nil
	Logger  *slog.Logger // slog.Default() when nil
	Metrics *Metrics     // optional

	// NetResolver looks up CDN host names; net.DefaultResolver when nil. Tests inject one to
	// map a CDN name to a loopback address.
	NetResolver NetResolver
}

// NetResolver looks up the addresses of a host name. *net.Resolver implements it.
type NetResolver interface {
	LookupNetIP(ctx context.Context, network, host string) ([]netip.Addr, error)
}

// Index is the media index that a Store keeps its registrations and downloads in.
// *store.Store implements it.
type Index interface {
	UpsertMediaFiles(ctx context.Context, files []store.MediaFile) error
	MediaFile(ctx context.Context, ref string) (*store.MediaFile, error)
	SetMediaDownloaded(ctx context.Context, ref, path string, size int64, contentType, sha256 string, at time.Time) error
	SetMediaCDNURL(ctx context.Context, ref, url string) error
	TouchMedia(ctx context.Context, ref string, at time.Time) error
	MarkMediaGone(ctx context.Context, ref string) error
	ClearMediaDownload(ctx context.Context, ref string) error
	DownloadedMedia(ctx context.Context) ([]store.MediaFile, error)
	MediaCacheSize(ctx context.Context) (int64, error)
	PendingMedia(ctx context.Context, accountID int64) ([]store.MediaFile, error)
}

// Resolver returns a fresh CDN link for a ref by re-reading its media from the API. An error
// for which instagram.IsNotFound is true, or an *apperr.Error with code NOT_FOUND, means the
// media was deleted.
type Resolver interface {
	ResolveURL(ctx context.Context, ref Ref) (string, error)
}

// Store downloads, keeps and serves the local copies of CDN files.
type Store struct {
	cfg     Config
	index   Index
	log     *slog.Logger
	clock   clock.Clock
	guard   *guard
	client  *http.Client
	metrics *Metrics

	resolverMu sync.RWMutex
	resolver   Resolver

	flight singleflight.Group
	slots  chan struct{} // one token per running download

	served *servedRows // index rows of downloaded files, so serving reads no SQLite row

	touchMu sync.Mutex
	touched map[string]time.Time // last TouchMedia per ref

	evictMu sync.Mutex

	ctx     context.Context // cancelled by Close; parent of background downloads
	cancel  context.CancelFunc
	closeMu sync.Mutex // keeps wg.Add from running once Close waits, which WaitGroup forbids
	closed  bool
	wg      sync.WaitGroup
}

// New returns a Store that keeps its files in cfg.Dir and its records in index. It creates the
// folder, removes temporary files that an interrupted download left, clears the download
// records of missing files and evicts files over MaxCacheBytes.
func New(cfg Config, index Index) (*Store, error) {
	if index == nil {
		return nil, errors.New("new media store: index is nil")
	}
	cfg, err := withDefaults(cfg)
	if err != nil {
		return nil, err
	}
	g, err := newGuard(cfg)
	if err != nil {
		return nil, err
	}
	ctx, cancel := context.WithCancel(context.Background())
	s := &Store{
		cfg:     cfg,
		index:   index,
		log:     cfg.Logger,
		clock:   cfg.Clock,
		guard:   g,
		client:  g.client(cfg.Downloads),
		metrics: cfg.Metrics,
		slots:   make(chan struct{}, cfg.Downloads),
		touched: make(map[string]time.Time),
		served:  newServedRows(),
		ctx:     ctx,
		cancel:  cancel,
	}
	if err := s.recover(ctx); err != nil {
		cancel()
		return nil, err
	}
	s.evict(ctx, "") // applies a lowered MaxCacheBytes and sets the cache size metric
	return s, nil
}

func withDefaults(cfg Config) (Config, error) {
	if cfg.Dir == "" {
		return cfg, errors.New("new media store: Dir is empty; set the media folder")
	}
	if err := os.MkdirAll(cfg.Dir, 0o750); err != nil {
		return cfg, fmt.Errorf("create media folder %s: %w", cfg.Dir, err)
	}
	cfg.PublicURL = strings.TrimRight(cfg.PublicURL, "/")
	if cfg.MaxImageBytes <= 0 {
		cfg.MaxImageBytes = DefaultMaxImageBytes
	}
	if cfg.MaxVideoBytes <= 0 {
		cfg.MaxVideoBytes = DefaultMaxVideoBytes
	}
	if cfg.MaxCacheBytes < 0 {
		return cfg, fmt.Errorf("new media store: MaxCacheBytes %d is negative; use 0 for unlimited", cfg.MaxCacheBytes)
	}
	if cfg.Downloads <= 0 {
		cfg.Downloads = DefaultDownloads
	}
	if cfg.Timeout <= 0 {
		cfg.Timeout = DefaultTimeout
	}
	if cfg.Clock == nil {
		cfg.Clock = clock.System
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	return cfg, nil
}

// SetResolver sets the resolver of expired links. The source layer is built after the media
// store, so it is set afterwards; until then an expired link fails its download.
func (s *Store) SetResolver(r Resolver) {
	s.resolverMu.Lock()
	defer s.resolverMu.Unlock()
	s.resolver = r
}

func (s *Store) currentResolver() Resolver {
	s.resolverMu.RLock()
	defer s.resolverMu.RUnlock()
	return s.resolver
}

// Close stops background downloads and waits for them to end.
func (s *Store) Close() error {
	s.closeMu.Lock()
	s.closed = true
	s.closeMu.Unlock()
	s.cancel()
	s.wg.Wait()
	return nil
}

// PublicURL returns the base URL that URL puts before "/media/", without the trailing slash.
func (s *Store) PublicURL() string { return s.cfg.PublicURL }

// URL returns the igsource URL of a ref: PublicURL/media/{ref}.mp4 for a video, .jpg
// otherwise. The extension is for people and tools that read URLs; serving ignores it and
// sets Content-Type from the file's bytes.
func (s *Store) URL(ref Ref, video bool) string {
	ext := ".jpg"
	if video {
		ext = ".mp4"
	}
	return s.cfg.PublicURL + "/media/" + ref.String() + ext
}
