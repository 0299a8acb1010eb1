package activities_test

import (
	"errors"
	"sync"
	"testing"

	"github.com/google/uuid"
	"go.temporal.io/sdk/temporal"

	"github.com/acme/orders/activities"
	"github.com/acme/orders/internal/orders"
)

func (f *fixture) returnStep(activity any, in activities.ReturnInput, out any) error {
	f.t.Helper()
	in.OrderID, in.Actor = f.order, "ops@example.com"
	v, err := f.env.ExecuteActivity(activity, in)
	if err == nil && out != nil {
		err = v.Get(out)
	}
	return err
}

// TestReturnsOnPostgres: two returns at once cannot send back more than
// was delivered; the goods come back on hand once however often the step
// runs; the refund gives back only what earlier refunds left of the lines,
// once.
func TestReturnsOnPostgres(t *testing.T) {
	f := captured(t) // 2 lines of 5 at 100, captured
	if _, err := f.pool.Exec(t.Context(), `UPDATE orders SET status = 'delivered' WHERE id = $1`, f.order); err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	errs, ids := make([]error, 2), []uuid.UUID{uuid.New(), uuid.New()}
	for i := range 2 {
		env := f.newEnv()
		wg.Go(func() {
			_, errs[i] = env.ExecuteActivity(a.RequestReturn, activities.ReturnInput{
				OrderID: f.order, ReturnID: ids[i], Lines: []orders.LineQuantity{{LineNo: 1, Quantity: 3}}, Actor: "c@example.com",
			})
		})
	}
	wg.Wait()
	if (errs[0] == nil) == (errs[1] == nil) {
		t.Fatalf("two returns of 3 of 5: %v, %v", errs[0], errs[1])
	}
	taken := ids[0]
	refused := errs[1]
	if errs[0] != nil {
		taken, refused = ids[1], errs[0]
	}
	var appErr *temporal.ApplicationError
	if !errors.As(refused, &appErr) || appErr.Type() != activities.ErrTypeReturnRefused || appErr.Message() != "line 1 has 2 left to return" {
		t.Fatalf("the second return: %v", refused)
	}

	// An operator refunded 4 of line 1 before the goods came back.
	if _, err := f.refund(activities.RefundInput{Lines: []orders.LineQuantity{{LineNo: 1, Quantity: 4}}}); err != nil {
		t.Fatal(err)
	}
	if err := f.returnStep(a.DecideReturn, activities.ReturnInput{ReturnID: taken, Step: orders.ReturnApprove}, nil); err != nil {
		t.Fatal(err)
	}
	before := f.onHand()
	for range 2 {
		if err := f.returnStep(a.ReceiveReturn, activities.ReturnInput{ReturnID: taken}, nil); err != nil {
			t.Fatal(err)
		}
	}
	if after := f.onHand(); after[0] != before[0]+3 || after[1] != before[1] {
		t.Fatalf("on hand %v after receiving 3 of line 1, was %v", after, before)
	}
	for range 2 {
		var out activities.ReturnOutcome
		if err := f.returnStep(a.RefundReturn, activities.ReturnInput{ReturnID: taken}, &out); err != nil {
			t.Fatal(err)
		}
		if out.Return.Status != orders.ReturnRefunded || out.Return.RefundID == nil || *out.Return.RefundID != taken || out.AllReturned {
			t.Fatalf("refunded return: %+v", out)
		}
	}
	p, err := f.q.GetPayment(t.Context(), f.order)
	if err != nil || p.RefundedCents != 500 { // 400, then the 1 unit of line 1 left
		t.Fatalf("payment after the return: %+v %v", p, err)
	}
	if err := f.returnStep(a.ReceiveReturn, activities.ReturnInput{ReturnID: taken}, nil); err == nil {
		t.Fatal("a refunded return received again")
	}
}
