package hint

import "time"

// Silences reports whether the settings keep Lucian silent at now: Lucian switched off,
// or quiet hours on the wall clock of the settings' zone (device's when the settings
// follow the device). Other functions that speak for Lucian (GET /tasks/next with
// context=lucian) ask it, so they keep the same hours as his hints.
func (s Settings) Silences(now time.Time, device *time.Location) bool {
	if !s.LucianEnabled {
		return true
	}
	loc := device
	if s.Timezone != "" {
		if l, err := time.LoadLocation(s.Timezone); err == nil {
			loc = l
		}
	}
	if loc == nil {
		loc = time.UTC
	}
	return s.Quiet != nil && s.Quiet.Contains(now.In(loc))
}
