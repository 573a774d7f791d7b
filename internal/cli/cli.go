// Package cli is igsource's command line: the kong command tree, its wiring of the other
// packages and the process's exit status.
//
// Each command group lives in its own file and is a field of root. A command's Run method
// receives the context and the *streams that run binds.
package cli

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strconv"
	"syscall"

	"github.com/alecthomas/kong"

	"github.com/igsource/igsource/internal/config"
	"github.com/igsource/igsource/internal/graph"
)

// Exit statuses of Run.
const (
	exitOK    = 0
	exitError = 1 // a command failed
	exitUsage = 2 // the command line or configuration is invalid
)

// settingsGroup is the kong group of the config.Config flags. A configuration file sets only
// these flags and the declared instances.
const settingsGroup = "settings"

type root struct {
	ConfigFile configFile `name:"config" help:"JSON configuration file; its keys are the long setting flags with underscores, such as \"public_url\". Flags and environment variables override it." env:"IGSOURCE_CONFIG" placeholder:"FILE"`

	Serve     serveCmd     `cmd:"" help:"Serve the GraphQL, REST and media APIs and the admin routes."`
	Demo      demoCmd      `cmd:"" help:"Run igsource against a built-in emulator of Meta's APIs, with demo accounts and instances."`
	Emulator  emulatorCmd  `cmd:"" help:"Serve the emulator of Meta's Graph APIs and CDN, and print tokens for its demo accounts."`
	Query     queryCmd     `cmd:"" help:"Run a content query of an instance and print the result as JSON."`
	Instances instancesCmd `cmd:"" help:"List, add and remove instances."`
	Accounts  accountsCmd  `cmd:"" help:"Import, list and remove connected accounts."`
	Media     mediaCmd     `cmd:"" help:"Download or delete local media copies."`
	Cache     cacheCmd     `cmd:"" help:"Manage the stored query results."`
	Config    configCmd    `cmd:"" help:"Print the effective configuration with secrets redacted."`
	Version   versionCmd   `cmd:"" help:"Print the version, commit and Go version."`
}

// streams are the standard streams of a command, replaced in tests.
type streams struct {
	stdin  io.Reader
	stdout io.Writer
	stderr io.Writer
}

// Run parses args (without the program name), runs the command and returns the process's exit
// status. SIGINT and SIGTERM cancel the command's context, which stops servers cleanly.
func Run(args []string) int {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	return run(ctx, args, &streams{stdin: os.Stdin, stdout: os.Stdout, stderr: os.Stderr})
}

// exitRequest carries the status of kong's exit (after --help) out of the parser.
type exitRequest struct{ status int }

func run(ctx context.Context, args []string, s *streams) (status int) {
	cli := newRoot()
	parser, err := newParser(ctx, cli, s)
	if err != nil {
		fmt.Fprintf(s.stderr, "igsource: %v\n", err)
		return exitError
	}
	defer func() {
		if r := recover(); r != nil {
			exit, ok := r.(exitRequest)
			if !ok {
				panic(r)
			}
			status = exit.status
		}
	}()
	kctx, err := parser.Parse(args)
	if err != nil {
		fmt.Fprintf(s.stderr, "igsource: %v\n", err)
		if _, ok := errors.AsType[*kong.ParseError](err); ok {
			fmt.Fprintln(s.stderr, "Run `igsource --help` for the commands and their flags.")
		}
		return exitUsage
	}
	if err := kctx.Run(); err != nil {
		fmt.Fprintf(s.stderr, "igsource: %v\n", err)
		if _, ok := errors.AsType[*usageError](err); ok {
			return exitUsage
		}
		return exitError
	}
	return exitOK
}

func newRoot() *root {
	r := &root{}
	for _, newCommands := range accountsCommands {
		r.Accounts.Plugins = append(r.Accounts.Plugins, newCommands())
	}
	return r
}

func newParser(ctx context.Context, cli *root, s *streams) (*kong.Kong, error) {
	return kong.New(cli,
		kong.Name("igsource"),
		kong.Description("igsource turns Instagram professional accounts into a content source: GraphQL and REST APIs, caching and local media copies."),
		kong.Writers(s.stdout, s.stderr),
		kong.Exit(func(status int) { panic(exitRequest{status: status}) }),
		kong.ExplicitGroups([]kong.Group{{
			Key:   settingsGroup,
			Title: "Settings (each also an IGSOURCE_* environment variable and a --config file key)",
		}}),
		kong.Vars(settingVars()),
		kong.BindTo(ctx, (*context.Context)(nil)),
		kong.Bind(s),
	)
}

// settingVars returns the values that config.Config's tags interpolate. The complexity limit
// comes from the GraphQL package, whose cost function it is sized for.
func settingVars() kong.Vars {
	vars := kong.Vars(config.Vars())
	vars["complexity_limit"] = strconv.Itoa(graph.DefaultComplexityLimit)
	return vars
}

// usageError is a command error caused by invalid input rather than a failure; Run exits
// with status 2 for it.
type usageError struct{ err error }

func (e *usageError) Error() string { return e.err.Error() }
func (e *usageError) Unwrap() error { return e.err }

// writeJSON writes v as indented JSON without escaping <, > and &, which captions contain.
func writeJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}
