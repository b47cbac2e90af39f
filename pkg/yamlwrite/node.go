package yamlwrite

import (
	"math"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"sigs.k8s.io/kustomize/kyaml/yaml"
)

// MapToNode builds the YAML node tree that sigs.k8s.io/yaml.Marshal followed
// by yaml.Parse gives for an unstructured object (see workload.ToUnstructured),
// without writing and re-reading text: that round trip (JSON, yaml.v2, then
// yaml.v3) was most of the cost of a render. To print the same bytes it
// reproduces what the round trip decides: yaml.v2's key order, the scalar
// style yaml.v2 asks for (plain, double-quoted, literal; the emitter then
// adjusts it the same way when kyaml writes the node) and the tag the parser
// resolves. ok is false for a value it does not model (invalid UTF-8, an
// unexpected Go type); the caller then takes the round trip.
func MapToNode(m map[string]any) (n *yaml.Node, ok bool) {
	return valueNode(m)
}

func valueNode(v any) (*yaml.Node, bool) {
	switch t := v.(type) {
	case map[string]any:
		n := &yaml.Node{Kind: yaml.MappingNode, Tag: "!!map"}
		if len(t) == 0 {
			n.Style = yaml.FlowStyle
			return n, true
		}
		keys := make([]string, 0, len(t))
		for k := range t {
			keys = append(keys, k)
		}
		sort.Slice(keys, func(i, j int) bool { return v2KeyLess(keys[i], keys[j]) })
		n.Content = make([]*yaml.Node, 0, 2*len(keys))
		for _, k := range keys {
			kn, ok := stringNode(k)
			if !ok {
				return nil, false
			}
			vn, ok := valueNode(t[k])
			if !ok {
				return nil, false
			}
			n.Content = append(n.Content, kn, vn)
		}
		return n, true
	case []any:
		n := &yaml.Node{Kind: yaml.SequenceNode, Tag: "!!seq"}
		if len(t) == 0 {
			n.Style = yaml.FlowStyle
			return n, true
		}
		n.Content = make([]*yaml.Node, 0, len(t))
		for _, e := range t {
			en, ok := valueNode(e)
			if !ok {
				return nil, false
			}
			n.Content = append(n.Content, en)
		}
		return n, true
	case string:
		return stringNode(t)
	case int64:
		return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!int", Value: strconv.FormatInt(t, 10)}, true
	case float64:
		if math.IsInf(t, 0) || math.IsNaN(t) {
			return nil, false
		}
		return plainNode(strconv.FormatFloat(t, 'g', -1, 64)), true
	case bool:
		return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!bool", Value: strconv.FormatBool(t)}, true
	case nil:
		return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!null", Value: "null"}, true
	}
	return nil, false
}

// stringNode is a string as yaml.v2 marshals it and yaml.v3 reads it back:
// multi-line strings ask for the literal style, strings that would read back
// as another type (or as a YAML 1.1 base-60 float) are double-quoted, the
// rest ask for the plain style and carry the tag a parser resolves. The
// emitter then picks the style it can use from there, as yaml.v2's did; the
// two emitters differ only on tabs.
func stringNode(s string) (*yaml.Node, bool) {
	if !plainText(s) {
		return nil, false
	}
	switch {
	case strings.Contains(s, "\t"):
		// yaml.v2's emitter has no style but double quotes for a tab; yaml.v3
		// would keep a multi-line string with a tab literal.
	case strings.Contains(s, "\n"):
		return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: s, Style: yaml.LiteralStyle}, true
	case v2IsString(s) && !isBase60Float(s):
		return plainNode(s), true
	}
	return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: s, Style: yaml.DoubleQuotedStyle}, true
}

// plainText reports whether s holds only characters the round trip keeps
// as they are: printable text, tabs and newlines. Others are rewritten (JSON
// replaces invalid UTF-8, YAML folds NEL and the other line separators) or
// rejected (DEL, C1 controls), so those strings take the round trip.
func plainText(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c >= 0x80 || c < 0x20 && c != '\t' && c != '\n' || c == 0x7f {
			return unicodeText(s)
		}
	}
	return true
}

func unicodeText(s string) bool {
	if !utf8.ValidString(s) {
		return false
	}
	for _, r := range s {
		switch {
		case r == '\t' || r == '\n' || r >= 0x20 && r < 0x7f:
		case r < 0xa0, r == 0x2028, r == 0x2029, r == 0xfeff, r == 0xfffe, r == 0xffff:
			return false
		}
	}
	return true
}

// plainNode is a plain scalar with the tag yaml.v3 resolves for it.
func plainNode(s string) *yaml.Node {
	n := &yaml.Node{Kind: yaml.ScalarNode, Value: s}
	n.Tag = n.ShortTag()
	return n
}

// v2Special reports the plain words yaml.v2 resolves to a bool, null or
// float rather than a string ("<<" is only a merge key when read back, never
// when written: its first byte gives no hint).
func v2Special(s string) bool {
	switch s {
	case "y", "Y", "yes", "Yes", "YES", "n", "N", "no", "No", "NO",
		"true", "True", "TRUE", "false", "False", "FALSE",
		"on", "On", "ON", "off", "Off", "OFF",
		"", "~", "null", "Null", "NULL",
		".nan", ".NaN", ".NAN", ".inf", ".Inf", ".INF",
		"+.inf", "+.Inf", "+.INF", "-.inf", "-.Inf", "-.INF":
		return true
	}
	return false
}

// v2Timestamps are the layouts yaml.v2 tries for an unquoted timestamp.
func v2Timestamps() []string {
	return []string{"2006-1-2T15:4:5.999999999Z07:00", "2006-1-2t15:4:5.999999999Z07:00", "2006-1-2 15:4:5.999999999", "2006-1-2"}
}

// v2IsString reports whether yaml.v2 reads the plain scalar s as a string.
// Only a leading sign, digit, dot or one of "yYnNtTfFoO~" can make it
// anything else.
func v2IsString(s string) bool {
	if s == "" || v2Special(s) {
		return false
	}
	switch c := s[0]; {
	case c == '.':
		_, err := strconv.ParseFloat(s, 64)
		return err != nil
	case c == '+' || c == '-' || c >= '0' && c <= '9':
		return !v2Number(s)
	}
	return true
}

// v2Number is yaml.v2's test for a timestamp, integer, float or binary
// integer behind a leading sign or digit.
func v2Number(s string) bool {
	if isV2Timestamp(s) {
		return true
	}
	plain := strings.ReplaceAll(s, "_", "")
	if _, err := strconv.ParseInt(plain, 0, 64); err == nil {
		return true
	}
	if _, err := strconv.ParseUint(plain, 0, 64); err == nil {
		return true
	}
	if yamlStyleFloat(plain) {
		if _, err := strconv.ParseFloat(plain, 64); err == nil {
			return true
		}
	}
	switch {
	case strings.HasPrefix(plain, "0b"):
		if _, err := strconv.ParseInt(plain[2:], 2, 64); err == nil {
			return true
		}
		_, err := strconv.ParseUint(plain[2:], 2, 64)
		return err == nil
	case strings.HasPrefix(plain, "-0b"):
		_, err := strconv.ParseInt("-"+plain[3:], 2, 64)
		return err == nil
	}
	return false
}

func isV2Timestamp(s string) bool {
	i := 0
	for i < len(s) && s[i] >= '0' && s[i] <= '9' {
		i++
	}
	if i != 4 || i == len(s) || s[i] != '-' {
		return false
	}
	for _, layout := range v2Timestamps() {
		if _, err := time.Parse(layout, s); err == nil {
			return true
		}
	}
	return false
}

// isBase60Float: yaml.v2 quotes YAML 1.1 sexagesimal numbers such as 1:20,
// ^[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+(?:\.[0-9_]*)?$.
func isBase60Float(s string) bool {
	i := 0
	if i < len(s) && (s[i] == '+' || s[i] == '-') {
		i++
	}
	if i == len(s) || !isDigit(s[i]) {
		return false
	}
	for i++; i < len(s) && (isDigit(s[i]) || s[i] == '_'); i++ {
	}
	groups := 0
	for i < len(s) && s[i] == ':' {
		j := i + 1
		for i = j; i < len(s) && isDigit(s[i]); i++ {
		}
		if n := i - j; n != 1 && !(n == 2 && s[j] <= '5') {
			return false
		}
		groups++
	}
	if groups == 0 {
		return false
	}
	if i < len(s) && s[i] == '.' {
		for i++; i < len(s) && (isDigit(s[i]) || s[i] == '_'); i++ {
		}
	}
	return i == len(s)
}

// yamlStyleFloat is yaml.v2's float syntax,
// ^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$.
func yamlStyleFloat(s string) bool {
	i := 0
	digits := func() int {
		j := i
		for i < len(s) && isDigit(s[i]) {
			i++
		}
		return i - j
	}
	if i < len(s) && (s[i] == '+' || s[i] == '-') {
		i++
	}
	if i < len(s) && s[i] == '.' {
		i++
		if digits() == 0 {
			return false
		}
	} else {
		if digits() == 0 {
			return false
		}
		if i < len(s) && s[i] == '.' {
			i++
			digits()
		}
	}
	if i < len(s) && (s[i] == 'e' || s[i] == 'E') {
		i++
		if i < len(s) && (s[i] == '+' || s[i] == '-') {
			i++
		}
		if digits() == 0 {
			return false
		}
	}
	return i == len(s)
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

// v2KeyLess is yaml.v2's order of string map keys: rune by rune, a letter
// after anything else, and runs of digits compared as numbers.
func v2KeyLess(a, b string) bool {
	ar, br := []rune(a), []rune(b)
	for i := 0; i < len(ar) && i < len(br); i++ {
		if ar[i] == br[i] {
			continue
		}
		al, bl := unicode.IsLetter(ar[i]), unicode.IsLetter(br[i])
		if al && bl {
			return ar[i] < br[i]
		}
		if al || bl {
			return bl
		}
		var an, bn int64
		if ar[i] == '0' || br[i] == '0' {
			// A zero inside a number: compare it as part of that number.
			for j := i - 1; j >= 0 && unicode.IsDigit(ar[j]); j-- {
				if ar[j] != '0' {
					an, bn = 1, 1
					break
				}
			}
		}
		ai, bi := i, i
		for ; ai < len(ar) && unicode.IsDigit(ar[ai]); ai++ {
			an = an*10 + int64(ar[ai]-'0')
		}
		for ; bi < len(br) && unicode.IsDigit(br[bi]); bi++ {
			bn = bn*10 + int64(br[bi]-'0')
		}
		if an != bn {
			return an < bn
		}
		if ai != bi {
			return ai < bi
		}
		return ar[i] < br[i]
	}
	return len(ar) < len(br)
}
