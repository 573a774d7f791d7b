package cli

import (
	"fmt"
	"runtime"
	"runtime/debug"
)

// version and commit are set at build time:
//
//	go build -ldflags "-X github.com/igsource/igsource/internal/cli.version=1.2.0 -X github.com/igsource/igsource/internal/cli.commit=abc1234" ./cmd/igsource
//
// Without ldflags, commit falls back to the VCS revision that the Go toolchain embeds.
var (
	version = "dev"
	commit  = ""
)

type versionCmd struct{}

func (versionCmd) Run(s *streams) error {
	_, err := fmt.Fprintf(s.stdout, "igsource %s\ncommit %s\n%s %s/%s\n",
		version, buildCommit(), runtime.Version(), runtime.GOOS, runtime.GOARCH)
	return err
}

func buildCommit() string {
	if commit != "" {
		return commit
	}
	if info, ok := debug.ReadBuildInfo(); ok {
		for _, s := range info.Settings {
			if s.Key == "vcs.revision" {
				return s.Value
			}
		}
	}
	return "unknown"
}
