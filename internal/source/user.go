package source

import (
	"context"
	"fmt"

	"github.com/igsource/igsource/internal/instagram"
	"github.com/igsource/igsource/internal/store"
)

// User returns the profile of an instance's account. Its cache defaults to 0, so every
// request reads the profile, with concurrent identical requests sharing one call.
func (s *Service) User(ctx context.Context, instanceName string, settings UserSettings) (*UserResult, error) {
	inst, err := s.Instance(ctx, instanceName)
	if err != nil {
		return nil, err
	}
	maxAge, err := settings.validate()
	if err != nil {
		return nil, err
	}
	user, meta, err := load(ctx, s, request[*User]{
		query: "user", instance: inst, key: s.cacheKey(userKey(inst.ID)), maxAge: maxAge,
		fetch: func(ctx context.Context) (*User, error) { return s.fetchUser(ctx, inst) },
	})
	if err != nil {
		return nil, err
	}
	return &UserResult{User: user, Meta: meta}, nil
}

func (s *Service) fetchUser(ctx context.Context, inst *store.Instance) (*User, error) {
	t, err := s.target(ctx, inst)
	if err != nil {
		return nil, err
	}
	s.metrics.upstreamCall("user")
	u, err := s.readProfile(ctx, t.cred)
	if err != nil {
		return nil, fmt.Errorf("read the profile of instance %q: %w", inst.Name, err)
	}
	m := s.newMapper(inst.AccountID, false)
	out := m.user(u)
	if err := s.register(ctx, m); err != nil {
		return nil, err
	}
	return &out, nil
}

// readProfile reads the professional account's profile: /me on graph.instagram.com, whose
// user_id is the professional id, and the linked account's node on graph.facebook.com, where
// /me is the Facebook user.
func (s *Service) readProfile(ctx context.Context, cred instagram.Credentials) (*instagram.User, error) {
	if cred.Kind == instagram.KindFacebook {
		return s.client.User(ctx, cred, cred.UserID, nil)
	}
	return s.client.Me(ctx, cred, nil)
}
