package v1alpha1

import (
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
)

// GroupVersion is the API group and version of the Rollout custom resource.
var GroupVersion = schema.GroupVersion{Group: "gitops.kpt.dev", Version: "v1alpha1"}

var (
	// SchemeBuilder holds addKnownTypes; plain apimachinery rather than
	// controller-runtime keeps this module's requirements to one.
	SchemeBuilder = runtime.NewSchemeBuilder(addKnownTypes)

	// AddToScheme registers Rollout and RolloutList under GroupVersion.
	// kpt's rollouts client calls it while building its scheme.
	AddToScheme = SchemeBuilder.AddToScheme
)

func addKnownTypes(scheme *runtime.Scheme) error {
	scheme.AddKnownTypes(GroupVersion, &Rollout{}, &RolloutList{})
	// List options and watch events for this group go through the meta types.
	metav1.AddToGroupVersion(scheme, GroupVersion)
	return nil
}
