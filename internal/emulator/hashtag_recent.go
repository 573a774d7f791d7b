package emulator

import (
	"cmp"
	"fmt"
	"hash/fnv"
	"math/rand/v2"
	"slices"
	"time"
)

// recentWindow is the time between two recent posts of a hashtag, so that every 24 hours
// contain exactly recentMediaCount of them. NOTE: real hashtags are not posted to at even
// intervals, so the spacing is the emulator's choice.
const recentWindow = recentMediaMaxAge / recentMediaCount

// recentHashtagMedia returns the hashtag's public media created in the 24 hours up to now.
// Each post belongs to one recentWindow of Unix time and is generated from the hashtag id and
// that window on first read, so its id and timestamp never change. As the clock advances, old
// posts leave the list and new ones join it. The order is a stable hash of the media ids,
// because Meta documents no order for recent_media.
func (e *Emulator) recentHashtagMedia(h *hashtag, now time.Time) []*mediaItem {
	windowSeconds := int64(recentWindow / time.Second)
	phase := int64(hashString(h.ID, "phase") % uint64(windowSeconds))
	newest := now.Unix()
	oldest := newest - int64(recentMediaMaxAge/time.Second) // exclusive

	list := make([]*mediaItem, 0, recentMediaCount)
	for window := floorDiv(oldest-phase, windowSeconds); ; window++ {
		created := window*windowSeconds + phase
		if created > newest {
			break
		}
		if created > oldest {
			list = append(list, e.recentPost(h, window, time.Unix(created, 0).UTC()))
		}
	}
	slices.SortFunc(list, func(a, b *mediaItem) int {
		return cmp.Compare(hashString(a.ID, "order"), hashString(b.ID, "order"))
	})
	return list
}

// recentPost returns the hashtag's post of one time window, generating it on first use.
func (e *Emulator) recentPost(h *hashtag, window int64, created time.Time) *mediaItem {
	if m := h.recent[window]; m != nil {
		return m
	}
	if h.recent == nil {
		h.recent = map[int64]*mediaItem{}
	}
	d := e.data
	saved := d.rng
	seed := hashString(h.ID, fmt.Sprint(window))
	d.rng = rand.New(rand.NewPCG(seed, uint64(e.opts.Seed)))
	defer func() { d.rng = saved }()

	m := e.newHashtagMedia(h, created)
	h.recent[window] = m
	return m
}

// hashString returns the FNV-1a hash of s and salt.
func hashString(s, salt string) uint64 {
	h := fnv.New64a()
	_, _ = h.Write([]byte(s))
	_, _ = h.Write([]byte{0})
	_, _ = h.Write([]byte(salt))
	return h.Sum64()
}

// floorDiv divides a by b > 0, rounding toward negative infinity.
func floorDiv(a, b int64) int64 {
	q := a / b
	if a%b != 0 && (a < 0) != (b < 0) {
		q--
	}
	return q
}
