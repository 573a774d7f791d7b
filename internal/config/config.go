// Package config defines igsource's settings: their flags, environment variables, defaults,
// validation and redacted printing.
//
// Each field carries kong tags, so the command line parses straight into a Config. The json tag
// of a field is its key in a configuration file and in the output of `igsource config`, so that
// output can be saved as a configuration file once the redacted secrets are filled in.
package config

import (
	"net"
	"net/url"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

// Production base URLs of Meta's hosts.
const (
	DefaultGraphInstagramURL = "https://graph.instagram.com"
	DefaultGraphFacebookURL  = "https://graph.facebook.com"
	DefaultInstagramAPIURL   = "https://api.instagram.com"
	DefaultInstagramWebURL   = "https://www.instagram.com"
	DefaultFacebookWebURL    = "https://www.facebook.com"
)

// DefaultMaxContentFields is the default of --max-content-fields, equal to
// graph.DefaultMaxContentFields, which the GraphQL handler uses when the setting is 0.
const DefaultMaxContentFields = 10

// Config is the effective configuration of one igsource command. Fields tagged secret are
// never printed: Redacted replaces their values.
//
// Defaults that depend on other settings stay empty here. The methods DatabasePath, BaseURL and
// OAuthRedirectURI derive them, and Effective fills them in.
type Config struct {
	Listen    string `json:"listen" name:"listen" help:"Address the HTTP server listens on, HOST:PORT." default:"127.0.0.1:8080" env:"IGSOURCE_LISTEN"`
	PublicURL string `json:"public_url" name:"public-url" help:"URL at which visitors reach this server, used in media URLs (default http://LISTEN)." env:"IGSOURCE_PUBLIC_URL"`
	DataDir   string `json:"data" name:"data" help:"Folder for the database, the key file and media copies." default:"${data_default}" env:"IGSOURCE_DATA" placeholder:"DIR"`
	Database  string `json:"database" name:"database" help:"SQLite database file (default DATA/igsource.db)." env:"IGSOURCE_DATABASE" placeholder:"FILE"`

	EncryptionKey string `json:"encryption_key" name:"encryption-key" secret:"" help:"Base64 of 32 random bytes that encrypt tokens at rest (default: DATA/secret.key, created on first start)." env:"IGSOURCE_ENCRYPTION_KEY"`

	InstagramAppID     string `json:"instagram_app_id" name:"instagram-app-id" help:"Instagram app id of your Meta app, for Instagram Login." env:"IGSOURCE_INSTAGRAM_APP_ID"`
	InstagramAppSecret string `json:"instagram_app_secret" name:"instagram-app-secret" secret:"" help:"Instagram app secret of your Meta app." env:"IGSOURCE_INSTAGRAM_APP_SECRET"`
	FacebookAppID      string `json:"facebook_app_id" name:"facebook-app-id" help:"App id of your Meta app, for Facebook Login." env:"IGSOURCE_FACEBOOK_APP_ID"`
	FacebookAppSecret  string `json:"facebook_app_secret" name:"facebook-app-secret" secret:"" help:"App secret of your Meta app." env:"IGSOURCE_FACEBOOK_APP_SECRET"`
	RedirectURI        string `json:"redirect_uri" name:"redirect-uri" help:"OAuth redirect URI registered with your Meta app (default PUBLIC_URL/admin/oauth/callback)." env:"IGSOURCE_REDIRECT_URI"`

	GraphInstagramURL string `json:"graph_instagram_url" name:"graph-instagram-url" help:"Base URL of graph.instagram.com." default:"${graph_instagram_url}" env:"IGSOURCE_GRAPH_INSTAGRAM_URL"`
	GraphFacebookURL  string `json:"graph_facebook_url" name:"graph-facebook-url" help:"Base URL of graph.facebook.com." default:"${graph_facebook_url}" env:"IGSOURCE_GRAPH_FACEBOOK_URL"`
	InstagramAPIURL   string `json:"instagram_api_url" name:"instagram-api-url" help:"Base URL of api.instagram.com (Instagram Login code exchange)." default:"${instagram_api_url}" env:"IGSOURCE_INSTAGRAM_API_URL"`
	InstagramWebURL   string `json:"instagram_web_url" name:"instagram-web-url" help:"Base URL of www.instagram.com (Instagram Login authorize page)." default:"${instagram_web_url}" env:"IGSOURCE_INSTAGRAM_WEB_URL"`
	FacebookWebURL    string `json:"facebook_web_url" name:"facebook-web-url" help:"Base URL of www.facebook.com (Facebook Login dialog)." default:"${facebook_web_url}" env:"IGSOURCE_FACEBOOK_WEB_URL"`
	GraphVersion      string `json:"graph_version" name:"graph-version" help:"Graph API version in request paths." default:"v25.0" env:"IGSOURCE_GRAPH_VERSION"`
	EmulatorURL       string `json:"emulator_url" name:"emulator-url" help:"Base URL of an igsource emulator; when set, every Meta host URL points at it and media downloads from it are allowed." env:"IGSOURCE_EMULATOR_URL"`

	MediaMaxImageBytes int64         `json:"media_max_image_bytes" name:"media-max-image-bytes" help:"Largest image file downloaded, in bytes." default:"20971520" env:"IGSOURCE_MEDIA_MAX_IMAGE_BYTES"`
	MediaMaxVideoBytes int64         `json:"media_max_video_bytes" name:"media-max-video-bytes" help:"Largest video file downloaded, in bytes." default:"104857600" env:"IGSOURCE_MEDIA_MAX_VIDEO_BYTES"`
	MediaMaxCacheBytes int64         `json:"media_max_cache_bytes" name:"media-max-cache-bytes" help:"Total size of media copies kept before the least recently used are evicted, in bytes; 0 keeps all." default:"0" env:"IGSOURCE_MEDIA_MAX_CACHE_BYTES"`
	MediaAllowedHosts  []string      `json:"media_allowed_hosts" name:"media-allowed-hosts" help:"Extra HOST:PORT origin media may be downloaded from over http, loopback allowed; repeat or separate with commas." env:"IGSOURCE_MEDIA_ALLOWED_HOSTS"`
	MediaDownloads     int           `json:"media_downloads" name:"media-downloads" help:"Media downloads running at once." default:"4" env:"IGSOURCE_MEDIA_DOWNLOADS"`
	MediaTimeout       time.Duration `json:"media_timeout" name:"media-timeout" help:"Time limit of one media download." default:"60s" env:"IGSOURCE_MEDIA_TIMEOUT"`

	CORSOrigins      []string `json:"cors_origins" name:"cors-origins" help:"Origin allowed to call the content API from a browser, such as https://example.com, or * for any; repeat or separate with commas." env:"IGSOURCE_CORS_ORIGINS"`
	APIKey           string   `json:"api_key" name:"api-key" secret:"" help:"Key the content API requires as Authorization: Bearer or X-API-Key (default: the content API is public)." env:"IGSOURCE_API_KEY"`
	AdminPassword    string   `json:"admin_password" name:"admin-password" secret:"" help:"Password of the admin pages and admin API (user name admin); admin routes stay closed without it." env:"IGSOURCE_ADMIN_PASSWORD"`
	Introspection    bool     `json:"introspection" name:"introspection" help:"Allow GraphQL introspection queries." default:"true" negatable:"" env:"IGSOURCE_INTROSPECTION"`
	ComplexityLimit  int      `json:"complexity_limit" name:"complexity-limit" help:"Highest GraphQL query complexity accepted; a media list costs its selected fields times its amount." default:"${complexity_limit}" env:"IGSOURCE_COMPLEXITY_LIMIT"`
	MaxContentFields int      `json:"max_content_fields" name:"max-content-fields" help:"Maximum number of media, mediaSingle, hashtaggedMedia and user fields in one GraphQL request, counting each alias and each instance under instances; each can call Instagram." default:"${max_content_fields}" env:"IGSOURCE_MAX_CONTENT_FIELDS"`
	Hashtags         []string `json:"hashtags" name:"hashtags" help:"Hashtags that hashtag queries may search, normalised like queries; repeat or separate with commas (default: any tag). A list keeps visitors of a public content API from spending the account's 30 hashtag searches a week." env:"IGSOURCE_HASHTAGS"`

	TokenRefreshMargin time.Duration `json:"token_refresh_margin" name:"token-refresh-margin" help:"How long before expiry an Instagram Login token is refreshed; tokens live 60 days." default:"168h" env:"IGSOURCE_TOKEN_REFRESH_MARGIN"`

	LogLevel  string `json:"log_level" name:"log-level" help:"Lowest level logged: ${enum}." default:"info" enum:"debug,info,warn,error" env:"IGSOURCE_LOG_LEVEL"`
	LogFormat string `json:"log_format" name:"log-format" help:"Log format: ${enum}; auto is text on a terminal and JSON otherwise." default:"auto" enum:"auto,text,json" env:"IGSOURCE_LOG_FORMAT"`

	// Instances are declared in the configuration file only; serve and demo create or update
	// them at start.
	Instances []InstanceSpec `json:"instances" kong:"-"`
}

// InstanceSpec declares an instance in the configuration file, so that a deployment can keep
// its instances as code.
type InstanceSpec struct {
	Name    string `json:"name"`
	Account string `json:"account"`         // username or igsource id of a connected account
	Page    string `json:"page,omitempty"`  // Facebook Login: the Page id; empty picks the account's Page
	Cache   int    `json:"cache,omitempty"` // default cache time in seconds; 0 means 3600
}

// Vars returns the values that the default tags of Config interpolate, except two that the
// command line sets: data_default, because the default data folder differs between commands,
// and complexity_limit, because the GraphQL package sizes that limit to its own cost function.
func Vars() map[string]string {
	return map[string]string{
		"graph_instagram_url": DefaultGraphInstagramURL,
		"graph_facebook_url":  DefaultGraphFacebookURL,
		"instagram_api_url":   DefaultInstagramAPIURL,
		"instagram_web_url":   DefaultInstagramWebURL,
		"facebook_web_url":    DefaultFacebookWebURL,
		"max_content_fields":  strconv.Itoa(DefaultMaxContentFields),
	}
}

// DatabasePath returns the SQLite file: Database, or igsource.db in the data folder.
func (c *Config) DatabasePath() string {
	if c.Database != "" {
		return c.Database
	}
	return filepath.Join(c.DataDir, "igsource.db")
}

// MediaDir returns the folder of local media copies.
func (c *Config) MediaDir() string {
	return filepath.Join(c.DataDir, "media")
}

// BaseURL returns the public URL without a trailing slash: PublicURL, or http:// and the
// listen address. An unspecified listen host (":8080", "0.0.0.0:8080") becomes 127.0.0.1.
func (c *Config) BaseURL() string {
	if c.PublicURL != "" {
		return strings.TrimRight(c.PublicURL, "/")
	}
	host, port, err := net.SplitHostPort(c.Listen)
	if err != nil {
		return "http://" + c.Listen
	}
	if ip := net.ParseIP(host); host == "" || (ip != nil && ip.IsUnspecified()) {
		host = "127.0.0.1"
	}
	return "http://" + net.JoinHostPort(host, port)
}

// OAuthRedirectURI returns RedirectURI, or the admin OAuth callback under the public URL.
func (c *Config) OAuthRedirectURI() string {
	if c.RedirectURI != "" {
		return c.RedirectURI
	}
	return c.BaseURL() + "/admin/oauth/callback"
}

// Effective returns a copy of c with the derived defaults filled in: the database path, the
// public URL, the OAuth redirect URI and the Meta URLs that Meta returns, which with
// EmulatorURL set are the emulator's.
func (c *Config) Effective() Config {
	e := *c
	e.Database = c.DatabasePath()
	e.PublicURL = c.BaseURL()
	e.RedirectURI = c.OAuthRedirectURI()
	meta := c.Meta()
	e.GraphInstagramURL = meta.GraphInstagram
	e.GraphFacebookURL = meta.GraphFacebook
	e.InstagramAPIURL = meta.InstagramAPI
	e.InstagramWebURL = meta.InstagramWeb
	e.FacebookWebURL = meta.FacebookWeb
	return e
}

// MetaURLs are the base URLs of Meta's hosts that igsource calls.
type MetaURLs struct {
	GraphInstagram string
	GraphFacebook  string
	InstagramAPI   string
	InstagramWeb   string
	FacebookWeb    string
}

// Meta returns the base URLs of Meta's hosts. With EmulatorURL set, each host is the emulator's
// path prefix named after the host, the layout the emulator serves.
func (c *Config) Meta() MetaURLs {
	if c.EmulatorURL != "" {
		base := strings.TrimRight(c.EmulatorURL, "/")
		return MetaURLs{
			GraphInstagram: base + "/graph.instagram.com",
			GraphFacebook:  base + "/graph.facebook.com",
			InstagramAPI:   base + "/api.instagram.com",
			InstagramWeb:   base + "/www.instagram.com",
			FacebookWeb:    base + "/www.facebook.com",
		}
	}
	return MetaURLs{
		GraphInstagram: c.GraphInstagramURL,
		GraphFacebook:  c.GraphFacebookURL,
		InstagramAPI:   c.InstagramAPIURL,
		InstagramWeb:   c.InstagramWebURL,
		FacebookWeb:    c.FacebookWebURL,
	}
}

// MediaHosts returns the extra origins media may be downloaded from: MediaAllowedHosts plus
// the emulator's host when EmulatorURL is set.
func (c *Config) MediaHosts() []string {
	hosts := append([]string(nil), c.MediaAllowedHosts...)
	if c.EmulatorURL == "" {
		return hosts
	}
	if u, err := url.Parse(c.EmulatorURL); err == nil && u.Host != "" {
		hosts = append(hosts, u.Host)
	}
	return hosts
}
