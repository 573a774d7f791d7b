// Command igsource serves Instagram professional accounts' media and profiles to websites.
package main

import (
	"os"

	"github.com/igsource/igsource/internal/cli"
)

func main() {
	os.Exit(cli.Run(os.Args[1:]))
}
