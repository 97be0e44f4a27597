// Package validate checks the deployment artefacts offline, without a cluster
// or a Docker engine: it renders every Kustomize overlay under ../k8s/overlays
// and checks each object (built-in kinds by strict decoding, custom resources
// against their real CRDs), and it checks that deploy/Dockerfile, for each
// service, copies every workspace module and builds a static, non-root image.
//
// Run it with `go test ./...` in this directory; CRD_DIR overrides the CRD
// directory (default ../../../shared/crds, the repository's sibling shared/).
package validate
