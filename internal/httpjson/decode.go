package httpjson

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"reflect"
	"strings"

	"github.com/lockbox-gw/lockbox/internal/problem"
)

// DefaultMaxBody is the largest request body Decode reads: 64 KiB.
const DefaultMaxBody = 64 << 10

// Body says how to read a request body. The zero Body requires a body of
// at most DefaultMaxBody bytes.
type Body struct {
	// MaxBytes caps the body; 0 means DefaultMaxBody.
	MaxBytes int64
	// Optional accepts an empty body, leaving v untouched.
	Optional bool
}

// Decode reads r's body into v with the zero Body's rules.
func Decode(w http.ResponseWriter, r *http.Request, v any) error {
	return Body{}.Decode(w, r, v)
}

// Decode reads one JSON value from r's body into v. It refuses fields v
// does not have, data after the value, and bodies over the cap (413
// "body_too_large"); other faults are 400 "invalid_json" with a message
// that names the field when encoding/json does. w lets the server close
// the connection of a client that sends too much.
func (b Body) Decode(w http.ResponseWriter, r *http.Request, v any) error {
	max := b.max()
	dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, max))
	dec.DisallowUnknownFields()
	err := dec.Decode(v)
	if errors.Is(err, io.EOF) && b.Optional {
		return nil
	}
	if err != nil {
		return decodeError(err, max)
	}
	// A second value, or anything else but space, is trailing data.
	if err := dec.Decode(&json.RawMessage{}); !errors.Is(err, io.EOF) {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			return tooLarge(max)
		}
		return invalid("request body has data after the JSON value; send exactly one JSON object")
	}
	return nil
}

func (b Body) max() int64 {
	if b.MaxBytes > 0 {
		return b.MaxBytes
	}
	return DefaultMaxBody
}

// decodeError turns what encoding/json reports into a problem fit to show.
func decodeError(err error, max int64) error {
	var (
		tooBig  *http.MaxBytesError
		syntax  *json.SyntaxError
		typeErr *json.UnmarshalTypeError
	)
	switch {
	case errors.As(err, &tooBig):
		return tooLarge(max)
	case errors.Is(err, io.EOF):
		return invalid("request body is empty; send a JSON object")
	case errors.Is(err, io.ErrUnexpectedEOF):
		return invalid("request body ends in the middle of a JSON value")
	case errors.As(err, &syntax):
		return invalid("request body is not valid JSON: %s (at byte %d)", syntax.Error(), syntax.Offset)
	case errors.As(err, &typeErr) && typeErr.Field == "":
		return invalid("request body must be a JSON %s, not %s", jsonKind(typeErr.Type), article(typeErr.Value))
	case errors.As(err, &typeErr):
		return invalid("field %q must be %s, not %s", typeErr.Field, article(jsonKind(typeErr.Type)), article(typeErr.Value))
	}
	if name, ok := unknownField(err); ok {
		return invalid("unknown field %s in request body", name)
	}
	var inv *json.InvalidUnmarshalError
	if errors.As(err, &inv) {
		return err // a programming error: shown as "internal"
	}
	return invalid("request body could not be read")
}

// unknownField returns the quoted field name of DisallowUnknownFields'
// error, which has no type of its own.
func unknownField(err error) (string, bool) {
	_, name, ok := strings.Cut(err.Error(), "unknown field ")
	return name, ok
}

// jsonKind names the JSON type that decodes into t.
func jsonKind(t reflect.Type) string {
	if t == nil {
		return "value"
	}
	switch t.Kind() {
	case reflect.Pointer:
		return jsonKind(t.Elem())
	case reflect.String:
		return "string"
	case reflect.Bool:
		return "boolean"
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64,
		reflect.Float32, reflect.Float64:
		return "number"
	case reflect.Slice, reflect.Array:
		return "array"
	case reflect.Struct, reflect.Map:
		return "object"
	}
	return "value"
}

// article prefixes a JSON type name with "a" or "an".
func article(kind string) string {
	if strings.IndexAny(kind, "aeiou") == 0 {
		return "an " + kind
	}
	return "a " + kind
}

func invalid(format string, args ...any) error {
	return problem.New(problem.Invalid, "invalid_json", format, args...)
}

func tooLarge(max int64) error {
	return WithStatus(http.StatusRequestEntityTooLarge,
		problem.New(problem.Invalid, "body_too_large", "request body is larger than %s", size(max)))
}

// size prints a byte count the way people read it.
func size(n int64) string {
	if n >= 1024 && n%1024 == 0 {
		return fmt.Sprintf("%d KiB", n/1024)
	}
	return fmt.Sprintf("%d bytes", n)
}
