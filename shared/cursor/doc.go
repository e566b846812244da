// Package cursor makes the opaque `cursor` values of the paginated list
// routes (DESIGN §7): a position in one caller's list, bound to that
// caller and that list, so a cursor from another user or another list,
// or one edited by hand, is refused with 400 instead of being followed.
//
// A cursor is not a secret and grants nothing: it only names where the
// caller's own list continues (every query is keyed by the caller anyway).
// It does not encrypt or sign: the stores check that the position it names
// lies inside the list it claims to continue.
package cursor
