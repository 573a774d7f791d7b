package media

import (
	"context"
	"errors"
	"fmt"
	"net/url"

	"github.com/igsource/igsource/internal/apperr"
	"github.com/igsource/igsource/internal/store"
)

// Register records the newest CDN link of each registration. Refs that cannot be re-resolved
// later (hashtag media) are downloaded right away in the background, before their links expire,
// under the store's download limit.
//
// A registration with an invalid ref or a link that the guard rejects is skipped and logged.
// The others are still recorded, and the returned *apperr.Error wraps the reasons of the
// skipped refs.
func (s *Store) Register(ctx context.Context, regs []Registration) error {
	files := make([]store.MediaFile, 0, len(regs))
	var invalid []error
	var background []Ref
	for _, reg := range regs {
		if err := s.checkRegistration(reg); err != nil {
			s.metrics.rejected()
			s.log.Warn("Rejected media registration", "ref", reg.Ref.String(), "reason", err.Error())
			invalid = append(invalid, err)
			continue
		}
		files = append(files, store.MediaFile{
			Ref:        reg.Ref.String(),
			AccountID:  reg.Ref.AccountID,
			MediaID:    reg.Ref.MediaID,
			Variant:    string(reg.Ref.Variant),
			CDNURL:     reg.CDNURL,
			Video:      reg.Video,
			Resolvable: reg.Resolvable,
		})
		if !reg.Resolvable {
			background = append(background, reg.Ref)
		}
	}
	if len(files) > 0 {
		if err := s.index.UpsertMediaFiles(ctx, files); err != nil {
			return fmt.Errorf("register %d media files: %w", len(files), err)
		}
	}
	for _, ref := range background {
		s.downloadInBackground(ref)
	}
	if len(invalid) > 0 {
		return apperr.Wrap(errors.Join(invalid...), apperr.Invalid,
			"%d of %d media registrations were skipped; the server log names them", len(invalid), len(regs))
	}
	return nil
}

func (s *Store) checkRegistration(reg Registration) error {
	if _, err := ParseRef(reg.Ref.String()); err != nil {
		return err
	}
	u, err := url.Parse(reg.CDNURL)
	if err != nil {
		return fmt.Errorf("media %s: CDN link does not parse", reg.Ref)
	}
	if err := s.guard.checkURL(u); err != nil {
		return fmt.Errorf("media %s: %w", reg.Ref, err)
	}
	return nil
}

// downloadInBackground downloads ref unless its file is already on disk. Errors are logged
// by the download; a later request tries again.
func (s *Store) downloadInBackground(ref Ref) {
	s.closeMu.Lock()
	defer s.closeMu.Unlock()
	if s.closed {
		return
	}
	s.wg.Add(1)
	go func() {
		defer s.wg.Done()
		if _, err := s.file(s.ctx, ref); err != nil && s.ctx.Err() == nil {
			s.log.Debug("Background media download failed", "ref", ref.String(), "error", err)
		}
	}()
}
