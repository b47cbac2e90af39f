// Package yamlwrite writes YAML the way the function's users see it, byte
// for byte: the operator's objects as sigs.k8s.io/yaml would have printed
// them (MapToNode builds the nodes without the text round trip), and a
// ResourceList or stream as kyaml writes it, one item at a time
// (WriteWrapped, WriteStream, with BlockWriter for the common object shape).
// Each writer is held to its reference by a parity test and a fuzz target.
package yamlwrite
