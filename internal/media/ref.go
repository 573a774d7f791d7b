package media

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
)

// Variant names which file of a media a Ref points at.
type Variant string

// The file variants.
const (
	VariantFile    Variant = "file"    // the image or video itself (an album's first child's file)
	VariantThumb   Variant = "thumb"   // a video's thumbnail image
	VariantPicture Variant = "picture" // a profile picture; MediaID is the professional account id
)

// Ref identifies one local file: the file of a media (or album child, or profile) as read by
// one connected account. It is stable across CDN link changes, so an igsource URL built from it
// never expires.
type Ref struct {
	AccountID int64
	MediaID   string
	Variant   Variant
}

var refPattern = regexp.MustCompile(`^([0-9]+)-([0-9A-Za-z_]+)-(file|thumb|picture)$`)

// String returns the ref's path segment, such as "3-17895695668004551-thumb".
func (r Ref) String() string {
	return fmt.Sprintf("%d-%s-%s", r.AccountID, r.MediaID, r.Variant)
}

// ParseRef parses the path segment written by Ref.String. A file extension is ignored.
func ParseRef(s string) (Ref, error) {
	if i := strings.IndexByte(s, '.'); i >= 0 {
		s = s[:i]
	}
	m := refPattern.FindStringSubmatch(s)
	if m == nil {
		return Ref{}, fmt.Errorf("invalid media reference %q: expected ACCOUNT-MEDIAID-VARIANT", s)
	}
	account, err := strconv.ParseInt(m[1], 10, 64)
	if err != nil {
		return Ref{}, fmt.Errorf("invalid media reference %q: %w", s, err)
	}
	return Ref{AccountID: account, MediaID: m[2], Variant: Variant(m[3])}, nil
}

// Registration records the newest CDN link of a ref. Resolvable is false for media that the
// account cannot re-read by id (hashtag results): their files are downloaded right away,
// before the link expires.
type Registration struct {
	Ref        Ref
	CDNURL     string
	Video      bool // the file is a video; sets the size limit and skips the image check
	Resolvable bool
}
