package instagram

import (
	"fmt"
	"net/url"
	"regexp"
	"slices"
	"strings"
)

// childFields are the fields requested for album children. Children have no caption, and
// Meta documents permalink as unsupported on photos inside albums.
const childFields = "children{id,media_type,media_url,thumbnail_url,timestamp}"

// mediaFields are the IG Media fields read on both hosts. Both graph.instagram.com and
// graph.facebook.com serve media_product_type, username and is_shared_to_feed.
var mediaFields = []string{
	"id", "caption", "media_type", "media_product_type", "media_url", "thumbnail_url",
	"permalink", "shortcode", "timestamp", "username", "like_count", "comments_count",
	"is_shared_to_feed", childFields,
}

// hashtagMediaFields are the fields a hashtag's top_media and recent_media edges return.
// Those edges reject username and omit media_url for albums.
var hashtagMediaFields = []string{
	"id", "caption", "media_type", "media_url", "permalink", "timestamp", "like_count",
	"comments_count", "children{id,media_type,media_url}",
}

// userFieldsFacebook are the IG User fields on graph.facebook.com, which has no user_id or
// account_type: requesting them fails with code 100 "Tried accessing nonexisting field".
var userFieldsFacebook = []string{
	"id", "username", "name", "profile_picture_url", "biography", "website",
	"followers_count", "follows_count", "media_count",
}

// userFieldsInstagram add user_id (the professional account id) and account_type, which only
// graph.instagram.com serves.
var userFieldsInstagram = append(slices.Clone(userFieldsFacebook), "user_id", "account_type")

// DefaultMediaFields returns the media fields the client requests on kind's host when a call
// passes no fields, including album children by field expansion. Both hosts serve the same
// media fields today, and the kind parameter lets them differ without changing callers.
func DefaultMediaFields(kind Kind) []string {
	return slices.Clone(mediaFields)
}

// DefaultHashtagMediaFields returns the fields requested on hashtag media edges.
func DefaultHashtagMediaFields() []string {
	return slices.Clone(hashtagMediaFields)
}

// DefaultUserFields returns the IG User fields that kind's host serves.
func DefaultUserFields(kind Kind) []string {
	if kind == KindInstagram {
		return slices.Clone(userFieldsInstagram)
	}
	return slices.Clone(userFieldsFacebook)
}

// fieldPattern accepts a field name, optionally with modifiers such as .limit(10) and an
// expansion in braces: children{id,media_type}.
var fieldPattern = regexp.MustCompile(`^[a-z_]+(\.[a-z_]+\([0-9A-Za-z_]*\))*(\{[a-z_,.(){}0-9]+\})?$`)

// setFields validates fields and stores them in query as one comma-separated value. The
// url.Values encoding percent-encodes braces and commas, which Meta expects.
func setFields(query url.Values, fields []string) error {
	for _, f := range fields {
		if !fieldPattern.MatchString(f) {
			return fmt.Errorf("invalid field %q: use a Graph API field name such as media_url or children{id}", f)
		}
	}
	query.Set("fields", strings.Join(fields, ","))
	return nil
}

// pathIDPattern accepts Graph node ids, which are digits, and the "me" alias.
var pathIDPattern = regexp.MustCompile(`^[0-9A-Za-z_]+$`)

// checkID returns an error naming the id when it cannot be placed in a request path.
func checkID(name, id string) error {
	if id == "" {
		return fmt.Errorf("missing %s", name)
	}
	if !pathIDPattern.MatchString(id) {
		return fmt.Errorf("invalid %s %q: use the numeric id Meta returned", name, id)
	}
	return nil
}
