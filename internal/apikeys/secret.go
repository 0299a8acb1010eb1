package apikeys

import (
	"crypto/rand"
	"crypto/sha256"
	"math/big"
	"strings"
)

// SecretPrefix starts every key's secret, so that a key is told from a
// log-in token at a glance (and by secret scanners).
const SecretPrefix = "ok_live_"

const (
	base62     = "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ" // big.Int.Text(62)'s digits
	randomLen  = 43                                                               // 32 random bytes in base62: 62^43 > 2^256
	shownChars = 4                                                                // of the random part, in the key's prefix
)

// newSecret is SecretPrefix and 32 random bytes in base62, zero-padded to
// a fixed length.
func newSecret() (string, error) {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return "", err
	}
	digits := new(big.Int).SetBytes(b).Text(62)
	return SecretPrefix + strings.Repeat("0", randomLen-len(digits)) + digits, nil
}

// IsKey tells whether a bearer credential is meant as an API key (it may
// still be no key's).
func IsKey(credential string) bool { return strings.HasPrefix(credential, SecretPrefix) }

// wellFormed tells whether a secret has a key's shape, before any lookup.
func wellFormed(secret string) bool {
	random, ok := strings.CutPrefix(secret, SecretPrefix)
	if !ok || len(random) != randomLen {
		return false
	}
	for _, c := range []byte(random) {
		if strings.IndexByte(base62, c) < 0 {
			return false
		}
	}
	return true
}

// prefixOf is what a person sees of a key: SecretPrefix and its first characters.
func prefixOf(secret string) string { return secret[:len(SecretPrefix)+shownChars] }

// hashOf is what is stored of a secret.
func hashOf(secret string) []byte {
	sum := sha256.Sum256([]byte(secret))
	return sum[:]
}
