package toolhive

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"unicode/utf8"
)

// constraint is one schema node's structural rules; nil bounds are unset.
type constraint struct {
	enum                 []string
	pattern              string
	minLength, maxLength *int64
	minimum, maximum     *int64
	minItems, maxItems   *int64
	maxProperties        *int64
	// set: x-kubernetes-list-type=set; mapKeys: list-type=map keyed by these.
	set     bool
	mapKeys []string

	re *regexp.Regexp
}

// constraints maps schema paths to their constraint.
type constraints map[string]*constraint

func n(v int64) *int64 { return &v }

// mount copies sub below prefix ("spec.config.") into s.
func (s constraints) mount(prefix string, sub constraints) constraints {
	for p, c := range sub {
		s[prefix+p] = c
	}
	return s
}

var (
	constraintsOnce sync.Once
	constraintsBy   map[string]constraints
)

// constraintsFor returns kind's constraints, built (and their patterns
// compiled) on first use, so a run that decodes nothing pays nothing.
func constraintsFor(kind string) constraints {
	constraintsOnce.Do(func() {
		as, cfg, ct := authServerSchema(), vmcpConfigSchema(), compositeToolSchema()
		constraintsBy = map[string]constraints{
			KindVirtualMCPServer: virtualMCPServerSchema().
				mount("spec.authServerConfig.", as).
				mount("spec.config.", cfg).
				mount("spec.config.compositeTools[].", ct),
			KindMCPExternalAuthConfig:             externalAuthConfigSchema().mount("spec.embeddedAuthServer.", as),
			KindMCPOIDCConfig:                     oidcConfigSchema(),
			KindMCPAuthzConfig:                    authzConfigSchema(),
			KindMCPTelemetryConfig:                telemetryConfigSchema(),
			KindMCPToolConfig:                     toolConfigSchema(),
			KindVirtualMCPCompositeToolDefinition: compositeToolDefinitionSchema().mount("spec.", ct),
		}
		for _, s := range constraintsBy {
			for _, c := range s {
				if c.pattern != "" && c.re == nil {
					c.re = regexp.MustCompile(c.pattern) // constant tables; a test compiles them all
				}
			}
		}
	})
	return constraintsBy[kind]
}

// scalar returns what is wrong with a string or integer value, or "".
func (c *constraint) scalar(v any) string {
	switch x := v.(type) {
	case string:
		if len(c.enum) > 0 && !contains(c.enum, x) {
			return fmt.Sprintf("unsupported value %q: supported values: %s", x, quoteAll(c.enum))
		}
		chars := int64(utf8.RuneCountInString(x))
		if c.minLength != nil && chars < *c.minLength {
			if *c.minLength == 1 {
				return "must not be empty"
			}
			return fmt.Sprintf("must be at least %d characters long, got %d", *c.minLength, chars)
		}
		if c.maxLength != nil && chars > *c.maxLength {
			return fmt.Sprintf("must be at most %d characters long, got %d", *c.maxLength, chars)
		}
		if c.re != nil && !c.re.MatchString(x) {
			return fmt.Sprintf("%q does not match the pattern %s", x, c.pattern)
		}
	case int64:
		if c.minimum != nil && x < *c.minimum {
			return fmt.Sprintf("must be greater than or equal to %d, got %d", *c.minimum, x)
		}
		if c.maximum != nil && x > *c.maximum {
			return fmt.Sprintf("must be less than or equal to %d, got %d", *c.maximum, x)
		}
	}
	return ""
}

// list returns what is wrong with a list as a whole, or "".
func (c *constraint) list(items []any) string {
	count := int64(len(items))
	if c.minItems != nil && count < *c.minItems {
		return fmt.Sprintf("must have at least %d item(s), got %d", *c.minItems, count)
	}
	if c.maxItems != nil && count > *c.maxItems {
		return fmt.Sprintf("must have at most %d items, got %d", *c.maxItems, count)
	}
	seen := map[string]int{}
	for i, it := range items {
		var key string
		switch {
		case c.set:
			key = fmt.Sprint(it)
		case len(c.mapKeys) > 0:
			m, _ := it.(map[string]any)
			parts := make([]string, len(c.mapKeys))
			for j, k := range c.mapKeys {
				parts[j] = fmt.Sprintf("%s=%v", k, m[k])
			}
			key = strings.Join(parts, ",")
		default:
			return ""
		}
		if first, dup := seen[key]; dup {
			if c.set {
				return fmt.Sprintf("items %d and %d are both %q; list entries must be unique", first, i, key)
			}
			return fmt.Sprintf("items %d and %d have the same %s; entries must be unique by %s", first, i, key, strings.Join(c.mapKeys, ", "))
		}
		seen[key] = i
	}
	return ""
}

// properties returns what is wrong with a map's size, or "".
func (c *constraint) properties(m map[string]any) string {
	if c.maxProperties != nil && int64(len(m)) > *c.maxProperties {
		return fmt.Sprintf("must have at most %d entries, got %d", *c.maxProperties, len(m))
	}
	return ""
}

func quoteAll(vs []string) string {
	q := make([]string, len(vs))
	for i, v := range vs {
		q[i] = strconv.Quote(v)
	}
	return strings.Join(q, ", ")
}
