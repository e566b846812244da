package hint

import (
	_ "embed"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"
)

// Copy is one line Lucian can say.
type Copy struct {
	ID   string `json:"id"`
	Kind Kind   `json:"kind"`
	// Mood, for a mood line, is the mood it answers.
	Mood string `json:"mood,omitempty"`
	// Screens, when set, are the only screens the line fits; empty fits any.
	Screens []string `json:"screens,omitempty"`
	Text    string   `json:"text"`
	// MaxShows is the lifetime cap: how often one user may ever see the line.
	MaxShows int `json:"max_shows"`
	// Loop and DurationS, for a break invite, name the playable micro-loop and its length.
	Loop      string `json:"loop,omitempty"`
	DurationS int    `json:"duration_s,omitempty"`
}

// Catalog is the versioned catalogue of copy.
type Catalog struct {
	Version string `json:"version"`
	Copies  []Copy `json:"copies"`
}

// The limits of the catalogue, checked when it is loaded.
const (
	MaxTextRunes = 140
	// MinLoopSeconds and MaxLoopSeconds bound a break's micro-loop.
	MinLoopSeconds = 45
	MaxLoopSeconds = 60
)

// validCopyID: 1 to 64 lower-case letters, digits and dashes, not starting with a dash.
func validCopyID(id string) bool {
	return token(id, 64, true, "-") && id[0] != '-' && strings.ToLower(id) == id
}

//go:embed catalog.json
var catalogJSON []byte

// DefaultCatalog is the catalogue the function ships with.
func DefaultCatalog() (*Catalog, error) { return ParseCatalog(catalogJSON) }

// ParseCatalog reads and checks a catalogue, naming every problem.
func ParseCatalog(b []byte) (*Catalog, error) {
	var c Catalog
	if err := json.Unmarshal(b, &c); err != nil {
		return nil, fmt.Errorf("hint catalogue: %w", err)
	}
	var errs []error
	bad := func(format string, args ...any) { errs = append(errs, fmt.Errorf("hint catalogue: "+format, args...)) }
	if c.Version == "" {
		bad("no version")
	}
	seen := map[string]bool{}
	for i, cp := range c.Copies {
		where := fmt.Sprintf("copy %d (%s)", i, cp.ID)
		if !validCopyID(cp.ID) {
			bad("%s: id must be 1 to 64 lower-case letters, digits and dashes", where)
		}
		if seen[cp.ID] {
			bad("%s: id used twice", where)
		}
		seen[cp.ID] = true
		switch cp.Kind {
		case Tip:
		case Mood:
			if cp.Mood == "" {
				bad("%s: a mood line needs a mood", where)
			}
		case BreakInvite:
			if cp.DurationS < MinLoopSeconds || cp.DurationS > MaxLoopSeconds || cp.Loop == "" {
				bad("%s: a break invite needs a loop of %d to %d s", where, MinLoopSeconds, MaxLoopSeconds)
			}
		default:
			bad("%s: unknown kind %q", where, cp.Kind)
		}
		if cp.Kind != BreakInvite && (cp.DurationS != 0 || cp.Loop != "") {
			bad("%s: only break invites have a loop", where)
		}
		if n := utf8.RuneCountInString(cp.Text); n == 0 || n > MaxTextRunes {
			bad("%s: text of %d characters, want 1 to %d", where, n, MaxTextRunes)
		}
		if cp.MaxShows < 1 {
			bad("%s: max_shows must be at least 1", where)
		}
	}
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	return &c, nil
}

// fits reports whether cp may be said of kind k on screen with mood.
func (cp Copy) fits(k Kind, screen, mood string) bool {
	if cp.Kind != k || (k == Mood && cp.Mood != mood) {
		return false
	}
	if len(cp.Screens) == 0 {
		return true
	}
	for _, s := range cp.Screens {
		if s == screen {
			return true
		}
	}
	return false
}

// pick chooses the line of kind k to say: among those that fit the context, are under
// their lifetime cap and were not shown within noRepeat, the one shown least often, then
// longest ago, then first in the catalogue. found reports whether any line fits at all
// (capped or not), so a kind with no copy for this context is no candidate.
func (c *Catalog) pick(k Kind, screen, mood string, used map[string]CopyUse, now time.Time, noRepeat time.Duration) (best *Copy, found bool) {
	for i := range c.Copies {
		cp := &c.Copies[i]
		if !cp.fits(k, screen, mood) {
			continue
		}
		found = true
		u := used[cp.ID]
		if u.Count >= cp.MaxShows || (!u.Last.IsZero() && now.Sub(u.Last) < noRepeat) {
			continue
		}
		if best == nil {
			best = cp
			continue
		}
		b := used[best.ID]
		if u.Count < b.Count || u.Count == b.Count && u.Last.Before(b.Last) {
			best = cp
		}
	}
	return best, found
}

// Bubble is what the app renders above Lucian.
type Bubble struct {
	// Anchor is always "lucian": the bubble points at him.
	Anchor string `json:"anchor"`
	// Style is "speech" for tips and mood lines, "invite" for a break invite.
	Style string `json:"style"`
	// Mood, for a mood line, is the mood Lucian shows.
	Mood        string   `json:"mood,omitempty"`
	Dismissible bool     `json:"dismissible"`
	Actions     []Action `json:"actions"`
}

// Action is a button in the bubble and the event the app reports when it is tapped.
type Action struct {
	ID    string `json:"id"`
	Label string `json:"label"`
	Event Event  `json:"event"`
}

// Hint is what POST /hints/next answers when Lucian may speak.
type Hint struct {
	ID     string `json:"id"`
	Kind   Kind   `json:"kind"`
	Text   string `json:"text"`
	Bubble Bubble `json:"bubble"`
	// Loop and DurationS, for a break invite: the micro-loop to play and its length.
	Loop           string    `json:"loop,omitempty"`
	DurationS      int       `json:"duration_s,omitempty"`
	ExpiresAt      time.Time `json:"expires_at"`
	CopyID         string    `json:"copy_id"`
	CatalogVersion string    `json:"catalog_version"`
}

// render makes the hint the app shows for cp.
func (c *Catalog) render(cp *Copy, id string, expires time.Time) *Hint {
	h := &Hint{ID: id, Kind: cp.Kind, Text: cp.Text, ExpiresAt: expires, CopyID: cp.ID, CatalogVersion: c.Version,
		Bubble: Bubble{Anchor: "lucian", Style: "speech", Mood: cp.Mood, Dismissible: true,
			Actions: []Action{{ID: "ok", Label: "Got it", Event: EventClicked}}}}
	if cp.Kind == BreakInvite {
		h.Loop, h.DurationS = cp.Loop, cp.DurationS
		h.Bubble.Style = "invite"
		h.Bubble.Actions = []Action{
			{ID: "start", Label: fmt.Sprintf("Let's go (%d s)", cp.DurationS), Event: EventBreakStarted},
			{ID: "later", Label: "Not now", Event: EventDismissed},
		}
	}
	return h
}
