package httpapi

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/lucian-app/phase12/shared/apperr"
)

// Strict keys. encoding/json matches a key to a struct field ignoring case and lets the
// last of two equal keys win, so {"intent":{...create...},"Intent":{...delete...}} decodes
// as the delete. checkKeys walks the body's tokens before the decode and refuses
//   - a key that appears twice in one object, at any depth (after unescaping, so
//     "\u0069ntent" is "intent"), whatever the destination, and
//   - a key that encoding/json would map to a struct field although it is spelled
//     differently. It folds as encoding/json does: ASCII letters, plus Unicode simple
//     folding, so the Kelvin sign K (U+212A) folds to k and the long s ſ (U+017F)
//     to s. A key that folds to no field ("ınteNt": the dotless ı, U+0131, folds
//     only to itself) is unknown and, like any unknown key, ignored (DESIGN §3).
//
// Map keys are free-form (only duplicates count), and so are the keys inside values whose
// type decodes itself (json.Unmarshaler: json.RawMessage, time.Time) or is untyped (any).
//
// There is no cache of field names per type: that would be a package global, and the
// reflection is paid only for the structs the body actually reaches (a few small ones).

// maxKeyDepth is encoding/json's own nesting limit; deeper bodies are left to its error.
const maxKeyDepth = 10000

// keyError is a key the walk refused; any other walk error is the decode's to report.
type keyError struct{ err *apperr.Error }

func (e keyError) Error() string { return e.err.Error() }

// checkKeys walks the single JSON value in b against the destination type t.
func checkKeys(b []byte, t reflect.Type) error {
	w := &keyWalk{dec: json.NewDecoder(bytes.NewReader(b)), structs: map[reflect.Type]*structKeys{}}
	w.dec.UseNumber() // numbers are skipped, never converted: 1e400 is the decode's business
	return w.value(t, 0)
}

type keyWalk struct {
	dec     *json.Decoder
	path    []string // the keys and [indexes] from the top to where the walk is
	structs map[reflect.Type]*structKeys
}

// value walks one value; t is its destination, nil where keys are free-form.
func (w *keyWalk) value(t reflect.Type, depth int) error {
	if depth > maxKeyDepth {
		return errors.New("too deep")
	}
	tok, err := w.dec.Token()
	if err != nil {
		return err
	}
	switch tok {
	case json.Delim('{'):
		return w.object(destination(t), depth)
	case json.Delim('['):
		return w.array(destination(t), depth)
	}
	return nil
}

// destination is what the keys of a value of type t are checked against: t without its
// pointers, or nil when t decodes itself or takes any shape.
func destination(t reflect.Type) reflect.Type {
	for t != nil {
		if t.Implements(unmarshalerType) || reflect.PointerTo(t).Implements(unmarshalerType) {
			return nil
		}
		if t.Kind() != reflect.Pointer {
			return t
		}
		t = t.Elem()
	}
	return nil
}

var unmarshalerType = reflect.TypeFor[json.Unmarshaler]()

func (w *keyWalk) object(t reflect.Type, depth int) error {
	var fields *structKeys
	var values reflect.Type // a map's values
	switch {
	case t == nil:
	case t.Kind() == reflect.Struct:
		fields = w.fieldsOf(t)
	case t.Kind() == reflect.Map:
		values = t.Elem()
	}
	seen := map[string]bool{}
	for w.dec.More() {
		tok, err := w.dec.Token()
		if err != nil {
			return err
		}
		key, ok := tok.(string)
		if !ok {
			return fmt.Errorf("key %v is not a string", tok)
		}
		w.path = append(w.path, key)
		if seen[key] {
			return keyError{apperr.New(apperr.InvalidRequest, "body: duplicate key %q", w.where())}
		}
		seen[key] = true
		next := values
		if fields != nil {
			f, exact := fields.exact[key]
			if !exact {
				if name, folds := fields.folded[foldName(key)]; folds {
					got := w.where()
					w.path[len(w.path)-1] = name
					return keyError{apperr.New(apperr.InvalidRequest, "body: key %q differs only in case from %q", got, w.where())}
				}
			}
			next = f // nil for an unknown key: ignored, but still walked for duplicates
		}
		if err := w.value(next, depth+1); err != nil {
			return err
		}
		w.path = w.path[:len(w.path)-1]
	}
	_, err := w.dec.Token() // '}'
	return err
}

func (w *keyWalk) array(t reflect.Type, depth int) error {
	var elem reflect.Type
	if t != nil && (t.Kind() == reflect.Slice || t.Kind() == reflect.Array) {
		elem = t.Elem()
	}
	for i := 0; w.dec.More(); i++ {
		w.path = append(w.path, "["+strconv.Itoa(i)+"]")
		if err := w.value(elem, depth+1); err != nil {
			return err
		}
		w.path = w.path[:len(w.path)-1]
	}
	_, err := w.dec.Token() // ']'
	return err
}

// where names the current key as the field messages do: intent.type, items[1].type.
func (w *keyWalk) where() string {
	var b strings.Builder
	for i, p := range w.path {
		if i > 0 && !strings.HasPrefix(p, "[") {
			b.WriteByte('.')
		}
		b.WriteString(p)
	}
	return b.String()
}

// structKeys are a struct's JSON field names as encoding/json decodes them.
type structKeys struct {
	exact  map[string]reflect.Type // name -> the field's type
	folded map[string]string       // folded name -> the name it folds to (the first field's)
}

func (w *keyWalk) fieldsOf(t reflect.Type) *structKeys {
	if k, ok := w.structs[t]; ok {
		return k
	}
	fields := jsonFields(t)
	k := &structKeys{exact: make(map[string]reflect.Type, len(fields)), folded: make(map[string]string, len(fields))}
	for _, f := range fields {
		k.exact[f.name] = f.typ
		// As in encoding/json: the first field in index order wins a folded name.
		if _, ok := k.folded[foldName(f.name)]; !ok {
			k.folded[foldName(f.name)] = f.name
		}
	}
	w.structs[t] = k
	return k
}

type jsonField struct {
	name   string
	tagged bool
	index  []int
	typ    reflect.Type
}

// jsonFields lists the fields encoding/json decodes into, following its typeFields: exported
// fields (and the fields of embedded structs, exported or not), named by their tag or their
// Go name, `json:"-"` skipped, and of several fields with one name only the dominant one
// (least deep, then tagged; a tie hides them all).
func jsonFields(t reflect.Type) []jsonField {
	type level struct {
		typ   reflect.Type
		index []int
	}
	current, next := []level{}, []level{{typ: t}}
	var count, nextCount map[reflect.Type]int
	visited := map[reflect.Type]bool{}
	var fields []jsonField
	for len(next) > 0 {
		current, next = next, current[:0]
		count, nextCount = nextCount, map[reflect.Type]int{}
		for _, f := range current {
			if visited[f.typ] {
				continue
			}
			visited[f.typ] = true
			for i := range f.typ.NumField() {
				sf := f.typ.Field(i)
				if sf.Anonymous {
					et := sf.Type
					if et.Kind() == reflect.Pointer {
						et = et.Elem()
					}
					if !sf.IsExported() && et.Kind() != reflect.Struct {
						continue
					}
				} else if !sf.IsExported() {
					continue
				}
				tag := sf.Tag.Get("json")
				if tag == "-" {
					continue
				}
				name, _, _ := strings.Cut(tag, ",")
				if !validTagName(name) {
					name = ""
				}
				index := append(slices.Clone(f.index), i)
				ft := sf.Type
				if ft.Name() == "" && ft.Kind() == reflect.Pointer {
					ft = ft.Elem()
				}
				if name != "" || !sf.Anonymous || ft.Kind() != reflect.Struct {
					field := jsonField{name: name, tagged: name != "", index: index, typ: sf.Type}
					if field.name == "" {
						field.name = sf.Name
					}
					fields = append(fields, field)
					if count[f.typ] > 1 {
						// The struct is embedded twice at this depth: a second copy makes the
						// name ambiguous below, as in encoding/json.
						fields = append(fields, field)
					}
					continue
				}
				nextCount[ft]++
				if nextCount[ft] == 1 {
					next = append(next, level{typ: ft, index: index})
				}
			}
		}
	}
	slices.SortStableFunc(fields, func(a, b jsonField) int {
		if c := strings.Compare(a.name, b.name); c != 0 {
			return c
		}
		if c := len(a.index) - len(b.index); c != 0 {
			return c
		}
		if a.tagged != b.tagged {
			if a.tagged {
				return -1
			}
			return 1
		}
		return slices.Compare(a.index, b.index)
	})
	out := fields[:0]
	for i := 0; i < len(fields); {
		j := i + 1
		for j < len(fields) && fields[j].name == fields[i].name {
			j++
		}
		group := fields[i:j]
		if len(group) == 1 || len(group[0].index) != len(group[1].index) || group[0].tagged != group[1].tagged {
			out = append(out, group[0])
		}
		i = j
	}
	slices.SortFunc(out, func(a, b jsonField) int { return slices.Compare(a.index, b.index) })
	return out
}

// validTagName is encoding/json's isValidTag: a tag name with other characters is
// ignored and the Go name used instead.
func validTagName(s string) bool {
	if s == "" {
		return false
	}
	for _, c := range s {
		switch {
		case strings.ContainsRune("!#$%&()*+-./:;<=>?@[]^_{|}~ ", c):
		case !unicode.IsLetter(c) && !unicode.IsDigit(c):
			return false
		}
	}
	return true
}

// foldName is encoding/json's: ASCII letters upper-cased, every other rune replaced by the
// smallest rune of its simple case-folding orbit, so two names fold alike exactly when
// bytes.EqualFold says they are equal.
func foldName(s string) string {
	out := make([]byte, 0, len(s))
	for i := 0; i < len(s); {
		if c := s[i]; c < utf8.RuneSelf {
			if 'a' <= c && c <= 'z' {
				c -= 'a' - 'A'
			}
			out = append(out, c)
			i++
			continue
		}
		r, n := utf8.DecodeRuneInString(s[i:])
		out = utf8.AppendRune(out, foldRune(r))
		i += n
	}
	return string(out)
}

func foldRune(r rune) rune {
	for {
		r2 := unicode.SimpleFold(r)
		if r2 <= r {
			return r2
		}
		r = r2
	}
}
