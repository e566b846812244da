// Package intent defines the structured request a Command OS user means to
// make, independent of how it was typed.
//
// Everything downstream keys off an intent rather than raw text: the
// confirmation token and the idempotency record are bound to its
// fingerprint, the preview shows its summary, and the executor dispatches on
// its type. Keeping the type small, pure and deterministic is what lets two
// requests that mean the same thing be recognised as the same request, and
// lets a preview shown to the user be exactly what executes.
//
// Normalize, Validate and Fingerprint all judge the intent as Normalize
// leaves it, so "create_task" with priority 0 and with priority 4 are one
// request, and a field that does not belong to the type (a due date on a
// delete) is dropped rather than rejected: clients assembling intents by
// hand should not be punished for extra keys the API ignores anyway.
package intent
