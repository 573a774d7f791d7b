package source

import (
	"strings"
	"testing"

	"github.com/igsource/igsource/internal/apperr"
	"github.com/igsource/igsource/internal/emulator"
)

// ledgerRows returns the number of hashtag searches the business account has recorded.
func (e *emulated) ledgerRows(t *testing.T) int {
	t.Helper()
	searches, err := e.store.HashtagSearches(t.Context(), e.business.AccountID, testNow.AddDate(0, 0, -7))
	if err != nil {
		t.Fatal(err)
	}
	return len(searches)
}

func TestEmulatorHashtagRejectedLocally(t *testing.T) {
	e := newEmulated(t, emulator.Options{})
	tests := []struct {
		name    string
		hashtag string
		mention string
	}{
		{"zero-width joiner", "a\u200db", "U+200D"},
		{"zero-width non-joiner", "a\u200cb", "U+200C"},
		{"byte order mark", "\ufeffpizza", "U+FEFF"},
		{"101 characters", strings.Repeat("a", 101), "101 characters"},
		{"5000 characters", strings.Repeat("a", 5000), "limit of 100"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := e.service.HashtaggedMedia(t.Context(), "business", HashtagSettings{Hashtag: tt.hashtag, Amount: ptr(1)})
			if code := apperr.CodeOf(err); code != apperr.Invalid {
				t.Fatalf("code = %s, want %s (error %v)", code, apperr.Invalid, err)
			}
			if msg := apperr.MessageOf(err); !strings.Contains(msg, tt.mention) {
				t.Errorf("message %q does not contain %q", msg, tt.mention)
			}
			if msg := apperr.MessageOf(err); len(msg) > 300 {
				t.Errorf("message is %d bytes long, want the tag shortened", len(msg))
			}
			if n := e.emu.TotalCalls(); n != 0 {
				t.Errorf("calls = %d, want 0", n)
			}
			if n := e.ledgerRows(t); n != 0 {
				t.Errorf("ledger rows = %d, want 0", n)
			}
		})
	}
}

func TestEmulatorHashtagAllowList(t *testing.T) {
	e := newEmulated(t, emulator.Options{})
	svc, err := New(Deps{Store: e.store, Client: e.service.client, Media: e.registry, Clock: e.clock,
		AllowedHashtags: []string{"#Pizza", " brunch ", ""}})
	if err != nil {
		t.Fatal(err)
	}

	for _, tag := range []string{"pizza", "#PIZZA", "brunch"} {
		if _, err := svc.HashtaggedMedia(t.Context(), "business", HashtagSettings{Hashtag: tag, Amount: ptr(1)}); err != nil {
			t.Errorf("allowed tag %q: %v", tag, err)
		}
	}
	if n := e.ledgerRows(t); n != 2 {
		t.Errorf("ledger rows after the allowed tags = %d, want 2", n)
	}

	e.emu.ResetCalls()
	_, err = svc.HashtaggedMedia(t.Context(), "business", HashtagSettings{Hashtag: "#Junk1", Amount: ptr(1)})
	if code := apperr.CodeOf(err); code != apperr.Invalid {
		t.Fatalf("tag off the list code = %s, want %s (error %v)", code, apperr.Invalid, err)
	}
	want := "hashtag #junk1 is not allowed on this server: query one of #brunch, #pizza, or add it " +
		"to the server's --hashtags (IGSOURCE_HASHTAGS) setting"
	if msg := apperr.MessageOf(err); msg != want {
		t.Errorf("message = %q, want %q", msg, want)
	}
	if n := e.emu.TotalCalls(); n != 0 {
		t.Errorf("calls for a tag off the list = %d, want 0", n)
	}
	if n := e.ledgerRows(t); n != 2 {
		t.Errorf("ledger rows after a tag off the list = %d, want 2", n)
	}
}

func TestAllowedHashtagsInvalid(t *testing.T) {
	e := newEmulated(t, emulator.Options{})
	_, err := New(Deps{Store: e.store, Client: e.service.client, Media: e.registry,
		AllowedHashtags: []string{"pizza", "two words"}})
	if err == nil {
		t.Fatal("New with an invalid allowed hashtag = nil error, want an error")
	}
	if !strings.Contains(err.Error(), `"two words"`) {
		t.Errorf("error %q does not name the invalid tag", err)
	}
}

func TestEmptyAllowListAllowsAny(t *testing.T) {
	e := newEmulated(t, emulator.Options{})
	svc, err := New(Deps{Store: e.store, Client: e.service.client, Media: e.registry, Clock: e.clock,
		AllowedHashtags: []string{""}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := svc.HashtaggedMedia(t.Context(), "business", HashtagSettings{Hashtag: "tacos", Amount: ptr(1)}); err != nil {
		t.Errorf("tag with an empty list: %v", err)
	}
}
