package main

import (
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/vmcp-render/vmcp-render/pkg/results"
)

// emittedRules finds, in the non-test sources under pkg/ and fn/, every rule
// tag the code can put on a result: literal Rule: fields, literals given to
// a parameter or result named rule, literals assigned to a variable named
// rule, the auth server reasons that become rules (kebab-cased), and the
// suffixes of rules built at run time ("<kind>-absent" is reported as
// "*-absent"). It is a static scan: a rule built any other way is missed,
// which the README test then cannot check.
func emittedRules(t *testing.T) []string {
	t.Helper()
	root := repoRoot(t)
	set := map[string]bool{}
	lit := func(e ast.Expr) (string, bool) {
		b, ok := e.(*ast.BasicLit)
		if !ok || b.Kind != token.STRING {
			return "", false
		}
		s, err := strconv.Unquote(b.Value)
		return s, err == nil
	}
	add := func(e ast.Expr) {
		if s, ok := lit(e); ok && s != "" {
			set[s] = true
			return
		}
		// strings.ToLower(kind) + "-absent"
		if be, ok := e.(*ast.BinaryExpr); ok && be.Op == token.ADD {
			if s, ok := lit(be.Y); ok && strings.HasPrefix(s, "-") {
				set["*"+s] = true
			}
		}
	}
	ruleParam := func(ft *ast.FuncType) (params, results []int) {
		i := 0
		for _, f := range ft.Params.List {
			for _, n := range f.Names {
				if n.Name == "rule" {
					params = append(params, i)
				}
				i++
			}
			if len(f.Names) == 0 {
				i++
			}
		}
		return params, nil
	}
	reasonConst := regexp.MustCompile(`^Reason[A-Z]`)
	fset := token.NewFileSet()
	var files []*ast.File
	for _, dir := range []string{"pkg", "fn"} {
		require.NoError(t, filepath.WalkDir(filepath.Join(root, dir), func(p string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() || !strings.HasSuffix(p, ".go") || strings.HasSuffix(p, "_test.go") {
				return err
			}
			f, err := parser.ParseFile(fset, p, nil, 0)
			if err != nil {
				return err
			}
			files = append(files, f)
			return nil
		}))
	}

	// Functions and methods with a parameter named rule, by name.
	global := map[string][]int{}
	// Results positions of functions that return a rule literal: the
	// caller names the variable rule (st, msg, rule := c.backendStrategy()).
	returnsRule := map[string]int{}
	for _, f := range files {
		ast.Inspect(f, func(n ast.Node) bool {
			if fd, ok := n.(*ast.FuncDecl); ok {
				if ps, _ := ruleParam(fd.Type); len(ps) > 0 {
					global[fd.Name.Name] = ps
				}
			}
			if as, ok := n.(*ast.AssignStmt); ok && len(as.Rhs) == 1 {
				if call, ok := as.Rhs[0].(*ast.CallExpr); ok {
					for i, l := range as.Lhs {
						if id, ok := l.(*ast.Ident); ok && id.Name == "rule" {
							returnsRule[calleeName(call)] = i
						}
					}
				}
			}
			return true
		})
	}

	// A function returning another's call passes the rule through.
	for changed := true; changed; {
		changed = false
		for _, f := range files {
			for _, d := range f.Decls {
				fd, ok := d.(*ast.FuncDecl)
				if !ok || fd.Body == nil {
					continue
				}
				idx, ok := returnsRule[fd.Name.Name]
				if !ok {
					continue
				}
				ast.Inspect(fd.Body, func(m ast.Node) bool {
					if _, ok := m.(*ast.FuncLit); ok {
						return false
					}
					if r, ok := m.(*ast.ReturnStmt); ok && len(r.Results) == 1 {
						if call, ok := r.Results[0].(*ast.CallExpr); ok {
							if _, seen := returnsRule[calleeName(call)]; !seen {
								returnsRule[calleeName(call)] = idx
								changed = true
							}
						}
					}
					return true
				})
			}
		}
	}

	for _, f := range files {
		local := map[string][]int{}
		ast.Inspect(f, func(n ast.Node) bool {
			switch x := n.(type) {
			case *ast.KeyValueExpr:
				if id, ok := x.Key.(*ast.Ident); ok && id.Name == "Rule" {
					add(x.Value)
				}
			case *ast.AssignStmt:
				for i, l := range x.Lhs {
					// f.Rule = "..." and f.Rule, f.Field = "...", ...
					if sel, ok := l.(*ast.SelectorExpr); ok && sel.Sel.Name == "Rule" && len(x.Rhs) == len(x.Lhs) {
						add(x.Rhs[i])
					}
					id, ok := l.(*ast.Ident)
					if !ok {
						continue
					}
					if id.Name == "rule" && len(x.Rhs) == len(x.Lhs) {
						add(x.Rhs[i])
					}
					if len(x.Rhs) == len(x.Lhs) {
						if fl, ok := x.Rhs[i].(*ast.FuncLit); ok {
							if ps, _ := ruleParam(fl.Type); len(ps) > 0 {
								local[id.Name] = ps
							}
						}
					}
				}
			case *ast.ValueSpec:
				for i, nm := range x.Names {
					if i < len(x.Values) && reasonConst.MatchString(nm.Name) {
						if s, ok := lit(x.Values[i]); ok && s != "AuthServerConfigInvalid" && strings.Contains(fset.Position(x.Pos()).Filename, filepath.Join("pkg", "authserver")) {
							set[results.RuleFromReason(s)] = true
						}
					}
					if nm.Name == "rule" && i < len(x.Values) {
						add(x.Values[i])
					}
				}
			case *ast.CallExpr:
				name := calleeName(x)
				ps := local[name]
				if ps == nil {
					ps = global[name]
				}
				for _, i := range ps {
					if i < len(x.Args) {
						add(x.Args[i])
					}
				}
			case *ast.FuncDecl:
				idx, ok := returnsRule[x.Name.Name]
				if !ok || x.Body == nil {
					return true
				}
				ast.Inspect(x.Body, func(m ast.Node) bool {
					if _, ok := m.(*ast.FuncLit); ok {
						return false
					}
					if r, ok := m.(*ast.ReturnStmt); ok && idx < len(r.Results) {
						add(r.Results[idx])
					}
					return true
				})
			}
			return true
		})
	}
	var out []string
	for r := range set {
		out = append(out, r)
	}
	sort.Strings(out)
	return out
}

func calleeName(c *ast.CallExpr) string {
	switch f := c.Fun.(type) {
	case *ast.Ident:
		return f.Name
	case *ast.SelectorExpr:
		return f.Sel.Name
	}
	return ""
}
