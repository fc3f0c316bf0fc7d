"""The Kubernetes manifests, read with PyYAML (no cluster offline, no kubeconform): every file
parses, kustomize lists what exists, the NetworkPolicies isolate app, TURN and database, both
Ingresses carry the security headers, the operator host is limited to an allow-list, the TURN
secret reaches coturn and the app but no fixed TURN account exists, and the Ingress's CSP is
the one the browser test runs behind Caddy."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
import yaml

DEPLOY = Path(__file__).resolve().parents[1] / "deploy"
PRIVATE = {"10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "100.64.0.0/10", "169.254.0.0/16"}


def documents(name: str) -> list[dict[str, Any]]:
    return [doc for doc in yaml.safe_load_all((DEPLOY / name).read_text()) if doc]


def kustomization() -> dict[str, Any]:
    (doc,) = documents("kustomization.yaml")
    return doc


def resources() -> list[dict[str, Any]]:
    return [doc for name in kustomization()["resources"] for doc in documents(name)]


def find(kind: str, name: str) -> dict[str, Any]:
    return next(d for d in resources() if d["kind"] == kind and d["metadata"]["name"] == name)


def test_every_manifest_parses_and_kustomize_lists_only_existing_files() -> None:
    for path in sorted(DEPLOY.rglob("*.yaml")):
        parsed = [d for d in yaml.safe_load_all(path.read_text()) if d]
        if path.name == "compose.yaml":
            assert set(parsed[0]["services"]) == {"app", "caddy", "coturn"}
            continue
        assert all(isinstance(d, dict) and "kind" in d for d in parsed), path
    listed = kustomization()["resources"]
    assert all((DEPLOY / name).is_file() for name in listed)
    assert {"network-policies.yaml", "security-headers.yaml", "operator-ingress.yaml"} <= set(
        listed)


def test_everything_in_the_namespace_is_denied_unless_a_policy_admits_it() -> None:
    deny = find("NetworkPolicy", "default-deny")
    assert deny["spec"]["podSelector"] == {}
    assert set(deny["spec"]["policyTypes"]) == {"Ingress", "Egress"}
    assert "ingress" not in deny["spec"] and "egress" not in deny["spec"]


def test_the_app_takes_http_from_the_ingress_controller_and_media_from_turn_only() -> None:
    spec = find("NetworkPolicy", "vlens-capture")["spec"]
    assert spec["podSelector"]["matchLabels"] == {"app.kubernetes.io/name": "vlens-capture"}
    http, media = spec["ingress"]
    assert http["ports"] == [{"protocol": "TCP", "port": 8501}]
    assert http["from"][0]["podSelector"]["matchLabels"]["app.kubernetes.io/name"] == (
        "ingress-nginx")
    assert media["ports"] == [{"protocol": "UDP", "port": 32768, "endPort": 60999}]
    assert media["from"][0]["ipBlock"]["cidr"].endswith("/32")  # the TURN node, nothing wider
    wide = [rule for rule in spec["egress"] if rule["to"][0].get("ipBlock", {}).get("cidr")
            == "0.0.0.0/0"]
    assert wide and all(set(rule["to"][0]["ipBlock"]["except"]) >= PRIVATE for rule in wide)


def test_the_database_admits_the_app_only_and_calls_nobody() -> None:
    spec = find("NetworkPolicy", "database")["spec"]
    (rule,) = spec["ingress"]
    assert rule["from"] == [{"podSelector": {"matchLabels": {
        "app.kubernetes.io/name": "vlens-capture"}}}]
    assert rule["ports"] == [{"protocol": "TCP", "port": 5432}]
    assert spec["egress"] == []


def test_turn_may_relay_to_the_app_pods_webrtc_ports_only_inside_the_cluster() -> None:
    spec = find("NetworkPolicy", "coturn")["spec"]
    inside = [rule for rule in spec["egress"] if "podSelector" in rule["to"][0]]
    assert inside == [{"to": [{"podSelector": {"matchLabels": {
        "app.kubernetes.io/name": "vlens-capture"}}}],
        "ports": [{"protocol": "UDP", "port": 32768, "endPort": 60999}]}]


@pytest.mark.parametrize("ingress", ["vlens-capture", "vlens-capture-operator"])
def test_both_ingresses_send_the_security_headers_over_https_only(ingress: str) -> None:
    annotations = find("Ingress", ingress)["metadata"]["annotations"]
    namespace = kustomization()["namespace"]
    assert annotations["nginx.ingress.kubernetes.io/custom-headers"] == (
        f"{namespace}/vlens-security-headers")
    assert annotations["nginx.ingress.kubernetes.io/force-ssl-redirect"] == "true"
    headers = find("ConfigMap", "vlens-security-headers")["data"]
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "no-referrer"
    assert "frame-ancestors 'self'" in headers["Content-Security-Policy"]


def test_the_ingress_csp_is_the_one_tested_behind_caddy() -> None:
    headers = find("ConfigMap", "vlens-security-headers")["data"]
    caddy = (DEPLOY / "vm" / "Caddyfile").read_text()
    caddy_csp = re.search(r'Content-Security-Policy "([^"]+)"', caddy)
    assert caddy_csp is not None
    assert caddy_csp.group(1).replace(" {$FRAME_ANCESTORS:}", "") == (
        headers["Content-Security-Policy"])


def test_the_operator_page_has_its_own_host_limited_to_an_allow_list() -> None:
    operator = find("Ingress", "vlens-capture-operator")
    customers = find("Ingress", "vlens-capture")
    assert operator["metadata"]["annotations"][
        "nginx.ingress.kubernetes.io/whitelist-source-range"]
    hosts = {rule["host"] for rule in operator["spec"]["rules"]}
    assert hosts.isdisjoint(rule["host"] for rule in customers["spec"]["rules"])
    assert "whitelist-source-range" not in str(customers["metadata"]["annotations"])


def test_turn_uses_a_shared_secret_that_reaches_coturn_and_the_app_but_no_browser() -> None:
    coturn = find("Deployment", "coturn")["spec"]["template"]["spec"]["containers"][0]
    assert "--static-auth-secret=$(TURN_SECRET)" in coturn["args"]
    assert not any(arg.startswith("--user") for arg in coturn["args"])
    app = find("Deployment", "vlens-capture")["spec"]["template"]["spec"]["containers"][0]
    env = {item["name"]: item for item in app["env"]}
    secret_of = {item["name"]: item["valueFrom"]["secretKeyRef"] for item in coturn["env"]
                 if "valueFrom" in item and "secretKeyRef" in item["valueFrom"]}
    assert env["VLENS_TURN_SECRET"]["valueFrom"]["secretKeyRef"] == secret_of["TURN_SECRET"]
    assert all(url.startswith("turn:") for url in env["VLENS_TURN_URLS"]["value"].split(","))
