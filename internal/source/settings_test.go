package source

import (
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/igsource/igsource/internal/apperr"
)

func TestParseTime(t *testing.T) {
	tests := []struct {
		in   string
		want time.Time
	}{
		{"2024-03-01T00:00:00Z", time.Date(2024, 3, 1, 0, 0, 0, 0, time.UTC)},
		{"2024-03-01T02:00:00+02:00", time.Date(2024, 3, 1, 0, 0, 0, 0, time.UTC)},
		{"2024-03-01T00:00:00.5Z", time.Date(2024, 3, 1, 0, 0, 0, 5e8, time.UTC)},
		{"2024-03-01T01:00:00+0100", time.Date(2024, 3, 1, 0, 0, 0, 0, time.UTC)},
		{" 2024-03-01 ", time.Date(2024, 3, 1, 0, 0, 0, 0, time.UTC)},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := ParseTime(tt.in)
			if err != nil {
				t.Fatal(err)
			}
			if !got.Equal(tt.want) || got.Location() != time.UTC {
				t.Errorf("ParseTime(%q) = %v, want %v in UTC", tt.in, got, tt.want)
			}
		})
	}
	for _, in := range []string{"", "yesterday", "2024-13-01", "01/03/2024"} {
		_, err := ParseTime(in)
		if code := apperr.CodeOf(err); code != apperr.Invalid {
			t.Errorf("ParseTime(%q) code = %s, want %s", in, code, apperr.Invalid)
		}
		if !strings.Contains(apperr.MessageOf(err), "RFC 3339") {
			t.Errorf("ParseTime(%q) message %q does not give the expected form", in, apperr.MessageOf(err))
		}
	}
}

func TestMediaSettingsDefaults(t *testing.T) {
	got, err := MediaSettings{}.validate(900)
	if err != nil {
		t.Fatal(err)
	}
	want := mediaQuery{typ: TypeAll, amount: 20, offset: 0, cache: 900 * time.Second}
	if diff := cmp.Diff(want, got, cmp.AllowUnexported(mediaQuery{})); diff != "" {
		t.Errorf("defaults (-want +got):\n%s", diff)
	}
}

func TestMediaSettingsCanonical(t *testing.T) {
	since := time.Date(2024, 3, 1, 1, 0, 0, 0, time.FixedZone("CET", 3600))
	got, err := MediaSettings{Type: " video ", Amount: ptr(7), Offset: ptr(3), Cache: ptr(0), Since: &since}.validate(900)
	if err != nil {
		t.Fatal(err)
	}
	want := mediaQuery{typ: TypeVideo, amount: 7, offset: 3, since: time.Date(2024, 3, 1, 0, 0, 0, 0, time.UTC)}
	if diff := cmp.Diff(want, got, cmp.AllowUnexported(mediaQuery{})); diff != "" {
		t.Errorf("settings (-want +got):\n%s", diff)
	}
}

func TestSettingsBounds(t *testing.T) {
	tests := []struct {
		name    string
		err     error
		mention string
	}{
		{"amount 1001", errOf(MediaSettings{Amount: ptr(1001)}.validate(0)), "1001"},
		{"offset -1", errOf(MediaSettings{Offset: ptr(-1)}.validate(0)), "offset -1"},
		{"cache over 30 days", errOf(MediaSettings{Cache: ptr(MaxCacheSeconds + 1)}.validate(0)), "2592001"},
		{"hashtag amount 0", errOf(HashtagSettings{Hashtag: "a", Amount: ptr(0)}.validate(0)), "1 to 200"},
		{"missing hashtag", errOf(HashtagSettings{}.validate(0)), "missing hashtag"},
		{"missing media id", errOf(SingleSettings{}.validate(0)), "missing media id"},
		{"user cache -5", errOf(UserSettings{Cache: ptr(-5)}.validate()), "cache -5"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if code := apperr.CodeOf(tt.err); code != apperr.Invalid {
				t.Fatalf("code = %s, want %s", code, apperr.Invalid)
			}
			if !strings.Contains(apperr.MessageOf(tt.err), tt.mention) {
				t.Errorf("message %q does not contain %q", apperr.MessageOf(tt.err), tt.mention)
			}
		})
	}
}

func errOf[T any](_ T, err error) error { return err }

func TestHashtagSettingsDefaults(t *testing.T) {
	got, err := HashtagSettings{Hashtag: "#Brunch"}.validate(60)
	if err != nil {
		t.Fatal(err)
	}
	want := hashtagQuery{q: "brunch", edge: EdgeTop, amount: 20, cache: time.Minute}
	if diff := cmp.Diff(want, got, cmp.AllowUnexported(hashtagQuery{})); diff != "" {
		t.Errorf("defaults (-want +got):\n%s", diff)
	}
	cache, err := UserSettings{}.validate()
	if err != nil || cache != 0 {
		t.Errorf("user cache default = %v, %v; want 0", cache, err)
	}
}

func TestCacheKeysDistinct(t *testing.T) {
	t0 := time.Date(2024, 3, 1, 0, 0, 0, 0, time.UTC)
	keys := []string{
		mediaQuery{typ: TypeAll, amount: 20}.key(1),
		mediaQuery{typ: TypeAll, amount: 20}.key(2),
		mediaQuery{typ: TypeAll, amount: 30}.key(1),
		mediaQuery{typ: TypeAll, amount: 20, offset: 20}.key(1),
		mediaQuery{typ: TypeVideo, amount: 20}.key(1),
		mediaQuery{typ: TypeAll, amount: 20, since: t0}.key(1),
		mediaQuery{typ: TypeAll, amount: 20, until: t0}.key(1),
		singleQuery{id: "20"}.key(1),
		hashtagQuery{q: "brunch", edge: EdgeTop, amount: 20}.key(1),
		hashtagQuery{q: "tacos", edge: EdgeTop, amount: 20}.key(1),
		hashtagQuery{q: "brunch", edge: EdgeRecent, amount: 20}.key(1),
		userKey(1),
	}
	seen := map[string]int{}
	for i, k := range keys {
		if j, ok := seen[k]; ok {
			t.Errorf("queries %d and %d share the key %q", j, i, k)
		}
		seen[k] = i
	}
	if a, b := (mediaQuery{typ: TypeAll, amount: 20, cache: time.Minute}).key(1), (mediaQuery{typ: TypeAll, amount: 20}).key(1); a != b {
		t.Errorf("the cache setting changes the key: %q and %q", a, b)
	}
}
