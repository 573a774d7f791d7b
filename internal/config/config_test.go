package config

import (
	"bytes"
	"encoding/json"
	"reflect"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/igsource/igsource/internal/graph"
)

// valid returns a configuration with the defaults that kong's tags set.
func valid() Config {
	return Config{
		Listen:             "127.0.0.1:8080",
		DataDir:            "./igsource-data",
		GraphInstagramURL:  DefaultGraphInstagramURL,
		GraphFacebookURL:   DefaultGraphFacebookURL,
		InstagramAPIURL:    DefaultInstagramAPIURL,
		InstagramWebURL:    DefaultInstagramWebURL,
		FacebookWebURL:     DefaultFacebookWebURL,
		GraphVersion:       "v25.0",
		MediaMaxImageBytes: 20 << 20,
		MediaMaxVideoBytes: 100 << 20,
		MediaDownloads:     4,
		MediaTimeout:       time.Minute,
		Introspection:      true,
		ComplexityLimit:    50_000,
		MaxContentFields:   10,
		TokenRefreshMargin: 7 * 24 * time.Hour,
		LogLevel:           "info",
		LogFormat:          "auto",
	}
}

func TestValidateAcceptsDefaults(t *testing.T) {
	c := valid()
	if err := c.Validate(); err != nil {
		t.Fatalf("Validate() of the defaults = %v, want nil", err)
	}
}

func TestValidateRejects(t *testing.T) {
	tests := []struct {
		name   string
		change func(*Config)
		want   string // a part of the message: the flag and the environment variable
	}{
		{"listen without port", func(c *Config) { c.Listen = "localhost" }, "--listen (IGSOURCE_LISTEN)"},
		{"listen port out of range", func(c *Config) { c.Listen = "127.0.0.1:70000" }, "--listen (IGSOURCE_LISTEN)"},
		{"relative public URL", func(c *Config) { c.PublicURL = "example.com" }, "--public-url (IGSOURCE_PUBLIC_URL)"},
		{"empty data folder", func(c *Config) { c.DataDir = " " }, "--data (IGSOURCE_DATA)"},
		{"short key", func(c *Config) { c.EncryptionKey = "c2hvcnQ=" }, "--encryption-key (IGSOURCE_ENCRYPTION_KEY)"},
		{"app id without secret", func(c *Config) { c.InstagramAppID = "123" }, "--instagram-app-secret (IGSOURCE_INSTAGRAM_APP_SECRET)"},
		{"app secret without id", func(c *Config) { c.FacebookAppSecret = "s" }, "--facebook-app-id (IGSOURCE_FACEBOOK_APP_ID)"},
		{"app id not digits", func(c *Config) { c.FacebookAppID, c.FacebookAppSecret = "abc", "s" }, "--facebook-app-id (IGSOURCE_FACEBOOK_APP_ID)"},
		{"graph URL without scheme", func(c *Config) { c.GraphInstagramURL = "graph.instagram.com" }, "--graph-instagram-url (IGSOURCE_GRAPH_INSTAGRAM_URL)"},
		{"graph URL with query", func(c *Config) { c.GraphFacebookURL = "https://graph.facebook.com?x=1" }, "--graph-facebook-url (IGSOURCE_GRAPH_FACEBOOK_URL)"},
		{"graph version", func(c *Config) { c.GraphVersion = "25" }, "--graph-version (IGSOURCE_GRAPH_VERSION)"},
		{"emulator URL", func(c *Config) { c.EmulatorURL = "ftp://x" }, "--emulator-url (IGSOURCE_EMULATOR_URL)"},
		{"zero image limit", func(c *Config) { c.MediaMaxImageBytes = 0 }, "--media-max-image-bytes (IGSOURCE_MEDIA_MAX_IMAGE_BYTES)"},
		{"negative cache size", func(c *Config) { c.MediaMaxCacheBytes = -1 }, "--media-max-cache-bytes (IGSOURCE_MEDIA_MAX_CACHE_BYTES)"},
		{"allowed host without port", func(c *Config) { c.MediaAllowedHosts = []string{"cdn.example"} }, "--media-allowed-hosts (IGSOURCE_MEDIA_ALLOWED_HOSTS)"},
		{"zero downloads", func(c *Config) { c.MediaDownloads = 0 }, "--media-downloads (IGSOURCE_MEDIA_DOWNLOADS)"},
		{"zero timeout", func(c *Config) { c.MediaTimeout = 0 }, "--media-timeout (IGSOURCE_MEDIA_TIMEOUT)"},
		{"CORS origin with path", func(c *Config) { c.CORSOrigins = []string{"https://a.example/page"} }, "--cors-origins (IGSOURCE_CORS_ORIGINS)"},
		{"zero complexity", func(c *Config) { c.ComplexityLimit = 0 }, "--complexity-limit (IGSOURCE_COMPLEXITY_LIMIT)"},
		{"hashtag with a space", func(c *Config) { c.Hashtags = []string{"pizza", "two words"} }, `--hashtags (IGSOURCE_HASHTAGS) contains invalid hashtag "two words"`},
		{"hashtag with a joiner", func(c *Config) { c.Hashtags = []string{"a\u200db"} }, "--hashtags (IGSOURCE_HASHTAGS)"},
		{"zero content fields", func(c *Config) { c.MaxContentFields = 0 }, "--max-content-fields (IGSOURCE_MAX_CONTENT_FIELDS)"},
		{"refresh margin of 60 days", func(c *Config) { c.TokenRefreshMargin = 60 * 24 * time.Hour }, "--token-refresh-margin (IGSOURCE_TOKEN_REFRESH_MARGIN)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := valid()
			tt.change(&c)
			err := c.Validate()
			if err == nil {
				t.Fatal("Validate() = nil, want an error")
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Errorf("Validate() = %q, want it to name %q", err, tt.want)
			}
		})
	}
}

func TestValidateAcceptsHashtags(t *testing.T) {
	c := valid()
	c.Hashtags = []string{"#Pizza", " brunch ", "ラーメン", ""}
	if err := c.Validate(); err != nil {
		t.Errorf("Validate() = %v, want nil", err)
	}
}

func TestValidateReportsEveryProblem(t *testing.T) {
	c := valid()
	c.Listen = "nowhere"
	c.MediaDownloads = 0
	err := c.Validate()
	if err == nil {
		t.Fatal("Validate() = nil, want an error")
	}
	for _, flag := range []string{"--listen", "--media-downloads"} {
		if !strings.Contains(err.Error(), flag) {
			t.Errorf("Validate() = %q, want it to name %s", err, flag)
		}
	}
}

func TestValidateKeyMessageHidesKey(t *testing.T) {
	c := valid()
	c.EncryptionKey = "not-a-key-but-secret-text"
	err := c.Validate()
	if err == nil {
		t.Fatal("Validate() = nil, want an error")
	}
	if strings.Contains(err.Error(), c.EncryptionKey) {
		t.Errorf("Validate() = %q, which contains the configured key", err)
	}
}

func TestDerivedDefaults(t *testing.T) {
	tests := []struct {
		name             string
		change           func(*Config)
		wantBase         string
		wantRedirect     string
		wantDatabasePath string
	}{
		{"from listen", func(c *Config) {}, "http://127.0.0.1:8080", "http://127.0.0.1:8080/admin/oauth/callback", "igsource-data/igsource.db"},
		{"unspecified listen host", func(c *Config) { c.Listen = "0.0.0.0:9000" }, "http://127.0.0.1:9000", "http://127.0.0.1:9000/admin/oauth/callback", "igsource-data/igsource.db"},
		{"empty listen host", func(c *Config) { c.Listen = ":9000" }, "http://127.0.0.1:9000", "http://127.0.0.1:9000/admin/oauth/callback", "igsource-data/igsource.db"},
		{"public URL with slash", func(c *Config) { c.PublicURL = "https://ig.example/" }, "https://ig.example", "https://ig.example/admin/oauth/callback", "igsource-data/igsource.db"},
		{"explicit values", func(c *Config) {
			c.RedirectURI = "https://ig.example/cb"
			c.Database = "/var/lib/ig.db"
		}, "http://127.0.0.1:8080", "https://ig.example/cb", "/var/lib/ig.db"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := valid()
			tt.change(&c)
			if got := c.BaseURL(); got != tt.wantBase {
				t.Errorf("BaseURL() = %q, want %q", got, tt.wantBase)
			}
			if got := c.OAuthRedirectURI(); got != tt.wantRedirect {
				t.Errorf("OAuthRedirectURI() = %q, want %q", got, tt.wantRedirect)
			}
			if got := c.DatabasePath(); got != tt.wantDatabasePath {
				t.Errorf("DatabasePath() = %q, want %q", got, tt.wantDatabasePath)
			}
		})
	}
}

func TestMetaWithEmulator(t *testing.T) {
	c := valid()
	c.EmulatorURL = "http://127.0.0.1:9000/"
	want := MetaURLs{
		GraphInstagram: "http://127.0.0.1:9000/graph.instagram.com",
		GraphFacebook:  "http://127.0.0.1:9000/graph.facebook.com",
		InstagramAPI:   "http://127.0.0.1:9000/api.instagram.com",
		InstagramWeb:   "http://127.0.0.1:9000/www.instagram.com",
		FacebookWeb:    "http://127.0.0.1:9000/www.facebook.com",
	}
	if diff := cmp.Diff(want, c.Meta()); diff != "" {
		t.Errorf("Meta() mismatch (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{"127.0.0.1:9000"}, c.MediaHosts()); diff != "" {
		t.Errorf("MediaHosts() mismatch (-want +got):\n%s", diff)
	}
}

func TestEffectiveMetaURLs(t *testing.T) {
	tests := []struct {
		name        string
		emulatorURL string
		want        MetaURLs
	}{
		{"production", "", MetaURLs{
			GraphInstagram: DefaultGraphInstagramURL,
			GraphFacebook:  DefaultGraphFacebookURL,
			InstagramAPI:   DefaultInstagramAPIURL,
			InstagramWeb:   DefaultInstagramWebURL,
			FacebookWeb:    DefaultFacebookWebURL,
		}},
		{"emulator", "http://127.0.0.1:18090", MetaURLs{
			GraphInstagram: "http://127.0.0.1:18090/graph.instagram.com",
			GraphFacebook:  "http://127.0.0.1:18090/graph.facebook.com",
			InstagramAPI:   "http://127.0.0.1:18090/api.instagram.com",
			InstagramWeb:   "http://127.0.0.1:18090/www.instagram.com",
			FacebookWeb:    "http://127.0.0.1:18090/www.facebook.com",
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := valid()
			c.EmulatorURL = tt.emulatorURL

			e := c.Effective()

			got := MetaURLs{
				GraphInstagram: e.GraphInstagramURL,
				GraphFacebook:  e.GraphFacebookURL,
				InstagramAPI:   e.InstagramAPIURL,
				InstagramWeb:   e.InstagramWebURL,
				FacebookWeb:    e.FacebookWebURL,
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("Effective() Meta URLs mismatch (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tt.emulatorURL, e.EmulatorURL); diff != "" {
				t.Errorf("Effective() EmulatorURL mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

func TestMetaWithoutEmulator(t *testing.T) {
	c := valid()
	got := c.Meta()
	if got.GraphInstagram != DefaultGraphInstagramURL || got.GraphFacebook != DefaultGraphFacebookURL {
		t.Errorf("Meta() = %+v, want Meta's production hosts", got)
	}
}

// secretFields returns the names of the fields tagged secret.
func secretFields() []string {
	var names []string
	t := reflect.TypeFor[Config]()
	for i := range t.NumField() {
		if _, ok := t.Field(i).Tag.Lookup("secret"); ok {
			names = append(names, t.Field(i).Name)
		}
	}
	return names
}

func TestSecretFieldsTagged(t *testing.T) {
	want := []string{"EncryptionKey", "InstagramAppSecret", "FacebookAppSecret", "APIKey", "AdminPassword"}
	if diff := cmp.Diff(want, secretFields()); diff != "" {
		t.Errorf("secret fields mismatch (-want +got):\n%s", diff)
	}
}

func TestValidateRejectsRedactedSecrets(t *testing.T) {
	tests := []struct {
		field string
		want  string
	}{
		{"EncryptionKey", `--encryption-key (IGSOURCE_ENCRYPTION_KEY) is "[redacted]", the placeholder that ` +
			"`igsource config` prints in place of a secret: fill in the value, or remove the " +
			`"encryption_key" key from the configuration file`},
		{"InstagramAppSecret", `--instagram-app-secret (IGSOURCE_INSTAGRAM_APP_SECRET) is "[redacted]", ` +
			"the placeholder that `igsource config` prints in place of a secret: fill in the value, " +
			`or remove the "instagram_app_secret" key from the configuration file`},
		{"FacebookAppSecret", `--facebook-app-secret (IGSOURCE_FACEBOOK_APP_SECRET) is "[redacted]", ` +
			"the placeholder that `igsource config` prints in place of a secret: fill in the value, " +
			`or remove the "facebook_app_secret" key from the configuration file`},
		{"APIKey", `--api-key (IGSOURCE_API_KEY) is "[redacted]", the placeholder that ` +
			"`igsource config` prints in place of a secret: fill in the value, or remove the " +
			`"api_key" key from the configuration file`},
		{"AdminPassword", `--admin-password (IGSOURCE_ADMIN_PASSWORD) is "[redacted]", the placeholder ` +
			"that `igsource config` prints in place of a secret: fill in the value, or remove the " +
			`"admin_password" key from the configuration file`},
	}
	for _, tt := range tests {
		t.Run(tt.field, func(t *testing.T) {
			c := valid()
			// An app secret needs its app id, or Validate reports the missing id as well.
			c.InstagramAppID, c.InstagramAppSecret = "123", "instagram-secret"
			c.FacebookAppID, c.FacebookAppSecret = "456", "facebook-secret"
			reflect.ValueOf(&c).Elem().FieldByName(tt.field).SetString(Redacted)

			err := c.Validate()
			if err == nil {
				t.Fatal("Validate() = nil, want an error")
			}
			if diff := cmp.Diff(tt.want, err.Error()); diff != "" {
				t.Errorf("Validate() mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

func TestWriteRedactsSecrets(t *testing.T) {
	for _, format := range []string{"json", "yaml"} {
		t.Run(format, func(t *testing.T) {
			c := valid()
			var secrets []string
			for i, name := range secretFields() {
				value := "known-secret-value-" + strings.Repeat("x", i+1)
				reflect.ValueOf(&c).Elem().FieldByName(name).SetString(value)
				secrets = append(secrets, value)
			}
			var out bytes.Buffer
			if err := c.Write(&out, format); err != nil {
				t.Fatalf("Write(%s) = %v", format, err)
			}
			for _, secret := range secrets {
				if strings.Contains(out.String(), secret) {
					t.Errorf("Write(%s) output contains the secret %q", format, secret)
				}
			}
			if got := strings.Count(out.String(), Redacted); got != len(secrets) {
				t.Errorf("Write(%s) output has %d %q, want %d", format, got, Redacted, len(secrets))
			}
		})
	}
}

func TestWriteJSONRoundTrips(t *testing.T) {
	c := valid()
	c.CORSOrigins = []string{"https://a.example"}
	var out bytes.Buffer
	if err := c.Write(&out, "json"); err != nil {
		t.Fatalf("Write(json) = %v", err)
	}
	var got map[string]any
	if err := json.Unmarshal(out.Bytes(), &got); err != nil {
		t.Fatalf("Write(json) output is not JSON: %v\n%s", err, out.String())
	}
	want := map[string]any{
		"listen":               "127.0.0.1:8080",
		"token_refresh_margin": "168h0m0s",
		"cors_origins":         []any{"https://a.example"},
		"media_downloads":      float64(4),
		"introspection":        true,
		"api_key":              "",
	}
	for key, value := range want {
		if diff := cmp.Diff(value, got[key]); diff != "" {
			t.Errorf("key %q mismatch (-want +got):\n%s", key, diff)
		}
	}
	if len(got) != reflect.TypeFor[Config]().NumField() {
		t.Errorf("Write(json) printed %d keys, want one per field (%d)", len(got), reflect.TypeFor[Config]().NumField())
	}
}

func TestWriteInstances(t *testing.T) {
	c := valid()
	c.Instances = []InstanceSpec{{Name: "blog", Account: "creator", Cache: 60}}
	for format, want := range map[string][]string{
		"json": {`"instances": [{"name":"blog","account":"creator","cache":60}]`},
		"yaml": {"instances:\n", "- name: blog\n", "account: creator\n", "cache: 60\n"},
	} {
		var out bytes.Buffer
		if err := c.Write(&out, format); err != nil {
			t.Fatalf("Write(%s) = %v", format, err)
		}
		for _, part := range want {
			if !strings.Contains(out.String(), part) {
				t.Errorf("Write(%s) output lacks %q:\n%s", format, part, out.String())
			}
		}
	}
}

func TestValidateInstances(t *testing.T) {
	tests := []struct {
		name  string
		specs []InstanceSpec
		want  string
	}{
		{"no name", []InstanceSpec{{Account: "a"}}, "instances[0] in the configuration file has no name"},
		{"repeated name", []InstanceSpec{{Name: "x", Account: "a"}, {Name: "x", Account: "b"}}, `repeats the name "x"`},
		{"no account", []InstanceSpec{{Name: "x"}}, `instance "x" in the configuration file has no account`},
		{"negative cache", []InstanceSpec{{Name: "x", Account: "a", Cache: -5}}, `has cache -5`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := valid()
			c.Instances = tt.specs
			err := c.Validate()
			if err == nil {
				t.Fatal("Validate() = nil, want an error")
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Errorf("Validate() = %q, want it to contain %q", err, tt.want)
			}
		})
	}
}

func TestWriteUnknownFormat(t *testing.T) {
	c := valid()
	if err := c.Write(&bytes.Buffer{}, "toml"); err == nil {
		t.Error("Write(toml) = nil, want an error")
	}
}

func TestFlagNamesMatchKeys(t *testing.T) {
	typ := reflect.TypeFor[Config]()
	for i := range typ.NumField() {
		f := typ.Field(i)
		if f.Tag.Get("kong") == "-" {
			continue // set by the configuration file only
		}
		key, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		name := f.Tag.Get("name")
		if strings.ReplaceAll(name, "-", "_") != key {
			t.Errorf("field %s: flag name %q does not match key %q", f.Name, name, key)
		}
		env := f.Tag.Get("env")
		if want := "IGSOURCE_" + strings.ToUpper(key); env != want {
			t.Errorf("field %s: environment variable %q, want %q", f.Name, env, want)
		}
	}
}

func TestMaxContentFieldsDefault(t *testing.T) {
	if diff := cmp.Diff(strconv.Itoa(graph.DefaultMaxContentFields), Vars()["max_content_fields"]); diff != "" {
		t.Errorf("max_content_fields default mismatch with the GraphQL handler's (-want +got):\n%s", diff)
	}
}
