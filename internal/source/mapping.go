package source

import (
	"context"
	"log/slog"
	"time"

	"github.com/igsource/igsource/internal/instagram"
	"github.com/igsource/igsource/internal/media"
)

// Registry records the CDN links of media files and builds igsource URLs for them;
// *media.Store implements it.
type Registry interface {
	// Register records the newest CDN link of each ref.
	Register(ctx context.Context, regs []media.Registration) error
	// URL returns the igsource URL that serves ref's local copy; video selects the
	// file extension.
	URL(ref media.Ref, video bool) string
	// PublicURL returns the base of every URL that URL builds. Cache keys contain it.
	PublicURL() string
}

// timestampLayout is the UTC form igsource returns: "2017-08-31T18:10:00Z".
const timestampLayout = "2006-01-02T15:04:05Z"

// mapper turns Meta's objects into igsource's and collects the CDN links to register.
type mapper struct {
	accountID int64
	registry  Registry
	logger    *slog.Logger
	hashtag   bool // hashtag media: no username, files not resolvable by id
	regs      []media.Registration
}

// media maps one IG Media node, its children included.
func (m *mapper) media(in *instagram.Media) Media {
	out := Media{
		ID:            string(in.ID),
		Type:          mediaTypeOf(in.MediaType),
		ProductType:   optional(in.MediaProductType),
		Permalink:     optional(in.Permalink),
		HashtagList:   []Hashtag{},
		Children:      []Media{},
		CommentsCount: in.CommentsCount,
		LikeCount:     in.LikeCount,
	}
	if in.Caption != nil {
		out.Caption = *in.Caption
		out.HashtagList = ExtractHashtags(out.Caption)
	}
	if !m.hashtag {
		out.Username = optional(in.Username)
	}
	out.Timestamp, out.CreatedAt = m.timestamp(in)
	if in.Children != nil {
		out.Children = m.children(in)
	}
	m.files(in, &out)
	return out
}

// children maps the children of album in that carry a media_type. Meta sometimes sends
// children as bare ids, and a child that the ?ids= lookup did not return, or that could not be
// looked up (hashtag media cannot be read by id), has no type or file. Such a child is left
// out with one warning per album, so that no result shows a child with an empty type.
func (m *mapper) children(in *instagram.Media) []Media {
	out := []Media{}
	var dropped []string
	for i := range in.Children.Data {
		child := &in.Children.Data[i]
		if child.MediaType == "" {
			dropped = append(dropped, string(child.ID))
			continue
		}
		out = append(out, m.media(child))
	}
	if len(dropped) > 0 {
		m.logger.Warn("Left out album children that Meta sent without a media type",
			"album_id", string(in.ID), "child_ids", dropped, "account_id", m.accountID)
	}
	return out
}

// timestamp returns the UTC form of in's timestamp, or nil with a warning when Meta sent none
// or sent text that does not parse. Such a media keeps its place in the list, but no date
// window can contain it.
func (m *mapper) timestamp(in *instagram.Media) (*string, time.Time) {
	if in.Timestamp.Valid {
		t := in.Timestamp.Time.UTC()
		s := t.Format(timestampLayout)
		return &s, t
	}
	if in.Timestamp.Raw == "" {
		m.logger.Warn("Media has no timestamp", "media_id", string(in.ID), "account_id", m.accountID)
	} else {
		m.logger.Warn("Media timestamp does not parse", "media_id", string(in.ID),
			"account_id", m.accountID, "timestamp", in.Timestamp.Raw,
			"error", "not ISO 8601 with a +0000, +00:00 or Z offset")
	}
	return nil, time.Time{}
}

// files sets the url and thumbnailUrl of out. An image's thumbnail is the image itself, a
// video's is its thumbnail_url, and an album shows its first child's files, or its own
// media_url when no child is left. A missing media_url, as Meta sends for copyright-flagged
// media, leaves url nil and registers nothing.
func (m *mapper) files(in *instagram.Media, out *Media) {
	switch {
	case in.MediaType == instagram.MediaTypeAlbum && len(out.Children) > 0:
		first := out.Children[0]
		out.URL, out.ThumbnailURL = first.URL, first.ThumbnailURL
	case in.MediaType == "VIDEO":
		out.URL = m.register(in.ID, media.VariantFile, in.MediaURL, true)
		out.ThumbnailURL = m.register(in.ID, media.VariantThumb, in.ThumbnailURL, false)
	default:
		// Images, and albums without usable children, which carry the first child's
		// media_url on the album itself when Meta sends one.
		out.URL = m.register(in.ID, media.VariantFile, in.MediaURL, false)
		out.ThumbnailURL = out.URL
	}
}

// register records cdnURL for the ref of mediaID and variant and returns its igsource URL,
// or nil when cdnURL is empty.
func (m *mapper) register(mediaID instagram.ID, variant media.Variant, cdnURL string, video bool) *string {
	if cdnURL == "" {
		return nil
	}
	ref := media.Ref{AccountID: m.accountID, MediaID: string(mediaID), Variant: variant}
	m.regs = append(m.regs, media.Registration{Ref: ref, CDNURL: cdnURL, Video: video, Resolvable: !m.hashtag})
	u := m.registry.URL(ref, video)
	return &u
}

// user maps an IG User node; its profile picture is registered under the professional
// account id.
func (m *mapper) user(in *instagram.User) User {
	id := in.ProfessionalID()
	return User{
		ID:             id,
		Username:       in.Username,
		Name:           in.Name,
		Website:        in.Website,
		Biography:      in.Biography,
		PictureURL:     m.register(instagram.ID(id), media.VariantPicture, in.ProfilePictureURL, false),
		FollowersCount: in.FollowersCount,
		FollowsCount:   in.FollowsCount,
		MediaCount:     in.MediaCount,
	}
}

// mediaTypeOf maps Meta's media_type to igsource's type. A value igsource does not know
// passes through, so a new type shows up instead of vanishing.
func mediaTypeOf(mediaType string) string {
	if mediaType == instagram.MediaTypeAlbum {
		return TypeAlbum
	}
	return mediaType
}

func optional(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}
