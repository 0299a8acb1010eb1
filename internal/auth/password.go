// Package auth holds password hashing and the signed tokens (access and
// password reset). It knows nothing of HTTP or the database.
package auth

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"

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

// Hasher computes password hashes at most Concurrency at a time: each
// holds Params.Memory (19 MiB) while it runs, so a burst of log-ins waits
// its turn instead of growing memory without bound, and finishes no later
// than it would sharing the CPUs. A caller waits for its turn only as long
// as its context allows. Hash before opening a transaction: the wait and
// the work must not count against a statement's time or hold a connection.
type Hasher struct {
	slots   chan struct{}
	waiting atomic.Int64
}

// NewHasher returns a hasher that runs up to concurrency hashes at once.
func NewHasher(concurrency int) *Hasher {
	return &Hasher{slots: make(chan struct{}, max(concurrency, 1))}
}

// Passwords is the process's hasher: as many hashes at once as it may use CPUs.
var Passwords = NewHasher(runtime.GOMAXPROCS(0))

// Hold takes one of the hasher's slots, as every hash does, and returns
// the function that gives it back (once, however often it is called); it
// waits until one is free or ctx ends.
func (h *Hasher) Hold(ctx context.Context) (release func(), err error) {
	select {
	case h.slots <- struct{}{}:
		return sync.OnceFunc(func() { <-h.slots }), nil
	default:
	}
	h.waiting.Add(1)
	defer h.waiting.Add(-1)
	select {
	case h.slots <- struct{}{}:
		return sync.OnceFunc(func() { <-h.slots }), nil
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

// Waiting is how many callers wait for a slot now.
func (h *Hasher) Waiting() int { return int(h.waiting.Load()) }

// Hash returns a PHC-format Argon2id hash of password with a random salt.
func (h *Hasher) Hash(ctx context.Context, password string) (string, error) {
	salt := make([]byte, saltLen)
	if _, err := rand.Read(salt); err != nil {
		return "", err
	}
	key, err := h.idKey(ctx, []byte(password), salt, Current, keyLen)
	if err != nil {
		return "", err
	}
	return encode(Current, salt, key), nil
}

func (h *Hasher) idKey(ctx context.Context, password, salt []byte, p Params, n uint32) ([]byte, error) {
	release, err := h.Hold(ctx)
	if err != nil {
		return nil, err
	}
	defer release()
	return argon2.IDKey(password, salt, p.Time, p.Memory, p.Threads, n), nil
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

// Verify reports whether password matches hash, in constant time.
func (h *Hasher) Verify(ctx context.Context, hash, password string) (bool, error) {
	p, salt, key, err := decode(hash)
	if err != nil {
		return false, err
	}
	got, err := h.idKey(ctx, []byte(password), salt, p, uint32(len(key)))
	if err != nil {
		return false, err
	}
	return subtle.ConstantTimeCompare(got, key) == 1, nil
}

// NeedsRehash reports whether hash was made with other parameters than Current.
func NeedsRehash(hash string) bool {
	p, _, _, err := decode(hash)
	return err != nil || p != Current
}

// dummyHash is verified against when a login names no known user, so that
// the answer takes as long as for a real user with a wrong password.
var dummyHash = encode(Current, make([]byte, saltLen), make([]byte, keyLen))

// BurnVerify spends the time of one Verify and always fails.
func (h *Hasher) BurnVerify(ctx context.Context, password string) {
	_, _ = h.Verify(ctx, dummyHash, password)
}
