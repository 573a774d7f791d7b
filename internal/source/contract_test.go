package source

import (
	"github.com/igsource/igsource/internal/instagram"
	"github.com/igsource/igsource/internal/media"
	"github.com/igsource/igsource/internal/store"
)

// The source layer's interfaces are implemented by the real packages.
var (
	_ Store          = (*store.Store)(nil)
	_ Client         = (*instagram.Client)(nil)
	_ Registry       = (*media.Store)(nil)
	_ media.Resolver = (*Service)(nil)
)
