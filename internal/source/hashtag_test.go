package source

import (
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/google/go-cmp/cmp"
	"golang.org/x/text/cases"
	"golang.org/x/text/unicode/norm"

	"github.com/igsource/igsource/internal/apperr"
)

func names(tags []Hashtag) []string {
	out := []string{}
	for _, t := range tags {
		out = append(out, t.Name)
	}
	return out
}

func TestExtractHashtags(t *testing.T) {
	tests := []struct {
		name    string
		caption string
		want    []string
	}{
		{"scripts beyond ASCII", "Brunch #café #queMoción #rantDelDía #コーヒー #Straße", []string{"café", "queMoción", "rantDelDía", "コーヒー", "Straße"}},
		{"Cyrillic Arabic Greek", "#привет #مرحبا #καλημέρα", []string{"привет", "مرحبا", "καλημέρα"}},
		{"Devanagari combining marks", "Chai #चाय #नमस्ते time", []string{"चाय", "नमस्ते"}},
		{"Thai and Korean", "#กาแฟ #커피", []string{"กาแฟ", "커피"}},
		{"decomposed accent", "#cafe\u0301 ok", []string{"cafe\u0301"}},
		{"apostrophe entity", "Thanks y&#039;all! #brunch", []string{"brunch"}},
		{"hex entity", "It&#x27;s #sunny &#39; &#8217;", []string{"sunny"}},
		{"all-digit tags", "We're #1! Since #2010 #2024goals", []string{"2024goals"}},
		{"non-Latin digits only", "#٢٠٢٤ #२०२४ #１２３", []string{}},
		{"underscores and digits only", "#_ #__1 #a_1", []string{"a_1"}},
		{"case duplicates", "#Travel #travel #TRAVEL #NYC #nyc", []string{"Travel", "NYC"}},
		{"fold duplicates", "#Straße #STRASSE", []string{"Straße"}},
		{"NFC duplicates", "#café #cafe\u0301", []string{"café"}},
		{"ends at punctuation", "#sun, #sea. #sand! #sky? (#wind) #rock'n'roll", []string{"sun", "sea", "sand", "sky", "wind", "rock"}},
		{"ends at another hash", "#one#two##three", []string{"one", "two", "three"}},
		{"ends at emoji", "#love❤️ #pizza🍕 #ok👍🏽", []string{"love", "pizza", "ok"}},
		{"keycap emoji", "#️⃣ #️⃣tag", []string{}},
		{"URL fragments", "See https://example.com/page#section and www.example.org/#top or example.net/a#b #real", []string{"real"}},
		{"URL then tag", "https://example.com #after", []string{"after"}},
		{"bare hash", "# #  #!", []string{}},
		{"fullwidth hash", "＃ラーメン", []string{"ラーメン"}},
		{"script tag text", `Party <script>alert(1)</script> "quotes" & it's #fun`, []string{"fun"}},
		{"no caption", "", []string{}},
		{"zero width joiner trimmed", "#abc\u200d def", []string{"abc"}},
		{"word before hash", "word#tag", []string{}},
		{"tag inside a word", "Tag in the middle#notatag and #realtag, end.", []string{"realtag"}},
		{"digit or underscore before hash", "2024#tag snake_#tag", []string{}},
		{"mark before hash", "cafe\u0301#tag", []string{}},
		{"chain after a word", "word#tag#more", []string{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if diff := cmp.Diff(tt.want, names(ExtractHashtags(tt.caption))); diff != "" {
				t.Errorf("ExtractHashtags(%q) names (-want +got):\n%s", tt.caption, diff)
			}
		})
	}
}

func TestExtractHashtagsIDs(t *testing.T) {
	got := ExtractHashtags("#Travel #travel #TRAVEL #NYC #nyc #Straße")
	want := []Hashtag{{ID: "travel", Name: "Travel"}, {ID: "nyc", Name: "NYC"}, {ID: "strasse", Name: "Straße"}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("hashtag list (-want +got):\n%s", diff)
	}
}

func TestNormalizeHashtag(t *testing.T) {
	tests := []struct {
		in   string
		want string
	}{
		{"#Pizza", "pizza"},
		{" pizza ", "pizza"},
		{"PIZZA", "pizza"},
		{"＃ラーメン", "ラーメン"},
		{"#cafe\u0301", "café"},
		{"#2024goals", "2024goals"},
		{"snake_case", "snake_case"},
		{"#" + strings.Repeat("a", MaxHashtagLength), strings.Repeat("a", MaxHashtagLength)},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := NormalizeHashtag(tt.in)
			if err != nil {
				t.Fatalf("NormalizeHashtag(%q): %v", tt.in, err)
			}
			if got != tt.want {
				t.Errorf("NormalizeHashtag(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestNormalizeHashtagInvalid(t *testing.T) {
	for _, in := range []string{"", "#", "  ", "🍕", "#pizza🍕", "two words", "#brunch!", "##pizza", "2010", "#_", "a.b",
		"a\u200db", "a\u200cb", "\ufeffpizza", "pizza\u2060", "pizza\xff",
		strings.Repeat("a", MaxHashtagLength+1)} {
		t.Run(in, func(t *testing.T) {
			_, err := NormalizeHashtag(in)
			if code := apperr.CodeOf(err); code != apperr.Invalid {
				t.Fatalf("NormalizeHashtag(%q) code = %s, want %s (error %v)", in, code, apperr.Invalid, err)
			}
			if in != "" && !strings.Contains(apperr.MessageOf(err), "hashtag") {
				t.Errorf("message %q does not name the hashtag", apperr.MessageOf(err))
			}
		})
	}
}

func TestNormalizeHashtagMessages(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want string
	}{
		{"zero-width joiner", "a\u200db",
			`invalid hashtag "a\u200db": it contains an invisible format character (U+200D); ` +
				"use one word of letters, digits and underscores"},
		{"byte order mark", "\ufeffpizza",
			`invalid hashtag "\ufeffpizza": it contains an invisible format character (U+FEFF); ` +
				"use one word of letters, digits and underscores"},
		{"emoji", "#pizza🍕",
			`invalid hashtag "#pizza🍕": it contains punctuation, a symbol or an emoji (U+1F355); ` +
				"use one word of letters, digits and underscores"},
		{"NUL", "x\x00y",
			`invalid hashtag "x\x00y": it contains a control character (U+0000); ` +
				"use one word of letters, digits and underscores"},
		{"escape", "x\x1by",
			`invalid hashtag "x\x1by": it contains a control character (U+001B); ` +
				"use one word of letters, digits and underscores"},
		{"DEL", "x\x7fy",
			`invalid hashtag "x\x7fy": it contains a control character (U+007F); ` +
				"use one word of letters, digits and underscores"},
		{"C1 control", "x\u0080y",
			`invalid hashtag "x\u0080y": it contains a control character (U+0080); ` +
				"use one word of letters, digits and underscores"},
		{"superscript digit", "x²",
			`invalid hashtag "x²": it contains a number character that is not a decimal digit (U+00B2); ` +
				"use one word of letters, digits and underscores"},
		{"private use", "x\ue000",
			`invalid hashtag "x\ue000": it contains a private-use character (U+E000); ` +
				"use one word of letters, digits and underscores"},
		{"too long", "#" + strings.Repeat("a", 5000),
			`invalid hashtag starting "aaaaaaaaaaaaaaaaaaaa": it has 5000 characters, more than ` +
				"the limit of 100, so use a shorter tag"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := NormalizeHashtag(tt.in)
			if diff := cmp.Diff(tt.want, apperr.MessageOf(err)); diff != "" {
				t.Errorf("message mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

func FuzzExtractHashtags(f *testing.F) {
	for _, seed := range []string{
		"Brunch #café #queMoción #コーヒー", "y&#039;all #brunch", "#1 #2010 #2024goals",
		"#Travel #travel", "https://x.com/#a #b", "#️⃣", "#a\u200d#b", "\xff#\xfe", "＃ラーメン", "middle#notatag",
	} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, caption string) {
		tags := ExtractHashtags(caption)
		seen := map[string]bool{}
		for _, tag := range tags {
			if tag.Name == "" || !utf8.ValidString(tag.Name) {
				t.Fatalf("invalid tag name %q from %q", tag.Name, caption)
			}
			if !strings.Contains(caption, tag.Name) {
				t.Fatalf("tag %q is not in caption %q", tag.Name, caption)
			}
			if !hasLetter(tag.Name) {
				t.Fatalf("tag %q has no letter", tag.Name)
			}
			if seen[tag.ID] {
				t.Fatalf("duplicate id %q in %q", tag.ID, caption)
			}
			seen[tag.ID] = true
			id, err := NormalizeHashtag(tag.Name)
			if strings.IndexFunc(tag.Name, isFormatRune) >= 0 || utf8.RuneCountInString(tag.Name) > MaxHashtagLength {
				// Captions may contain such tags, but Meta's search rejects them, so queries do too.
				if code := apperr.CodeOf(err); code != apperr.Invalid {
					t.Fatalf("NormalizeHashtag(%q) code = %s, want %s", tag.Name, code, apperr.Invalid)
				}
				continue
			}
			if err != nil || id != tag.ID {
				t.Fatalf("NormalizeHashtag(%q) = %q, %v; want the tag's id %q", tag.Name, id, err, tag.ID)
			}
		}
	})
}

func TestHashtagKeyASCIIMatchesFolding(t *testing.T) {
	for c := 0; c < utf8.RuneSelf; c++ {
		tag := "Tag" + string(rune(c)) + "X9_"
		want := norm.NFC.String(cases.Fold().String(tag))
		if got := hashtagKey(tag); got != want {
			t.Errorf("hashtagKey(%q) = %q, want %q as Unicode case folding gives", tag, got, want)
		}
	}
}
