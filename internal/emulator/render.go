package emulator

import (
	"time"
)

// Node type names as Meta's "nonexisting field" errors spell them.
const (
	nodeMedia   = "IGMedia"
	nodeUser    = "IGUser"
	nodeHashtag = "IGHashtag"
	nodePage    = "Page"
	nodeFBUser  = "User"
)

// timestampLayout is Meta's wire format: the offset has no colon ("+0000").
const timestampLayout = "2006-01-02T15:04:05-0700"

// Fields of the IG Media node. Hashtag edges return fewer: no username, shortcode, owner,
// thumbnail or product type.
var (
	mediaFields = setOf("id", "caption", "media_type", "media_product_type", "media_url",
		"thumbnail_url", "permalink", "shortcode", "timestamp", "username", "like_count",
		"comments_count", "is_shared_to_feed", "is_comment_enabled", "children", "owner")
	publicMediaFields = setOf("id", "caption", "children", "comments_count", "like_count",
		"media_type", "media_url", "permalink", "timestamp")
)

func setOf(names ...string) map[string]bool {
	m := make(map[string]bool, len(names))
	for _, n := range names {
		m[n] = true
	}
	return m
}

// renderContext carries what rendering needs besides the node. Callers hold e.mu.
type renderContext struct {
	e   *Emulator
	now time.Time
	req *graphRequest
}

// checkMediaFields validates a media selection, children's sub-selection included.
func checkMediaFields(fields []field, public bool) *graphError {
	allowed := mediaFields
	if public {
		allowed = publicMediaFields
	}
	if err := checkFields(fields, allowed, nodeMedia); err != nil {
		return err
	}
	for _, f := range fields {
		if f.Name == "children" && f.HasSub {
			if err := checkMediaFields(f.Sub, public); err != nil {
				return err
			}
		}
	}
	return nil
}

// withID appends id to a selection that lacks it: Graph API nodes always carry their id, after
// the requested members.
func withID(fields []field) []field {
	for _, f := range fields {
		if f.Name == "id" {
			return fields
		}
	}
	return append(fields[:len(fields):len(fields)], field{Name: "id"})
}

// media renders m with the selected fields and its id.
func (rc renderContext) media(m *mediaItem, fields []field) *object {
	o := &object{}
	for _, f := range withID(fields) {
		if v, ok := rc.mediaField(m, f); ok {
			o.set(f.Name, v)
		}
	}
	return o
}

// mediaField returns one member of m; ok is false when Meta omits it for this media.
func (rc renderContext) mediaField(m *mediaItem, f field) (any, bool) {
	child := m.Parent != nil
	switch f.Name {
	case "id":
		return m.ID, true
	case "caption":
		return deref(m.Caption), m.Caption != nil && !child
	case "media_type":
		return m.Type, true
	case "media_product_type":
		return m.ProductType, !child
	case "media_url":
		return rc.mediaURL(m)
	case "thumbnail_url":
		if !m.isVideo() {
			return nil, false
		}
		return rc.e.signedURL(m.ID, VariantThumb, rc.now), true
	case "permalink":
		return permalink(m), !m.NoPermalink
	case "shortcode":
		return m.Shortcode, true
	case "timestamp":
		return m.Created.UTC().Format(timestampLayout), !m.NoTimestamp
	case "username":
		return m.Username, m.Username != ""
	case "like_count":
		return m.LikeCount, !m.HideLikes && !child
	case "comments_count":
		return m.Comments, !child
	case "is_shared_to_feed":
		return deref(m.SharedToFeed), m.SharedToFeed != nil
	case "is_comment_enabled":
		return true, !child
	case "owner":
		return map[string]string{"id": m.OwnerID}, m.OwnerID != ""
	case "children":
		return rc.children(m, f)
	}
	return nil, false
}

func deref[T any](p *T) T {
	var zero T
	if p == nil {
		return zero
	}
	return *p
}

// mediaURL returns the file link: none for withheld media and for albums on hashtag edges, the
// first child's file for other albums (as captured responses show).
func (rc renderContext) mediaURL(m *mediaItem) (any, bool) {
	if m.Withheld {
		return nil, false
	}
	if m.Type == typeCarousel {
		if m.Public || len(m.Children) == 0 {
			return nil, false
		}
		return rc.mediaURL(m.Children[0])
	}
	return rc.e.signedURL(m.ID, VariantFile, rc.now), true
}

func permalink(m *mediaItem) string {
	if m.ProductType == productReels {
		return "https://www.instagram.com/reel/" + m.Shortcode + "/"
	}
	return "https://www.instagram.com/p/" + m.Shortcode + "/"
}

// children renders the expanded children edge: {"data":[...]} without paging.
func (rc renderContext) children(m *mediaItem, f field) (any, bool) {
	if m.Type != typeCarousel {
		return nil, false
	}
	kids := m.Children
	if f.Limit > 0 && f.Limit < len(kids) {
		kids = kids[:f.Limit]
	}
	sub := f.Sub
	if rc.e.opts.ChildrenIDsOnly {
		sub = nil
	}
	data := make([]*object, 0, len(kids))
	for _, k := range kids {
		data = append(data, rc.media(k, sub))
	}
	return map[string]any{"data": data}, true
}
