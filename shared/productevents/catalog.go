package productevents

import (
	"slices"
	"strings"
)

// Name describes one event name of the catalogue.
type Name struct {
	Name string
	// Once: only a user's first event of this name counts toward the week's users
	// (a completion rate's numerator or denominator).
	Once bool
	// Server: only the server records it; POST /events/product refuses it.
	Server bool
	// About says what the event means, for the docs.
	About string
}

// The catalogue's names. Add a name here (and to docs/openapi.yaml's enum) to accept it.
const (
	OnboardingStarted   = "onboarding_started"
	OnboardingCompleted = "onboarding_completed"
	FirstValue          = "first_value"
	NextShown           = "next_shown"
	NextStarted         = "next_started"
	NextDismissed       = "next_dismissed"
)

// Catalog is every event name the server accepts, in a fixed order.
var Catalog = []Name{
	{Name: OnboardingStarted, Once: true, About: "the user saw the first onboarding screen"},
	{Name: OnboardingCompleted, Once: true, About: "the user finished onboarding"},
	{Name: FirstValue, Once: true, Server: true, About: "the user completed a task for the first time (set by the server)"},
	{Name: NextShown, About: "the app showed a next-action suggestion (task_id: the task suggested)"},
	{Name: NextStarted, About: "the user started the suggested next action (task_id)"},
	{Name: NextDismissed, About: "the user dismissed the suggested next action (task_id)"},
}

// Lookup returns the catalogue's entry for name.
func Lookup(name string) (Name, bool) {
	i := slices.IndexFunc(Catalog, func(n Name) bool { return n.Name == name })
	if i < 0 {
		return Name{}, false
	}
	return Catalog[i], true
}

// Names returns every name of the catalogue, in its order.
func Names() []string {
	out := make([]string, len(Catalog))
	for i, n := range Catalog {
		out[i] = n.Name
	}
	return out
}

// reportable lists the names a client may send, for error messages.
func reportable() string {
	var out []string
	for _, n := range Catalog {
		if !n.Server {
			out = append(out, n.Name)
		}
	}
	return strings.Join(out, ", ")
}
