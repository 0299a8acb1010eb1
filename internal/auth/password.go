// Package auth holds password hashing and the signed tokens (access and
// password reset). It knows nothing of HTTP or the database.
package auth

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"runtime"
	"strings"

	"golang.org/x/crypto/argon2"
)

// Password length limits, in characters.
const (
	MinPasswordLen = 8
	MaxPasswordLen = 128
)

// Params are Argon2id cost parameters. Changing Current makes every login
// with an older hash rehash it (see NeedsRehash).
type Params struct {
	Memory  uint32 // KiB
	Time    uint32
	Threads uint8
}

// Current follows OWASP's Argon2id recommendation (19 MiB, 2 passes, 1 lane).
var Current = Params{Memory: 19 * 1024, Time: 2, Threads: 1}

const (
	saltLen = 16
	keyLen  = 32
)

// ErrMalformedHash means a stored hash is not one this package wrote.
var ErrMalformedHash = errors.New("malformed password hash")

// HashPassword returns a PHC-format Argon2id hash with a random salt.
func HashPassword(password string) (string, error) {
	salt := make([]byte, saltLen)
	if _, err := rand.Read(salt); err != nil {
		return "", err
	}
	return encode(Current, salt, idKey([]byte(password), salt, Current, keyLen)), nil
}

// slots bounds the hashes computed at once to the CPUs the process may use:
// each holds Memory KiB (19 MiB) while it runs, so a burst of log-ins waits
// its turn instead of growing memory without bound, and finishes no later
// than it would sharing the CPUs.
var slots = make(chan struct{}, runtime.GOMAXPROCS(0))

func idKey(password, salt []byte, p Params, n uint32) []byte {
	slots <- struct{}{}
	defer func() { <-slots }()
	return argon2.IDKey(password, salt, p.Time, p.Memory, p.Threads, n)
}

func encode(p Params, salt, key []byte) string {
	b64 := base64.RawStdEncoding
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s",
		argon2.Version, p.Memory, p.Time, p.Threads, b64.EncodeToString(salt), b64.EncodeToString(key))
}

func decode(hash string) (Params, []byte, []byte, error) {
	var p Params
	parts := strings.Split(hash, "$")
	if len(parts) != 6 || parts[1] != "argon2id" || parts[2] != fmt.Sprintf("v=%d", argon2.Version) {
		return p, nil, nil, ErrMalformedHash
	}
	if _, err := fmt.Sscanf(parts[3], "m=%d,t=%d,p=%d", &p.Memory, &p.Time, &p.Threads); err != nil {
		return p, nil, nil, ErrMalformedHash
	}
	salt, err1 := base64.RawStdEncoding.DecodeString(parts[4])
	key, err2 := base64.RawStdEncoding.DecodeString(parts[5])
	if err1 != nil || err2 != nil || len(key) == 0 || p.Time == 0 || p.Threads == 0 {
		return p, nil, nil, ErrMalformedHash
	}
	return p, salt, key, nil
}

// VerifyPassword reports whether password matches hash, in constant time.
func VerifyPassword(hash, password string) (bool, error) {
	p, salt, key, err := decode(hash)
	if err != nil {
		return false, err
	}
	got := idKey([]byte(password), salt, p, uint32(len(key)))
	return subtle.ConstantTimeCompare(got, key) == 1, nil
}

// NeedsRehash reports whether hash was made with other parameters than Current.
func NeedsRehash(hash string) bool {
	p, _, _, err := decode(hash)
	return err != nil || p != Current
}

// dummyHash is verified against when a login names no known user, so that
// the answer takes as long as for a real user with a wrong password.
var dummyHash = func() string {
	h, err := HashPassword("timing-equaliser")
	if err != nil {
		panic(err)
	}
	return h
}()

// BurnVerify spends the time of one VerifyPassword and always fails.
func BurnVerify(password string) {
	_, _ = VerifyPassword(dummyHash, password)
}
