package db

import (
	"context"
	"log/slog"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
)

// EventsChannel is what AddEvent notifies at commit: "seq order_id".
const EventsChannel = "events"

// CredentialsChannel is what a change to an account or an API key notifies
// at commit (migration 000014): the table's name.
const CredentialsChannel = "credentials"

// Note is one committed event as the notification names it. A zero Note
// (Seq 0) says notifications may have been missed (the listener
// reconnected): whoever waits should look at the table again.
type Note struct {
	Seq     int64
	OrderID uuid.UUID // zero for an event of no order
}

// Listener holds one connection that LISTENs on EventsChannel (and on
// CredentialsChannel, for OnCredentialsChange) and tells
// its subscribers, so a process needs one connection for all its streams
// and delivery workers, whatever their number. Notifications reach every
// process (each API replica, each worker), which is what lets a stream
// served by one replica show events committed through another.
type Listener struct {
	pool   *pgxpool.Pool
	logger *slog.Logger

	mu         sync.Mutex
	subs       map[*Subscription]struct{}
	forgetters []func()
	connected  atomic.Bool
}

// Subscription wakes its owner, through C, when an event it wants
// committed. C holds one wake-up: several events coalesce into one, and
// the owner reads the table for what is new, so nothing is lost to a slow
// reader.
type Subscription struct {
	C      <-chan struct{}
	c      chan struct{}
	wants  func(Note) bool
	parent *Listener
}

// NewListener is a listener over the pool's database; Run connects it.
func NewListener(pool *pgxpool.Pool, logger *slog.Logger) *Listener {
	return &Listener{pool: pool, logger: logger, subs: map[*Subscription]struct{}{}}
}

// Subscribe wakes the subscription for each event wants accepts (nil:
// every event) and after each reconnection. Close ends it.
func (l *Listener) Subscribe(wants func(Note) bool) *Subscription {
	c := make(chan struct{}, 1)
	s := &Subscription{C: c, c: c, wants: wants, parent: l}
	l.mu.Lock()
	l.subs[s] = struct{}{}
	l.mu.Unlock()
	return s
}

// OnCredentialsChange calls forget, in the listening goroutine (it must not
// block), for every change to an account or a key, and each time the
// connection is made again (what changed meanwhile is unknown).
func (l *Listener) OnCredentialsChange(forget func()) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.forgetters = append(l.forgetters, forget)
}

// Connected tells whether the listener is listening: while it is not,
// changes go unnoticed.
func (l *Listener) Connected() bool { return l.connected.Load() }

func (l *Listener) credentialsChanged() {
	l.mu.Lock()
	defer l.mu.Unlock()
	for _, forget := range l.forgetters {
		forget()
	}
}

// Close stops the wake-ups.
func (s *Subscription) Close() {
	s.parent.mu.Lock()
	delete(s.parent.subs, s)
	s.parent.mu.Unlock()
}

func (l *Listener) tell(n Note) {
	l.mu.Lock()
	defer l.mu.Unlock()
	for s := range l.subs {
		if n.Seq == 0 || s.wants == nil || s.wants(n) {
			select {
			case s.c <- struct{}{}:
			default: // a wake-up is waiting already
			}
		}
	}
}

// Run listens until ctx ends, reconnecting after a second when the
// connection fails; every reconnection wakes every subscriber.
func (l *Listener) Run(ctx context.Context) {
	for ctx.Err() == nil {
		err := l.listen(ctx)
		if ctx.Err() != nil {
			return
		}
		l.logger.WarnContext(ctx, "event notifications lost; reconnecting", "error", err)
		select {
		case <-ctx.Done():
			return
		case <-time.After(time.Second):
		}
	}
}

func (l *Listener) listen(ctx context.Context) error {
	cfg := l.pool.Config().ConnConfig.Copy()
	conn, err := pgx.ConnectConfig(ctx, cfg)
	if err != nil {
		return err
	}
	defer conn.Close(context.WithoutCancel(ctx))
	defer l.connected.Store(false)
	if _, err := conn.Exec(ctx, "LISTEN "+EventsChannel+"; LISTEN "+CredentialsChannel); err != nil {
		return err
	}
	// What committed while no one listened.
	l.credentialsChanged()
	l.connected.Store(true)
	l.tell(Note{})
	for {
		n, err := conn.WaitForNotification(ctx)
		if err != nil {
			return err
		}
		if n.Channel == CredentialsChannel {
			l.credentialsChanged()
			continue
		}
		l.tell(parseNote(n.Payload))
	}
}

func parseNote(payload string) Note {
	seq, order, _ := strings.Cut(payload, " ")
	n := Note{}
	n.Seq, _ = strconv.ParseInt(seq, 10, 64)
	n.OrderID, _ = uuid.Parse(order)
	return n
}
