package stagecraft

import (
	"fmt"
	"strings"
	"unicode/utf8"
)

// StorableText reports whether PostgreSQL can store s as text or inside
// JSON: valid UTF-8 without NUL. (Lone surrogates cannot reach here: Go's
// JSON decoder turns them into U+FFFD.)
func StorableText(s string) bool {
	return utf8.ValidString(s) && strings.IndexByte(s, 0) < 0
}

// CheckStorableJSON walks a decoded JSON value (maps, slices, strings and
// scalars as encoding/json produces them) and returns an EINVALID error
// naming the path of the first key or string PostgreSQL would refuse.
// One request's unstorable value must be refused on its own, before it
// joins other requests in a shared statement.
func CheckStorableJSON(field string, v any) error {
	path, ok := unstorable(field, v)
	if ok {
		return nil
	}
	return fieldErrorf(field, "%s: text may not contain NUL characters or invalid UTF-8.", path)
}

// unstorable returns the path of the first value at fault, and whether
// there was none.
func unstorable(path string, v any) (string, bool) {
	switch x := v.(type) {
	case string:
		return path, StorableText(x)
	case map[string]any:
		for k, e := range x {
			if !StorableText(k) {
				return path, false
			}
			if p, ok := unstorable(fmt.Sprintf("%s.%s", path, k), e); !ok {
				return p, false
			}
		}
	case []any:
		for i, e := range x {
			if p, ok := unstorable(fmt.Sprintf("%s[%d]", path, i), e); !ok {
				return p, false
			}
		}
	}
	return path, true
}
