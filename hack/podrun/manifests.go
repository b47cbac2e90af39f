package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	utilyaml "k8s.io/apimachinery/pkg/util/yaml"
	"sigs.k8s.io/yaml"
)

// inventory is what the API server would hold for the pod: the Deployments
// and the objects a pod can reference by name. An object without a
// namespace is taken to be in the pod's namespace, as `kubectl apply -n`
// would place it.
type inventory struct {
	deployments     []*appsv1.Deployment
	configMaps      map[string]*corev1.ConfigMap
	secrets         map[string]*corev1.Secret
	serviceAccounts map[string]*corev1.ServiceAccount
}

func newInventory() *inventory {
	return &inventory{
		configMaps:      map[string]*corev1.ConfigMap{},
		secrets:         map[string]*corev1.Secret{},
		serviceAccounts: map[string]*corev1.ServiceAccount{},
	}
}

func objKey(ns, name string) string { return ns + "/" + name }

// readFile adds every object of a YAML or JSON stream.
func (inv *inventory) readFile(path string) error {
	data, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	if err := inv.addStream(data); err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	return nil
}

func (inv *inventory) addStream(data []byte) error {
	r := utilyaml.NewYAMLReader(bufio.NewReader(bytes.NewReader(data)))
	for n := 1; ; n++ {
		doc, err := r.Read()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return fmt.Errorf("document %d: %w", n, err)
		}
		if len(bytes.TrimSpace(doc)) == 0 {
			continue
		}
		if err := inv.addObject(doc); err != nil {
			return fmt.Errorf("document %d: %w", n, err)
		}
	}
}

// addObject files one object by kind; kinds a pod cannot reference are
// ignored. A v1 List is unpacked, as kubectl does.
func (inv *inventory) addObject(doc []byte) error {
	var head struct {
		Kind  string            `json:"kind"`
		Items []json.RawMessage `json:"items"`
	}
	if err := yaml.Unmarshal(doc, &head); err != nil {
		return err
	}
	switch head.Kind {
	case "":
		// Comment-only or null documents carry no object.
		if len(head.Items) == 0 {
			return nil
		}
		return errors.New("an object without kind")
	case "List", "SecretList", "ConfigMapList":
		for i, it := range head.Items {
			if err := inv.addObject(it); err != nil {
				return fmt.Errorf("item %d: %w", i, err)
			}
		}
	case "Deployment":
		var d appsv1.Deployment
		if err := yaml.Unmarshal(doc, &d); err != nil {
			return fmt.Errorf("decoding a Deployment: %w", err)
		}
		inv.deployments = append(inv.deployments, &d)
	case "ConfigMap":
		var c corev1.ConfigMap
		if err := yaml.Unmarshal(doc, &c); err != nil {
			return fmt.Errorf("decoding a ConfigMap: %w", err)
		}
		inv.configMaps[objKey(c.Namespace, c.Name)] = &c
	case "Secret":
		var s corev1.Secret
		if err := yaml.Unmarshal(doc, &s); err != nil {
			return fmt.Errorf("decoding a Secret: %w", err)
		}
		// The API server folds stringData into data on write.
		for k, v := range s.StringData {
			if s.Data == nil {
				s.Data = map[string][]byte{}
			}
			s.Data[k] = []byte(v)
		}
		s.StringData = nil
		inv.secrets[objKey(s.Namespace, s.Name)] = &s
	case "ServiceAccount":
		var sa corev1.ServiceAccount
		if err := yaml.Unmarshal(doc, &sa); err != nil {
			return fmt.Errorf("decoding a ServiceAccount: %w", err)
		}
		inv.serviceAccounts[objKey(sa.Namespace, sa.Name)] = &sa
	}
	return nil
}

func lookup[T any](m map[string]*T, ns, name string) (*T, bool) {
	if v, ok := m[objKey(ns, name)]; ok {
		return v, true
	}
	v, ok := m[objKey("", name)]
	return v, ok
}

func (inv *inventory) secret(ns, name string) (*corev1.Secret, bool) {
	return lookup(inv.secrets, ns, name)
}

func (inv *inventory) configMap(ns, name string) (*corev1.ConfigMap, bool) {
	return lookup(inv.configMaps, ns, name)
}

func (inv *inventory) serviceAccount(ns, name string) (*corev1.ServiceAccount, bool) {
	return lookup(inv.serviceAccounts, ns, name)
}

// configMapData merges data and binaryData, as a configMap volume shows them.
func configMapData(c *corev1.ConfigMap) map[string][]byte {
	out := make(map[string][]byte, len(c.Data)+len(c.BinaryData))
	for k, v := range c.Data {
		out[k] = []byte(v)
	}
	for k, v := range c.BinaryData {
		out[k] = v
	}
	return out
}

// deployment picks the Deployment by name, or the only/first one.
func (inv *inventory) deployment(name string) (*appsv1.Deployment, error) {
	if len(inv.deployments) == 0 {
		return nil, errors.New("no Deployment in the manifests")
	}
	if name == "" {
		return inv.deployments[0], nil
	}
	for _, d := range inv.deployments {
		if d.Name == name {
			return d, nil
		}
	}
	return nil, fmt.Errorf("no Deployment named %q in the manifests", name)
}
