// Package migrations holds the schema as golang-migrate SQL files, embedded in
// the binary, and the functions that apply them.
package migrations

import (
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"io/fs"
	"strings"
)

//go:embed *.sql
var files embed.FS

// Checksum identifies the set of migration files, so that a cached migrated
// database (the tests' template) is rebuilt when any file changes.
func Checksum() (string, error) {
	h := sha256.New()
	err := fs.WalkDir(files, ".", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := files.ReadFile(path)
		if err != nil {
			return err
		}
		h.Write([]byte(path))
		h.Write(b)
		return nil
	})
	return hex.EncodeToString(h.Sum(nil)), err
}

// Files lists the migrations by name (NNNNNN_name), split into those with an
// up file and those with a down file.
func Files() (ups, downs map[string]bool, err error) {
	entries, err := fs.ReadDir(files, ".")
	if err != nil {
		return nil, nil, err
	}
	ups, downs = map[string]bool{}, map[string]bool{}
	for _, e := range entries {
		name := e.Name()
		if base, ok := strings.CutSuffix(name, ".up.sql"); ok {
			ups[base] = true
		} else if base, ok := strings.CutSuffix(name, ".down.sql"); ok {
			downs[base] = true
		}
	}
	return ups, downs, nil
}
