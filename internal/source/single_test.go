package source

import (
	"testing"
	"time"

	"github.com/igsource/igsource/internal/apperr"
	"github.com/igsource/igsource/internal/emulator"
)

func TestEmulatorSingleNotFoundCached(t *testing.T) {
	e := newEmulated(t, emulator.Options{})
	const unknown = "17890000000099999"
	single := func(cache int) error {
		_, err := e.service.MediaSingle(t.Context(), "creator", SingleSettings{ID: unknown, Cache: ptr(cache)})
		return err
	}

	if err := single(60); apperr.CodeOf(err) != apperr.NotFound {
		t.Fatalf("first read code = %s, want %s (error %v)", apperr.CodeOf(err), apperr.NotFound, err)
	}
	if n := e.emu.TotalCalls(); n == 0 {
		t.Fatal("first read made no call, want a read from Instagram")
	}

	e.emu.ResetCalls()
	for range 3 {
		if err := single(60); apperr.CodeOf(err) != apperr.NotFound {
			t.Errorf("repeated read code = %s, want %s (error %v)", apperr.CodeOf(err), apperr.NotFound, err)
		}
	}
	if n := e.emu.TotalCalls(); n != 0 {
		t.Errorf("calls for repeated reads within the cache time = %d, want 0", n)
	}

	// The emulator counts a read of an unknown id under EndpointOther, so these checks count
	// every call.
	if err := single(0); apperr.CodeOf(err) != apperr.NotFound {
		t.Errorf("cache 0 read code = %s, want %s", apperr.CodeOf(err), apperr.NotFound)
	}
	if n := e.emu.TotalCalls(); n != 1 {
		t.Errorf("calls for a cache 0 read = %d, want 1", n)
	}

	e.emu.ResetCalls()
	e.clock.Advance(61 * time.Second)
	if err := single(60); apperr.CodeOf(err) != apperr.NotFound {
		t.Errorf("expired read code = %s, want %s", apperr.CodeOf(err), apperr.NotFound)
	}
	if n := e.emu.TotalCalls(); n != 1 {
		t.Errorf("calls after the cache time = %d, want 1", n)
	}
}

func TestEmulatorSingleNotFoundKeepsGood(t *testing.T) {
	e := newEmulated(t, emulator.Options{})
	id := e.emu.MediaIDs(e.accounts.CreatorUserID)[0]
	if _, err := e.service.MediaSingle(t.Context(), "creator", SingleSettings{ID: id, Cache: ptr(60)}); err != nil {
		t.Fatal(err)
	}
	if err := e.emu.DeleteMedia(id); err != nil {
		t.Fatal(err)
	}
	_, err := e.service.MediaSingle(t.Context(), "creator", SingleSettings{ID: id, Cache: ptr(0)})
	if apperr.CodeOf(err) != apperr.NotFound {
		t.Fatalf("deleted media code = %s, want %s (error %v)", apperr.CodeOf(err), apperr.NotFound, err)
	}

	res, err := e.service.MediaSingle(t.Context(), "creator", SingleSettings{ID: id, Cache: ptr(60)})
	if err != nil {
		t.Fatalf("read within the good result's cache time: %v, want the good result", err)
	}
	if res.Media.ID != id {
		t.Errorf("media id = %s, want %s", res.Media.ID, id)
	}
	if !res.Meta.Cached {
		t.Error("result not from the cache, want the good result kept beside the not-found entry")
	}
}
