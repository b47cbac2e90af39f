package toolhive

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	sigsjson "sigs.k8s.io/json"

	"github.com/vmcp-render/vmcp-render/pkg/results"
)

// fieldError is one problem found while decoding an object, before Decode
// words it as a finding.
type fieldError struct {
	// Path is dotted from the object root, list indices as [i], e.g.
	// spec.config.compositeTools[0].steps[1].type. Empty when unknown.
	Path    string
	Message string
	// Dropped marks a problem the operator silently ignores: an unknown key
	// where the CRD preserves unknown fields (e.g. directly under
	// spec.config: the API server keeps it, the operator's typed decode drops
	// it) and any problem under status (status is then partly ignored).
	// Callers should report these as warnings rather than errors.
	Dropped bool
	// Unknown marks a key the CRD's schema does not have.
	Unknown bool
}

func (e fieldError) Error() string {
	if e.Path == "" {
		return e.Message
	}
	return e.Path + ": " + e.Message
}

// kindInfo says how one kind is decoded.
type kindInfo struct {
	// strict: unknown fields outside status are reported.
	strict bool
	// preserve lists schema paths ("[]" for list items, "{}" for map values)
	// of objects marked x-kubernetes-preserve-unknown-fields that also have
	// typed properties: their own unknown keys are kept by the API server but
	// dropped by the operator's Go decode.
	preserve []string
	// freeForm lists schema paths marked x-kubernetes-preserve-unknown-fields
	// without properties whose Go type is nevertheless a struct (recursive
	// upstream types the CRD generator could not express): the API server
	// keeps anything below them, the operator's decode drops unknown keys.
	freeForm  []string
	newObject func() Object
}

func lookupKind(kind string) (kindInfo, bool) {
	switch kind {
	case KindVirtualMCPServer:
		return kindInfo{
			strict:   true,
			preserve: []string{"spec.config"},
			freeForm: []string{
				"spec.config.compositeTools[].output.properties{}.properties",
				"spec.config.compositeTools[].steps[].step",
			},
			newObject: func() Object { return &VirtualMCPServer{} },
		}, true
	case KindMCPExternalAuthConfig:
		return kindInfo{strict: true, newObject: func() Object { return &MCPExternalAuthConfig{} }}, true
	case KindMCPOIDCConfig:
		return kindInfo{strict: true, newObject: func() Object { return &MCPOIDCConfig{} }}, true
	case KindMCPAuthzConfig:
		return kindInfo{strict: true, newObject: func() Object { return &MCPAuthzConfig{} }}, true
	case KindMCPTelemetryConfig:
		return kindInfo{strict: true, newObject: func() Object { return &MCPTelemetryConfig{} }}, true
	case KindMCPToolConfig:
		return kindInfo{strict: true, newObject: func() Object { return &MCPToolConfig{} }}, true
	case KindVirtualMCPCompositeToolDefinition:
		return kindInfo{
			strict:    true,
			freeForm:  []string{"spec.output.properties{}.properties", "spec.steps[].step"},
			newObject: func() Object { return &VirtualMCPCompositeToolDefinition{} },
		}, true
	case KindMCPGroup:
		return kindInfo{newObject: func() Object { return &MCPGroup{} }}, true
	case KindMCPServer:
		return kindInfo{newObject: func() Object { return &MCPServer{} }}, true
	case KindMCPRemoteProxy:
		return kindInfo{newObject: func() Object { return &MCPRemoteProxy{} }}, true
	case KindMCPServerEntry:
		return kindInfo{newObject: func() Object { return &MCPServerEntry{} }}, true
	case KindEmbeddingServer:
		return kindInfo{newObject: func() Object { return &EmbeddingServer{} }}, true
	}
	return kindInfo{}, false
}

// Kinds lists every kind Decode accepts.
func Kinds() []string {
	return []string{
		KindVirtualMCPServer, KindMCPExternalAuthConfig, KindMCPOIDCConfig, KindMCPAuthzConfig,
		KindMCPTelemetryConfig, KindMCPToolConfig, KindVirtualMCPCompositeToolDefinition,
		KindMCPGroup, KindMCPServer, KindMCPRemoteProxy, KindMCPServerEntry, KindEmbeddingServer,
	}
}

// IsStrict reports whether unknown fields of kind are reported by Decode.
// The other kinds are not rendered, so only the fields read are modelled.
func IsStrict(kind string) bool {
	ki, _ := lookupKind(kind)
	return ki.strict
}

// Decode turns an unstructured ToolHive object (as read from a KRM
// ResourceList) into its Go type, the way the operator sees it after the API
// server: CRD defaults are applied first, nulls are pruned, then the object
// is decoded case-sensitively. obj is not modified.
//
// Every schema problem becomes a finding on its path: unknown fields
// (strict kinds only; under status they are ignored), wrong JSON types,
// out-of-range integers, values a field's own decoder rejects (durations,
// times...) and the CRD's validation rules. Most are schema errors (the API
// server refuses the object); a problem the operator silently ignores is a
// field-ignored warning. A value with a problem is left out of the decode,
// so the returned object is a best effort whenever a finding is an error.
// release names the ToolHive release whose CRD is meant, for the message.
//
// The error is non-nil only for a kind Decode does not know.
func Decode(kind string, obj map[string]any, release string) (Object, []results.Finding, error) {
	o, errs, err := decode(kind, obj)
	var out []results.Finding
	for _, fe := range errs {
		f := results.Finding{Severity: results.Error, Rule: results.Schema, Field: fe.Path, Message: fe.Message}
		switch {
		case fe.Dropped && fe.Unknown:
			f.Severity, f.Rule = results.Warning, results.FieldIgnored
			f.Message = "unknown field, ignored by the operator: remove it or fix its spelling"
		case fe.Dropped:
			f.Severity, f.Rule = results.Warning, results.FieldIgnored
			f.Message += "; the operator ignores this value"
		case fe.Unknown:
			f.Message = fmt.Sprintf("unknown field: the %s CRD (ToolHive %s) has no such field; remove it or fix its spelling", kind, release)
		default:
			f.Message += "; fix the value to match the CRD schema"
		}
		out = append(out, f)
	}
	return o, out, err
}

// decode is Decode with the problems as the checker words them.
func decode(kind string, obj map[string]any) (Object, []fieldError, error) {
	ki, ok := lookupKind(kind)
	if !ok {
		return nil, nil, fmt.Errorf("unsupported kind %q", kind)
	}
	n := &normalizer{}
	doc, _ := n.value(obj, "").(map[string]any)
	if doc == nil {
		doc = map[string]any{}
	}
	applyDefaults(kind, doc)

	out := ki.newObject()
	c := newChecker(ki)
	if ki.strict {
		c.rules = constraintsFor(kind)
	}
	clean, _ := c.value(doc, typeOf(out), "", "", c.rootMode())
	errs := append(n.errs, c.errs...)

	data, err := json.Marshal(clean)
	if err != nil {
		// The checker only keeps JSON values; this is a safety net.
		return out, append(errs, fieldError{Message: "cannot encode object: " + err.Error()}), nil
	}
	strictErrs, err := sigsjson.UnmarshalStrict(data, out)
	errs = append(errs, leftoverErrors(strictErrs, err)...)
	if ki.strict {
		errs = append(errs, admissionRules(out)...)
	}
	return out, errs, nil
}

// leftoverErrors converts what the final decode still reports. The checker
// removes every problem it knows about first, so these only show up if the
// checker and the decoder disagree.
func leftoverErrors(strictErrs []error, err error) []fieldError {
	var out []fieldError
	for _, se := range strictErrs {
		fe := fieldError{Message: se.Error()}
		var pe sigsjson.FieldError
		if errors.As(se, &pe) {
			fe.Path = pe.FieldPath()
		}
		if isStatusPath(fe.Path) {
			continue
		}
		out = append(out, fe)
	}
	if err != nil {
		fe := fieldError{Message: err.Error()}
		var te *json.UnmarshalTypeError
		if errors.As(err, &te) {
			fe.Path = te.Field
			fe.Message = fmt.Sprintf("expected %s, got %s", te.Type, te.Value)
		}
		fe.Dropped = isStatusPath(fe.Path)
		out = append(out, fe)
	}
	return out
}

func isStatusPath(p string) bool {
	return p == "status" || strings.HasPrefix(p, "status.")
}
