package cli

import (
	"github.com/igsource/igsource/internal/config"
)

// configCmd prints the settings after flags, environment variables, the configuration file and
// the derived defaults are applied. Kong runs config.Config.Validate while parsing, so an
// invalid setting stops every command, this one included, with a message naming the flag.
type configCmd struct {
	Format string `help:"Output format: ${enum}." default:"json" enum:"json,yaml"`

	config.Config `embed:"" group:"settings" set:"data_default=./igsource-data"`
}

func (c *configCmd) Run(s *streams) error {
	effective := c.Effective()
	return effective.Write(s.stdout, c.Format)
}
