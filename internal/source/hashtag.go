package source

import (
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/cases"
	"golang.org/x/text/unicode/norm"

	"github.com/igsource/igsource/internal/apperr"
)

const (
	fullwidthHash    = '＃' // U+FF03, which Japanese and Chinese keyboards type as a hash sign
	zeroWidthNonJoin = '\u200c'
	zeroWidthJoin    = '\u200d'
	keycapMark       = '\u20e3' // "#️⃣" is '#', U+FE0F, U+20E3: an emoji, not a tag
)

// urlStart matches the text before a '#' when that '#' belongs to a URL: a scheme, "www." or a
// domain followed by a path, anywhere in the same whitespace-separated word.
var urlStart = regexp.MustCompile(`(?i)(?:[a-z][a-z0-9+.\-]*://|www\.|[a-z0-9\-]+(?:\.[a-z0-9\-]+)*\.[a-z]{2,}/)`)

// ExtractHashtags returns the hashtags of a caption in order of first appearance, without
// duplicates. A tag is a run of letters and combining marks of any script, digits and
// underscores after '#'; it ends at whitespace, punctuation, a symbol or another '#'. A '#'
// starts a tag only at the start of the caption, after a rune that is no letter, mark, digit
// or underscore, or right after a tag it ends ("#one#two"), so "middle#notatag" has none. A
// '#' in a URL or in an HTML entity such as "&#039;" starts no tag, and a run without a
// letter (such as "#2010") is no tag, as on Instagram. The caption itself is left as it is.
func ExtractHashtags(caption string) []Hashtag {
	tags := []Hashtag{}
	seen := map[string]bool{}
	lastTagEnd := -1
	for i := 0; i < len(caption); {
		r, size := utf8.DecodeRuneInString(caption[i:])
		if r != '#' && r != fullwidthHash {
			i += size
			continue
		}
		start := i + size
		end := tagEnd(caption, start)
		name := caption[start:end]
		if (i == lastTagEnd || startsTag(caption, i)) && hasLetter(name) {
			lastTagEnd = end
			id := hashtagKey(name)
			if !seen[id] {
				seen[id] = true
				tags = append(tags, Hashtag{ID: id, Name: name})
			}
		}
		i = end
	}
	return tags
}

// MaxHashtagLength is the longest hashtag, in characters without the '#', that a query may
// search.
//
// NOTE: Meta documents no length limit for hashtag search. 100 characters is igsource's own
// bound, far above real tags, so that a query cannot spend a budget slot on a junk tag of
// thousands of characters.
const MaxHashtagLength = 100

// NormalizeHashtag turns a hashtag setting into the tag sent to Meta's hashtag search: the
// surrounding space and one leading '#' removed, NFC, case-folded, so that "#Pizza", " pizza "
// and "PIZZA" are one search. Anything but letters, marks, digits and underscores is an
// INVALID_INPUT error, because Meta rejects spaces, punctuation and emoji. So are tags longer
// than MaxHashtagLength and invisible format characters such as the zero-width joiner, which
// emoji sequences use: captions may contain them inside a tag, but a search cannot.
func NormalizeHashtag(s string) (string, error) {
	tag := strings.TrimSpace(s)
	if r, size := utf8.DecodeRuneInString(tag); r == '#' || r == fullwidthHash {
		tag = tag[size:]
	}
	if tag == "" {
		return "", apperr.New(apperr.Invalid, "missing hashtag: give a tag such as brunch or #brunch")
	}
	if n := utf8.RuneCountInString(tag); n > MaxHashtagLength {
		return "", apperr.New(apperr.Invalid,
			"invalid hashtag starting %q: it has %d characters, more than the limit of %d, so use a shorter tag",
			truncateRunes(tag, 20), n, MaxHashtagLength)
	}
	for _, r := range tag {
		if isTagRune(r) && !isFormatRune(r) {
			continue
		}
		return "", apperr.New(apperr.Invalid,
			"invalid hashtag %q: it contains %s (%U); use one word of letters, digits and underscores",
			s, describeRune(r), r)
	}
	if !hasLetter(tag) {
		return "", apperr.New(apperr.Invalid,
			"invalid hashtag %q: a hashtag needs at least one letter, digits and underscores alone are no tag on Instagram", s)
	}
	return hashtagKey(tag), nil
}

// isFormatRune reports whether r is an invisible format character, Unicode category Cf, such
// as U+200D, U+200C and U+FEFF.
func isFormatRune(r rune) bool {
	return unicode.Is(unicode.Cf, r)
}

// describeRune names the kind of a rune that no hashtag may contain.
func describeRune(r rune) string {
	switch {
	case unicode.IsSpace(r):
		return "a space"
	case unicode.IsControl(r):
		return "a control character"
	case unicode.Is(unicode.Cf, r):
		return "an invisible format character"
	case unicode.Is(unicode.Co, r):
		return "a private-use character"
	case unicode.IsNumber(r):
		return "a number character that is not a decimal digit"
	case r == utf8.RuneError:
		return "a byte that is not UTF-8"
	}
	return "punctuation, a symbol or an emoji"
}

// truncateRunes returns the first n runes of s.
func truncateRunes(s string, n int) string {
	for i := range s {
		if n == 0 {
			return s[:i]
		}
		n--
	}
	return s
}

// hashtagKey returns the case-folded NFC form of a tag, the key that makes "Travel" and
// "TRAVEL" one tag. A Caser is not safe for concurrent use, so each call makes its own.
func hashtagKey(tag string) string {
	if isASCII(tag) {
		// NFC leaves ASCII unchanged and Unicode case folding maps ASCII letters to their
		// lower case, so the common case skips building a Caser for every tag.
		return strings.ToLower(tag)
	}
	return norm.NFC.String(cases.Fold().String(norm.NFC.String(tag)))
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

// tagEnd returns the byte index where the run of tag runes starting at start ends, with
// trailing zero-width joiners left out.
func tagEnd(s string, start int) int {
	end := start
	for i := start; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		if !isTagRune(r) {
			break
		}
		i += size
		if r != zeroWidthJoin && r != zeroWidthNonJoin {
			end = i
		}
	}
	return end
}

// startsTag reports whether the '#' at byte index i starts a tag: not inside a word, not the
// "&#" of an HTML entity and not part of a URL.
func startsTag(s string, i int) bool {
	if i > 0 && s[i-1] == '&' {
		return false
	}
	if prev, _ := utf8.DecodeLastRuneInString(s[:i]); i > 0 && isWordRune(prev) {
		return false
	}
	wordStart := strings.LastIndexFunc(s[:i], unicode.IsSpace) + 1
	return !urlStart.MatchString(s[wordStart:i])
}

func isTagRune(r rune) bool {
	switch {
	case r == '_' || r == zeroWidthJoin || r == zeroWidthNonJoin:
		return true
	case unicode.Is(unicode.Variation_Selector, r) || r == keycapMark:
		return false
	}
	return unicode.IsLetter(r) || unicode.IsMark(r) || unicode.IsDigit(r)
}

// isWordRune reports whether r continues a word, so that a '#' after it starts no tag.
func isWordRune(r rune) bool {
	return r == '_' || unicode.IsLetter(r) || unicode.IsMark(r) || unicode.IsDigit(r)
}

func hasLetter(s string) bool {
	return strings.IndexFunc(s, unicode.IsLetter) >= 0
}
