package activities

import (
	"context"
	"errors"
	"strings"

	"go.temporal.io/sdk/activity"
	"go.temporal.io/sdk/temporal"
)

// Utils holds the operators' smoke-test activity (the old stack's test-celery task).
type Utils struct{}

// EchoInput is what the test workflow hands its activity.
type EchoInput struct {
	Message string `json:"message"`
}

// EchoResult is the activity's reply.
type EchoResult struct {
	Reply string `json:"reply"`
}

// ErrEmptyMessage is a business failure: retrying cannot fix it.
var ErrEmptyMessage = errors.New("message is empty")

// Echo proves that a worker picks up activities on the task queue.
func (Utils) Echo(ctx context.Context, in EchoInput) (EchoResult, error) {
	msg := strings.TrimSpace(in.Message)
	if msg == "" {
		return EchoResult{}, temporal.NewNonRetryableApplicationError(ErrEmptyMessage.Error(), "EmptyMessage", ErrEmptyMessage)
	}
	activity.GetLogger(ctx).Info("test workflow message received", "message", msg)
	return EchoResult{Reply: "test task return " + msg}, nil
}
