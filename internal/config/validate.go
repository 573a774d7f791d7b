package config

import (
	"encoding/base64"
	"errors"
	"fmt"
	"net"
	"net/url"
	"reflect"
	"strconv"
	"strings"
	"time"

	"github.com/igsource/igsource/internal/apperr"
	"github.com/igsource/igsource/internal/source"
)

// Meta's Instagram Login tokens live 60 days, so a refresh margin of 60 days or more would
// refresh on every pass. The minimum leaves the refresher time to retry before expiry.
const (
	minRefreshMargin = time.Hour
	maxRefreshMargin = 59 * 24 * time.Hour
)

// Validate checks every setting and returns all problems joined, each naming the flag and its
// environment variable and saying what to do.
func (c *Config) Validate() error {
	var errs []error
	add := func(err error) {
		if err != nil {
			errs = append(errs, err)
		}
	}

	add(checkHostPort("--listen", "IGSOURCE_LISTEN", c.Listen))
	add(checkOptionalURL("--public-url", "IGSOURCE_PUBLIC_URL", c.PublicURL))
	if strings.TrimSpace(c.DataDir) == "" {
		add(errors.New("--data (IGSOURCE_DATA) is empty: set the folder for the database and media copies"))
	}
	if c.EncryptionKey != Redacted {
		add(checkKey(c.EncryptionKey))
	}
	errs = append(errs, c.checkRedacted()...)

	add(checkAppPair("instagram", c.InstagramAppID, c.InstagramAppSecret))
	add(checkAppPair("facebook", c.FacebookAppID, c.FacebookAppSecret))
	add(checkOptionalURL("--redirect-uri", "IGSOURCE_REDIRECT_URI", c.RedirectURI))
	add(checkURL("--graph-instagram-url", "IGSOURCE_GRAPH_INSTAGRAM_URL", c.GraphInstagramURL))
	add(checkURL("--graph-facebook-url", "IGSOURCE_GRAPH_FACEBOOK_URL", c.GraphFacebookURL))
	add(checkURL("--instagram-api-url", "IGSOURCE_INSTAGRAM_API_URL", c.InstagramAPIURL))
	add(checkURL("--instagram-web-url", "IGSOURCE_INSTAGRAM_WEB_URL", c.InstagramWebURL))
	add(checkURL("--facebook-web-url", "IGSOURCE_FACEBOOK_WEB_URL", c.FacebookWebURL))
	add(checkGraphVersion(c.GraphVersion))
	add(checkOptionalURL("--emulator-url", "IGSOURCE_EMULATOR_URL", c.EmulatorURL))

	add(checkPositive("--media-max-image-bytes", "IGSOURCE_MEDIA_MAX_IMAGE_BYTES", c.MediaMaxImageBytes))
	add(checkPositive("--media-max-video-bytes", "IGSOURCE_MEDIA_MAX_VIDEO_BYTES", c.MediaMaxVideoBytes))
	if c.MediaMaxCacheBytes < 0 {
		add(fmt.Errorf("--media-max-cache-bytes (IGSOURCE_MEDIA_MAX_CACHE_BYTES) is %d: set a size in bytes, or 0 to keep every file", c.MediaMaxCacheBytes))
	}
	for _, h := range c.MediaAllowedHosts {
		add(checkHostPort("--media-allowed-hosts", "IGSOURCE_MEDIA_ALLOWED_HOSTS", h))
	}
	add(checkPositive("--media-downloads", "IGSOURCE_MEDIA_DOWNLOADS", int64(c.MediaDownloads)))
	if c.MediaTimeout <= 0 {
		add(fmt.Errorf("--media-timeout (IGSOURCE_MEDIA_TIMEOUT) is %s: set a positive duration such as 60s", c.MediaTimeout))
	}

	for _, o := range c.CORSOrigins {
		add(checkOrigin(o))
	}
	add(checkPositive("--complexity-limit", "IGSOURCE_COMPLEXITY_LIMIT", int64(c.ComplexityLimit)))
	add(checkPositive("--max-content-fields", "IGSOURCE_MAX_CONTENT_FIELDS", int64(c.MaxContentFields)))
	for _, tag := range c.Hashtags {
		add(checkHashtag(tag))
	}
	add(checkInstances(c.Instances))
	if c.TokenRefreshMargin < minRefreshMargin || c.TokenRefreshMargin > maxRefreshMargin {
		add(fmt.Errorf("--token-refresh-margin (IGSOURCE_TOKEN_REFRESH_MARGIN) is %s: set a duration from 1h to 1416h (59 days), because tokens live 60 days", c.TokenRefreshMargin))
	}
	return errors.Join(errs...)
}

// checkRedacted rejects each secret set to Redacted. A configuration file saved from
// `igsource config` keeps that placeholder until its secrets are filled in, and using it as a
// key, password or app secret would fail later, far from the cause.
func (c *Config) checkRedacted() []error {
	v := reflect.ValueOf(c).Elem()
	t := v.Type()
	var errs []error
	for i := range t.NumField() {
		field := t.Field(i)
		_, secret := field.Tag.Lookup("secret")
		value := v.Field(i)
		if !secret || value.Kind() != reflect.String || value.String() != Redacted {
			continue
		}
		key, _, _ := strings.Cut(field.Tag.Get("json"), ",")
		errs = append(errs, fmt.Errorf("--%s (%s) is %q, the placeholder that `igsource config` "+
			"prints in place of a secret: fill in the value, or remove the %q key from the "+
			"configuration file", field.Tag.Get("name"), field.Tag.Get("env"), Redacted, key))
	}
	return errs
}

func checkHostPort(flag, env, value string) error {
	host, port, err := net.SplitHostPort(value)
	if err != nil {
		return fmt.Errorf("%s (%s) is %q: set HOST:PORT, such as 127.0.0.1:8080", flag, env, value)
	}
	n, err := strconv.Atoi(port)
	if err != nil || n < 0 || n > 65535 {
		return fmt.Errorf("%s (%s) is %q: the port must be a number from 0 to 65535", flag, env, value)
	}
	if strings.ContainsAny(host, " /") {
		return fmt.Errorf("%s (%s) is %q: the host must be a name or an IP address", flag, env, value)
	}
	return nil
}

func checkURL(flag, env, value string) error {
	u, err := url.Parse(value)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return fmt.Errorf("%s (%s) is %q: set an absolute http or https URL", flag, env, value)
	}
	if u.RawQuery != "" || u.Fragment != "" {
		return fmt.Errorf("%s (%s) is %q: remove the query and fragment", flag, env, value)
	}
	return nil
}

func checkOptionalURL(flag, env, value string) error {
	if value == "" {
		return nil
	}
	return checkURL(flag, env, value)
}

func checkPositive(flag, env string, value int64) error {
	if value <= 0 {
		return fmt.Errorf("%s (%s) is %d: set a number greater than 0", flag, env, value)
	}
	return nil
}

// checkKey reports a configured key that is not base64 of 32 bytes without showing the value.
func checkKey(key string) error {
	if key == "" {
		return nil
	}
	raw, err := base64.StdEncoding.DecodeString(key)
	if err != nil {
		raw, err = base64.RawStdEncoding.DecodeString(key)
	}
	if err != nil || len(raw) != 32 {
		return errors.New("--encryption-key (IGSOURCE_ENCRYPTION_KEY) is not base64 of 32 bytes: " +
			"generate one with `openssl rand -base64 32`, or unset it to use the key file in the data folder")
	}
	return nil
}

func checkAppPair(kind, id, secret string) error {
	switch {
	case id != "" && secret == "":
		return fmt.Errorf("--%[1]s-app-secret (IGSOURCE_%[2]s_APP_SECRET) is missing while --%[1]s-app-id is set: set both, or neither", kind, strings.ToUpper(kind))
	case id == "" && secret != "":
		return fmt.Errorf("--%[1]s-app-id (IGSOURCE_%[2]s_APP_ID) is missing while --%[1]s-app-secret is set: set both, or neither", kind, strings.ToUpper(kind))
	case id != "" && strings.Trim(id, "0123456789") != "":
		return fmt.Errorf("--%[1]s-app-id (IGSOURCE_%[2]s_APP_ID) is %q: Meta app ids are digits only", kind, strings.ToUpper(kind), id)
	}
	return nil
}

func checkGraphVersion(v string) error {
	major, minor, ok := strings.Cut(strings.TrimPrefix(v, "v"), ".")
	if !strings.HasPrefix(v, "v") || !ok || !isDigits(major) || !isDigits(minor) {
		return fmt.Errorf("--graph-version (IGSOURCE_GRAPH_VERSION) is %q: set a version such as v25.0", v)
	}
	return nil
}

func checkOrigin(origin string) error {
	if origin == "*" {
		return nil
	}
	u, err := url.Parse(origin)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" ||
		(u.Path != "" && u.Path != "/") || u.RawQuery != "" {
		return fmt.Errorf("--cors-origins (IGSOURCE_CORS_ORIGINS) is %q: set an origin such as https://example.com, or *", origin)
	}
	return nil
}

// checkHashtag rejects an entry of --hashtags that no hashtag query could match. A blank
// entry, such as the one a trailing comma leaves, is skipped.
func checkHashtag(tag string) error {
	if strings.TrimSpace(tag) == "" {
		return nil
	}
	if _, err := source.NormalizeHashtag(tag); err != nil {
		return fmt.Errorf("--hashtags (IGSOURCE_HASHTAGS) contains %s", apperr.MessageOf(err))
	}
	return nil
}

// checkInstances checks the declarations that the store cannot: each needs a unique name, an
// account and a cache time of 0 or more.
func checkInstances(specs []InstanceSpec) error {
	var errs []error
	seen := map[string]bool{}
	for i, spec := range specs {
		switch {
		case strings.TrimSpace(spec.Name) == "":
			errs = append(errs, fmt.Errorf("instances[%d] in the configuration file has no name: set \"name\"", i))
		case seen[spec.Name]:
			errs = append(errs, fmt.Errorf("instances[%d] in the configuration file repeats the name %q: names are unique", i, spec.Name))
		}
		seen[spec.Name] = true
		if strings.TrimSpace(spec.Account) == "" {
			errs = append(errs, fmt.Errorf("instance %q in the configuration file has no account: set \"account\" to a username or account id", spec.Name))
		}
		if spec.Cache < 0 {
			errs = append(errs, fmt.Errorf("instance %q in the configuration file has cache %d: set seconds, 0 or more", spec.Name, spec.Cache))
		}
	}
	return errors.Join(errs...)
}

func isDigits(s string) bool {
	return s != "" && strings.Trim(s, "0123456789") == ""
}
