// Package examples holds the networks built into the snn command, as spec files.
package examples

import (
	"embed"
	"io/fs"
	"sort"
	"strings"
)

//go:embed *.toml
var files embed.FS

// Default is the example `snn run` runs when given no spec.
const Default = "demo"

// Names lists the built-in examples in alphabetical order.
func Names() []string {
	entries, _ := fs.ReadDir(files, ".")
	var names []string
	for _, e := range entries {
		names = append(names, strings.TrimSuffix(e.Name(), ".toml"))
	}
	sort.Strings(names)
	return names
}

// Get returns the spec text of a built-in example.
func Get(name string) ([]byte, bool) {
	b, err := files.ReadFile(name + ".toml")
	return b, err == nil
}
