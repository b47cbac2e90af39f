package v1alpha1

import (
	"slices"

	"k8s.io/apimachinery/pkg/runtime"
)

// Hand-written deep copies (no code generator involved). The controller-runtime
// client kpt uses needs *Rollout and *RolloutList to be runtime.Objects, which
// means DeepCopyObject; the rest follow the usual generated-code shape.

// DeepCopyObject implements runtime.Object.
func (in *Rollout) DeepCopyObject() runtime.Object {
	if out := in.DeepCopy(); out != nil {
		return out
	}
	return nil // a typed nil would not compare equal to nil
}

// DeepCopy returns a copy of in that shares no memory with it.
func (in *Rollout) DeepCopy() *Rollout {
	if in == nil {
		return nil
	}
	out := &Rollout{}
	in.DeepCopyInto(out)
	return out
}

// DeepCopyInto deep-copies in into out.
func (in *Rollout) DeepCopyInto(out *Rollout) {
	out.TypeMeta = in.TypeMeta
	in.ObjectMeta.DeepCopyInto(&out.ObjectMeta)
	in.Spec.DeepCopyInto(&out.Spec)
	in.Status.DeepCopyInto(&out.Status)
}

// DeepCopyObject implements runtime.Object.
func (in *RolloutList) DeepCopyObject() runtime.Object {
	if out := in.DeepCopy(); out != nil {
		return out
	}
	return nil
}

// DeepCopy returns a copy of in that shares no memory with it.
func (in *RolloutList) DeepCopy() *RolloutList {
	if in == nil {
		return nil
	}
	out := &RolloutList{}
	in.DeepCopyInto(out)
	return out
}

// DeepCopyInto deep-copies in into out.
func (in *RolloutList) DeepCopyInto(out *RolloutList) {
	out.TypeMeta = in.TypeMeta
	in.ListMeta.DeepCopyInto(&out.ListMeta)
	if in.Items == nil {
		out.Items = nil
		return
	}
	out.Items = make([]Rollout, len(in.Items))
	for i := range in.Items {
		in.Items[i].DeepCopyInto(&out.Items[i])
	}
}

// DeepCopyInto deep-copies in into out.
func (in *RolloutSpec) DeepCopyInto(out *RolloutSpec) {
	out.Strategy.Type = in.Strategy.Type
	out.Strategy.Progressive = nil
	if in.Strategy.Progressive != nil {
		p := *in.Strategy.Progressive // value fields only
		out.Strategy.Progressive = &p
	}
}

// DeepCopyInto deep-copies in into out.
func (in *RolloutStatus) DeepCopyInto(out *RolloutStatus) {
	out.Overall = in.Overall
	// ClusterStatus holds only strings, so a shallow slice copy is a deep one.
	out.ClusterStatuses = slices.Clone(in.ClusterStatuses)
	if in.WaveStatuses == nil {
		out.WaveStatuses = nil
		return
	}
	out.WaveStatuses = make([]WaveStatus, len(in.WaveStatuses))
	for i, w := range in.WaveStatuses {
		out.WaveStatuses[i] = WaveStatus{Name: w.Name, ClusterStatuses: slices.Clone(w.ClusterStatuses)}
	}
}
