// Package worker builds the Temporal worker: the one list of the workflows
// and activities the platform runs, used by `orders worker`, `orders dev`
// and the tests alike.
package worker

import (
	"github.com/jackc/pgx/v5/pgxpool"
	"go.temporal.io/sdk/client"
	sdkworker "go.temporal.io/sdk/worker"

	"github.com/acme/orders/activities"
	"github.com/acme/orders/internal/config"
	"github.com/acme/orders/workflows"
)

// New returns a worker on cfg's task queue with every workflow and activity
// registered; the caller starts and stops it. The payment gateway and the
// carrier are the simulated ones: real providers plug in behind the same
// interfaces.
func New(c client.Client, cfg config.Config, pool *pgxpool.Pool) sdkworker.Worker {
	w := sdkworker.New(c, cfg.TemporalTaskQueue, sdkworker.Options{})
	workflows.Register(w)
	w.RegisterActivity(&activities.Utils{})
	w.RegisterActivity(&activities.Emails{Mailer: activities.NewSMTPMailer(cfg.SMTP)})
	w.RegisterActivity(&activities.Orders{
		DB:          pool,
		Payments:    activities.NewSimulatedGateway(),
		Carrier:     activities.SimulatedCarrier{},
		ProjectName: cfg.ProjectName,
	})
	return w
}
