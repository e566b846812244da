package appstore

import (
	"context"
	"strconv"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/lucian-app/phase12/shared/cursor"
	"github.com/lucian-app/phase12/shared/dynamo"
	"github.com/lucian-app/phase12/shared/tasks"
)

// Every open task has, beside its TASK#<id> item, a copy under a sort key
// that orders it as today_load shows it, so "open tasks due by the end of
// today in this zone, then the undated ones" is a few range reads of the
// owner's partition that read what they return: completed tasks have no
// copy, and tasks due later sort after the range. A due time is an
// instant; a due date means the start of that day in the viewer's zone, so
// the two are kept in two ranges and merged by the viewer's zone:
//
//	OPEN#I#<due, UTC>#<priority>#<created>#<id>   due at a time
//	OPEN#D#<due date>#<priority>#<created>#<id>   due on a date
//	OPEN#U#<priority>#<created>#<id>              no due
//
// Why copies in the base table and not a GSI: a GSI is read eventually
// consistently, so a task just completed could still show in today_load;
// the copy is written in the same transaction as the task, and read
// consistently. It costs one more item per open-task write.
const (
	openPrefix   = "OPEN#"
	openInstant  = "OPEN#I#"
	openDate     = "OPEN#D#"
	openUndated  = "OPEN#U#"
	openKind     = "open_task"
	cursorToday  = "tasks_today"
	cursorGoals  = "goals"
	streamEnd    = "end" // not a key: the stream is done
	undatedPhase = "u"
)

// openSK is the sort key of t's open copy, or "" if t is completed.
func openSK(t tasks.Task) string {
	if t.Completed {
		return ""
	}
	tail := strconv.Itoa(t.Priority) + "#" + t.CreatedAt.UTC().Format(logTime) + "#" + t.ID
	if t.Due == nil {
		return openUndated + tail
	}
	if d, err := time.Parse(time.DateOnly, *t.Due); err == nil {
		return openDate + d.Format(time.DateOnly) + "#" + tail
	}
	if due, err := time.Parse(time.RFC3339, *t.Due); err == nil {
		return openInstant + due.UTC().Format(logTime) + "#" + tail
	}
	// tasks.CleanDue admits nothing else; such a task is open but never
	// due today.
	return openPrefix + "X#" + tail
}

// openItem is t's open copy.
func openItem(owner string, t tasks.Task) (map[string]types.AttributeValue, error) {
	item, err := TaskItem(owner, t)
	if err != nil {
		return nil, err
	}
	item[skAttr] = str(openSK(t))
	item["kind"] = str(openKind)
	return item, nil
}

const skAttr = "SK"

// stream is one range of open copies read in sort-key order from after a
// position.
type stream struct {
	lo, hi string // the range, inclusive
	after  string // the last key consumed; "" before the first
}

func (st stream) done() bool { return st.after == streamEnd }

// read returns up to n tasks of the stream after its position, and
// whether the range has more beyond them.
func (s *Store) read(ctx context.Context, owner string, st stream, n int) ([]tasks.Task, []string, bool, error) {
	lo := st.lo
	in := &dynamodb.QueryInput{
		TableName:              aws.String(s.Table),
		KeyConditionExpression: aws.String("PK = :pk AND SK BETWEEN :lo AND :hi"),
		ExpressionAttributeValues: map[string]types.AttributeValue{
			":pk": str(userPK(owner)), ":lo": str(lo), ":hi": str(st.hi)},
		ConsistentRead: aws.Bool(true),
		Limit:          aws.Int32(int32(n)),
	}
	if st.after != "" {
		in.ExclusiveStartKey = key(userPK(owner), st.after)
	}
	out, err := s.DB.Query(ctx, in)
	if err != nil {
		return nil, nil, false, dynamo.Wrap(err)
	}
	list := make([]tasks.Task, 0, len(out.Items))
	keys := make([]string, 0, len(out.Items))
	for _, av := range out.Items {
		t, err := taskOf(av)
		if err != nil {
			return nil, nil, false, err
		}
		list = append(list, t)
		keys = append(keys, av[skAttr].(*types.AttributeValueMemberS).Value)
	}
	return list, keys, len(out.LastEvaluatedKey) > 0, nil
}

// TodayTasks returns one page of the today view of w: the dated open
// tasks (two ranges, merged in tasks.TodayOrder), then the undated. A page
// of n reads at most n items of each range it touches, so the items read
// are the tasks returned plus at most one page.
func (s *Store) TodayTasks(ctx context.Context, owner string, w tasks.TodayWindow, p tasks.Page) ([]tasks.Task, string, error) {
	pos, err := cursor.Decode(p.Cursor, cursorToday, owner)
	if err != nil {
		return nil, "", err
	}
	instants := stream{lo: openInstant, hi: openInstant + w.End.UTC().Format(logTime)}
	dates := stream{lo: openDate, hi: openDate + w.Date + "#~"}
	undated := stream{lo: openUndated, hi: openUndated + "~"}
	phase := ""
	if pos != nil {
		// The window is the one the first page was read with: a page turned
		// after midnight continues the same list.
		instants.hi, dates.hi = pos["ih"], pos["dh"]
		instants.after, dates.after, undated.after, phase = pos["i"], pos["d"], pos["u"], pos["ph"]
		for _, st := range []stream{instants, dates, undated} {
			if !within(st) {
				return nil, "", cursor.Invalid()
			}
		}
		if !strings.HasPrefix(instants.hi, openInstant) || !strings.HasPrefix(dates.hi, openDate) ||
			(phase != "" && phase != undatedPhase) {
			return nil, "", cursor.Invalid()
		}
	}
	out := make([]tasks.Task, 0, p.Limit)
	if phase == "" {
		order := tasks.TodayOrder(w.Loc)
		var it, dt []tasks.Task
		var ik, dk []string
		var iMore, dMore bool
		if !instants.done() {
			if it, ik, iMore, err = s.read(ctx, owner, instants, p.Limit); err != nil {
				return nil, "", err
			}
		}
		if !dates.done() {
			if dt, dk, dMore, err = s.read(ctx, owner, dates, p.Limit); err != nil {
				return nil, "", err
			}
		}
		// Merge while both ranges can still speak for their next item.
		i, d := 0, 0
		for len(out) < p.Limit {
			iOK, dOK := i < len(it), d < len(dt)
			switch {
			case iOK && dOK && order(it[i], dt[d]) <= 0, iOK && !dOK && !dMore:
				out, instants.after = append(out, it[i]), ik[i]
				i++
				continue
			case dOK && (!iOK && !iMore || iOK):
				out, dates.after = append(out, dt[d]), dk[d]
				d++
				continue
			}
			break
		}
		if i == len(it) && !iMore {
			instants.after = streamEnd
		}
		if d == len(dt) && !dMore {
			dates.after = streamEnd
		}
		if instants.done() && dates.done() {
			phase = undatedPhase
		}
	}
	if phase == undatedPhase && !undated.done() {
		// One item more than the page has room for says whether another
		// page follows, so the last page has no next (and no empty page
		// follows it). Both dated ranges are done here, with nothing read
		// beyond what they returned, so the read stays within the bound.
		room := p.Limit - len(out)
		ut, uk, _, err := s.read(ctx, owner, undated, room+1)
		if err != nil {
			return nil, "", err
		}
		if len(ut) > room {
			out = append(out, ut[:room]...)
			if room > 0 {
				undated.after = uk[room-1]
			}
		} else {
			out, undated.after = append(out, ut...), streamEnd
		}
	}
	if phase == undatedPhase && undated.done() {
		return out, "", nil
	}
	return out, cursor.Encode(cursorToday, owner, map[string]string{"ih": instants.hi, "dh": dates.hi,
		"i": instants.after, "d": dates.after, "u": undated.after, "ph": phase}), nil
}

// within reports whether a cursor's position lies in its stream's range.
func within(st stream) bool {
	return st.after == "" || st.after == streamEnd || (st.after >= st.lo && st.after <= st.hi)
}

// OpenTasks returns every open task of owner (their copies; completed
// tasks are not read). The open-task quota bounds it.
func (s *Store) OpenTasks(ctx context.Context, owner string) ([]tasks.Task, error) {
	in := s.ownerQuery(owner, openPrefix)
	in.ConsistentRead = aws.Bool(true)
	return s.queryTasks(ctx, in)
}

// StoredItems are the items t is kept as: its task item and, if it is
// open, its open copy. For bulk loads in tests and benchmarks; the routes
// write through the store's transactions, which also keep the counts.
func StoredItems(owner string, t tasks.Task) ([]map[string]types.AttributeValue, error) {
	item, err := TaskItem(owner, t)
	if err != nil {
		return nil, err
	}
	out := []map[string]types.AttributeValue{item}
	if openSK(t) != "" {
		c, err := openItem(owner, t)
		if err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, nil
}
