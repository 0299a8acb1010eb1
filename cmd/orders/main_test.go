package main

import (
	"testing"

	"github.com/acme/orders/internal/testenv"
)

func TestMain(m *testing.M) { testenv.Main(m) }
