"""kubernetes: kustomize manifests under deploy/kubernetes/ (a base, `dev` and `prod`
overlays) for the web server: Deployment and Service, probes on the health endpoints,
resource requests and limits, an autoscaler, a disruption budget, the settings as a
ConfigMap, secrets by reference to a Secret, a network policy.

Each other pack brings its own resources through an integration (`kubernetes_worker`: a
Deployment per queue scaled on its depth; `kubernetes_scheduler`: exactly one scheduler;
`kubernetes_database`: the migration Job; `kubernetes_redis` and `kubernetes_database`:
in-cluster services for the dev overlay). It requires `observability`: the pods export
metrics the autoscalers and operators read, and log JSON with the trace id.
"""

from aegis.sdk import Options, Pack, anchors

MAKEFILE = """\
K8S_ENV ?= dev
SECRETS ?= .env
KUBECTL ?= kubectl
K8S_DIR = deploy/kubernetes/overlays/$(K8S_ENV)
K8S_NAMESPACE = $(shell sed -n 's/^namespace: //p' $(K8S_DIR)/kustomization.yaml)
DEPLOYMENT ?= web
.PHONY: k8s-render k8s-secret k8s-deploy k8s-rollback

k8s-render: ## Print what K8S_ENV (dev or prod) applies to the cluster
\t$(KUBECTL) kustomize $(K8S_DIR)

k8s-secret: ## Create or update K8S_ENV's Secret app-secrets from the file SECRETS
\t$(KUBECTL) create namespace $(K8S_NAMESPACE) --dry-run=client -o yaml | $(KUBECTL) apply -f -
\t$(KUBECTL) -n $(K8S_NAMESPACE) create secret generic app-secrets \\
\t\t--from-env-file=$(SECRETS) --dry-run=client -o yaml | $(KUBECTL) apply -f -

k8s-deploy: ## Apply K8S_ENV and wait until the web server has rolled out
\t$(KUBECTL) -n $(K8S_NAMESPACE) delete job migrate --ignore-not-found
\t$(KUBECTL) apply -k $(K8S_DIR)
\t$(KUBECTL) -n $(K8S_NAMESPACE) rollout status deployment/web --timeout=300s

k8s-rollback: ## Roll DEPLOYMENT (default web) of K8S_ENV back to its previous version
\t$(KUBECTL) -n $(K8S_NAMESPACE) rollout undo deployment/$(DEPLOYMENT)"""

README = """\
### Kubernetes

Manifests under `deploy/kubernetes/`: a kustomize base with every process kind, and
`dev` and `prod` overlays. `make k8s-secret K8S_ENV=prod SECRETS=...` creates the
Secret `app-secrets` from a file kept out of git, `make k8s-deploy K8S_ENV=prod`
applies `kubectl apply -k deploy/kubernetes/overlays/prod` and waits for the rollout,
`make k8s-rollback` undoes one. How to deploy, scale and roll back:
[deploy/kubernetes/README.md](deploy/kubernetes/README.md)."""


def edits(options: Options) -> anchors.Declarations:
    return [
        anchors.dev_dependency("pyyaml>=6"),
        anchors.dev_dependency("types-pyyaml>=6"),
        anchors.makefile(MAKEFILE),
        anchors.readme(README),
        anchors.readme_layout(
            {"deploy/kubernetes/": "kustomize: `base/`, `overlays/dev/`, `overlays/prod/`"}
        ),
    ]


PACK = Pack(
    name="kubernetes",
    kind="component",
    summary="Kubernetes manifests (kustomize base, dev and prod overlays), probes, autoscaling",
    requires=("observability",),
    edits=edits,
)
