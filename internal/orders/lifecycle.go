package orders

import (
	"fmt"
	"slices"
)

// The order's lifecycle, written down once: which action moves an order
// from which status to which, and who may ask for it. The workflow's update
// validators and signal handlers, its steps, the store's transitions, the
// service's checks, the API's guards and 409 texts, and the diagram in
// docs/architecture.md all read this table; nothing else spells it out.

// Action is what moves an order: asked by a customer, an operator or the
// carrier (through the API, an update or a signal), or taken by the
// workflow itself (system).
type Action string

const (
	ActionCancel  Action = "cancel"
	ActionApprove Action = "approve"
	ActionReject  Action = "reject"
	ActionShip    Action = "ship"
	ActionDeliver Action = "deliver"

	// The workflow's own.
	ActionHold    Action = "hold"    // above the approval threshold: wait for an operator
	ActionConfirm Action = "confirm" // stock reserved, payment authorized
	ActionFail    Action = "fail"    // out of stock, or the payment declined
	ActionExpire  Action = "expire"  // nobody decided within the approval timeout
	ActionReturn  Action = "return"  // every unit of a delivered order came back
)

// Party is who may ask for an action.
type Party string

const (
	PartyCustomer Party = "customer" // of their own order
	PartyOperator Party = "operator" // staff, on any order
	PartyCarrier  Party = "carrier"  // reports the goods' journey
	PartySystem   Party = "system"   // the order's workflow
)

// The actor recorded on the timeline when no person is named.
const (
	ActorSystem   = "system"   // the workflow's own steps
	ActorOperator = "operator" // an update or signal that names nobody
	ActorTemporal = "temporal" // `temporal workflow cancel`
)

// action is one action's row: who may ask it, and the refusal's text in
// the statuses it is not allowed from.
type action struct {
	action Action
	by     []Party
	only   string // completes "order is <status>; ..."
}

var actions = []action{
	{ActionCancel, []Party{PartyCustomer, PartyOperator}, "it can be cancelled only until it ships"},
	{ActionApprove, []Party{PartyOperator}, "only an order awaiting approval can be approved"},
	{ActionReject, []Party{PartyOperator}, "only an order awaiting approval can be rejected"},
	{ActionShip, []Party{PartyOperator, PartyCarrier}, "only a confirmed order can ship"},
	{ActionDeliver, []Party{PartyOperator, PartyCarrier}, "only a shipped order can be delivered"},
	{ActionHold, []Party{PartySystem}, "only a pending order can wait for approval"},
	{ActionConfirm, []Party{PartySystem}, "only a pending order can be confirmed without approval"},
	{ActionFail, []Party{PartySystem}, "only an order not yet confirmed can fail"},
	{ActionExpire, []Party{PartySystem}, "only an order awaiting approval can time out"},
	{ActionReturn, []Party{PartySystem}, "only a delivered order can be returned"},
}

// edge is one allowed move.
type edge struct {
	from   Status
	action Action
	to     Status
}

// edges are every allowed move; a pair missing here is refused.
var edges = []edge{
	{StatusPending, ActionHold, StatusAwaitingApproval},
	{StatusPending, ActionConfirm, StatusConfirmed},
	{StatusPending, ActionFail, StatusFailed},
	{StatusPending, ActionCancel, StatusCancelled},
	{StatusAwaitingApproval, ActionApprove, StatusConfirmed},
	{StatusAwaitingApproval, ActionReject, StatusCancelled},
	{StatusAwaitingApproval, ActionExpire, StatusCancelled},
	{StatusAwaitingApproval, ActionFail, StatusFailed},
	{StatusAwaitingApproval, ActionCancel, StatusCancelled},
	{StatusConfirmed, ActionShip, StatusShipped},
	{StatusConfirmed, ActionCancel, StatusCancelled},
	{StatusShipped, ActionDeliver, StatusDelivered},
	{StatusDelivered, ActionReturn, StatusReturned},
}

// Rule is what the lifecycle says of one action asked of an order in one
// status.
type Rule struct {
	Status  Status
	Action  Action
	Allowed bool
	Next    Status  // where the order goes; empty when not allowed
	By      []Party // who may ask the action, in any status
	Refusal string  // why not, as the 409 says it; empty when allowed
}

// Decide looks the pair up in the table.
func Decide(s Status, a Action) Rule {
	r := Rule{Status: s, Action: a}
	i := slices.IndexFunc(actions, func(x action) bool { return x.action == a })
	if i < 0 {
		r.Refusal = fmt.Sprintf("%q is not an order action", a)
		return r
	}
	r.By = actions[i].by
	for _, e := range edges {
		if e.from == s && e.action == a {
			r.Allowed, r.Next = true, e.to
			return r
		}
	}
	if s.Terminal() {
		r.Refusal = lifecycleOver(s)
	} else {
		r.Refusal = fmt.Sprintf("order is %s; %s", s, actions[i].only)
	}
	return r
}

func lifecycleOver(s Status) string { return fmt.Sprintf("order is %s; its lifecycle is over", s) }

// Rules is every (status, action) pair, in lifecycle order.
func Rules() []Rule {
	var rules []Rule
	for _, s := range Statuses() {
		for _, a := range Actions() {
			rules = append(rules, Decide(s, a))
		}
	}
	return rules
}

// Actions lists every action, those that can be asked first.
func Actions() []Action {
	out := make([]Action, len(actions))
	for i, a := range actions {
		out[i] = a.action
	}
	return out
}

// Askable lists the actions a customer, an operator or the carrier can ask
// for: the workflow's updates and signals, and the API's order actions.
func Askable() []Action {
	var out []Action
	for _, a := range actions {
		if !slices.Equal(a.by, []Party{PartySystem}) {
			out = append(out, a.action)
		}
	}
	return out
}

// Parties are who may ask for the action, in any status that allows it.
func Parties(a Action) []Party {
	if i := slices.IndexFunc(actions, func(x action) bool { return x.action == a }); i >= 0 {
		return actions[i].by
	}
	return nil
}

// MayAsk reports whether the party may ask for the action (in a status
// that allows it).
func MayAsk(p Party, a Action) bool { return slices.Contains(Parties(a), p) }

// Allows reports whether an order in status s allows the action.
func (s Status) Allows(a Action) bool { return Decide(s, a).Allowed }

// Terminal reports whether the order's lifecycle is over: no action leads
// out of s.
func (s Status) Terminal() bool {
	return !slices.ContainsFunc(edges, func(e edge) bool { return e.from == s })
}

// Busy is the refusal of an action while another one runs: an order takes
// one asked action at a time.
func Busy(running Action) string {
	return fmt.Sprintf("the order's %s is under way; try again once it is done", running)
}
