package v1alpha1

import (
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// Rollout is a rollout custom resource, reduced to the fields kpt uses.
type Rollout struct {
	metav1.TypeMeta   `json:",inline"`
	metav1.ObjectMeta `json:"metadata,omitempty"`

	Spec   RolloutSpec   `json:"spec,omitempty"`
	Status RolloutStatus `json:"status,omitempty"`
}

// RolloutList is the result of listing rollouts (`kpt alpha rollouts get`).
type RolloutList struct {
	metav1.TypeMeta `json:",inline"`
	metav1.ListMeta `json:"metadata,omitempty"`

	Items []Rollout `json:"items"`
}

// RolloutSpec keeps only the strategy, which `advance` checks and edits.
type RolloutSpec struct {
	Strategy RolloutStrategy `json:"strategy"`
}

// StrategyType names a rollout strategy.
type StrategyType string

// Progressive is the wave-by-wave strategy; `advance` accepts no other.
const Progressive StrategyType = "Progressive"

// RolloutStrategy selects a strategy. Progressive is a pointer, as kpt's
// `advance` expects it to be set whenever Type is Progressive.
type RolloutStrategy struct {
	Type        StrategyType         `json:"type"`
	Progressive *StrategyProgressive `json:"progressive,omitempty"`
}

// StrategyProgressive carries the wave after which the rollout stops.
type StrategyProgressive struct {
	PauseAfterWave PauseAfterWave `json:"pauseAfterWave,omitempty"`
}

// PauseAfterWave names a wave.
type PauseAfterWave struct {
	WaveName string `json:"waveName"`
}

// RolloutStatus is what `get` and `status` print.
type RolloutStatus struct {
	Overall         string          `json:"overall,omitempty"`
	WaveStatuses    []WaveStatus    `json:"waveStatuses,omitempty"`
	ClusterStatuses []ClusterStatus `json:"clusterStatuses,omitempty"`
}

// WaveStatus lists the clusters of one wave.
type WaveStatus struct {
	Name            string          `json:"name"`
	ClusterStatuses []ClusterStatus `json:"clusterStatuses,omitempty"`
}

// ClusterStatus is the state of the rollout's package on one cluster.
type ClusterStatus struct {
	Name          string        `json:"name"`
	PackageStatus PackageStatus `json:"packageStatus"`
}

// PackageStatus describes one deployed package.
type PackageStatus struct {
	PackageID  string `json:"packageId"`
	SyncStatus string `json:"syncStatus"`
	Status     string `json:"status"`
}
