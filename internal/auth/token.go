package auth

import (
	"errors"
	"fmt"
	"time"

	"github.com/golang-jwt/jwt/v5"
	"github.com/google/uuid"
)

// Purposes keep an access token from being used as a reset token and back.
const (
	PurposeAccess = "access"
	PurposeReset  = "password-reset"
)

// ErrInvalidToken covers every token that must not be honoured: malformed,
// tampered, wrongly signed (alg none included), expired or of another purpose.
var ErrInvalidToken = errors.New("invalid token")

// Claims are what a token carries: the user, the user's token version when it
// was issued (a password change bumps it, revoking the token), and its purpose.
type Claims struct {
	jwt.RegisteredClaims
	Version int32  `json:"ver"`
	Purpose string `json:"purpose"`
}

// Tokens signs and checks HS256 tokens with one secret.
type Tokens struct {
	secret []byte
	now    func() time.Time
}

// NewTokens returns a signer for secret.
func NewTokens(secret string) *Tokens {
	return &Tokens{secret: []byte(secret), now: time.Now}
}

// Issue signs a token for user, valid for ttl.
func (t *Tokens) Issue(user uuid.UUID, version int32, purpose string, ttl time.Duration) (string, error) {
	now := t.now()
	claims := Claims{
		RegisteredClaims: jwt.RegisteredClaims{
			Subject:   user.String(),
			IssuedAt:  jwt.NewNumericDate(now),
			ExpiresAt: jwt.NewNumericDate(now.Add(ttl)),
		},
		Version: version,
		Purpose: purpose,
	}
	return jwt.NewWithClaims(jwt.SigningMethodHS256, claims).SignedString(t.secret)
}

// Parse checks signature, algorithm, expiry and purpose, and returns the user
// and token version. The caller still checks the version against the user's.
func (t *Tokens) Parse(token, purpose string) (uuid.UUID, int32, error) {
	var claims Claims
	_, err := jwt.ParseWithClaims(token, &claims, func(*jwt.Token) (any, error) { return t.secret, nil },
		jwt.WithValidMethods([]string{jwt.SigningMethodHS256.Alg()}),
		jwt.WithExpirationRequired(),
		jwt.WithTimeFunc(t.now),
	)
	if err != nil {
		return uuid.Nil, 0, fmt.Errorf("%w: %v", ErrInvalidToken, err)
	}
	if claims.Purpose != purpose {
		return uuid.Nil, 0, fmt.Errorf("%w: a %q token used for %q", ErrInvalidToken, claims.Purpose, purpose)
	}
	id, err := uuid.Parse(claims.Subject)
	if err != nil {
		return uuid.Nil, 0, fmt.Errorf("%w: subject is not a user id", ErrInvalidToken)
	}
	return id, claims.Version, nil
}
