"""deploy/compose.yml, deploy/swarm.yml and deploy/k8s/ cannot run here (no
container engine, no Kubernetes), so this checks what can be checked
without them:

- every file parses (python3-yaml) and has the shape its orchestrator
  needs: a named volume and a published port per Compose node; an overlay
  network, tasks.NAME discovery and one replica per host on Swarm; a
  headless Service that publishes not-ready addresses, a client Service,
  PVCs, probes on /readyz and /healthz, a PodDisruptionBudget that keeps a
  majority on Kubernetes;
- every flag and DISPOTIFY_* variable they give the node (and the image's
  ENV, HEALTHCHECK and the preStop hook) is one the binary knows;
- the exact command lines and environment of each file start a working
  3-node cluster of real processes, each in a network namespace with the
  host name the orchestrator would give it, names resolved as its DNS
  would (Compose service names; Swarm task names and
  tasks.NAME; Kubernetes pod DNS names and the headless Service);
- the StatefulSet's preStop hook, run as written: a pod leaves the cluster
  only when annotated dispotify.io/leave=true.

    DISPOTIFY_BIN=$PWD/build/dispotify /usr/bin/python3 -m pytest -q tests/deploy/test_deploy_files.py
"""

import os
import re
import shlex
import subprocess
from pathlib import Path

import pytest
import requests
import yaml

from helpers import BIN, REPO, SLOW
import netns
from netns import net  # noqa: F401 (a fixture)
from netns_cluster import NetNode, create_playlist, playlist_names

DEPLOY = REPO / "deploy"
DATA_DIR = "/var/lib/dispotify"
JOIN_TOKEN = "deploy-test-join-token"
ADMIN_PASSWORD = "deploy-test-admin-password"


def load(name):
    return yaml.safe_load((DEPLOY / name).read_text())


def k8s_documents():
    docs = []
    for path in sorted((DEPLOY / "k8s").glob("*.yaml")):
        docs += [d for d in yaml.safe_load_all(path.read_text()) if d]
    return docs


def k8s_kind(kind, name=None):
    found = [d for d in k8s_documents() if d["kind"] == kind and (name is None or d["metadata"]["name"] == name)]
    assert len(found) == 1, "%s %s: %d found" % (kind, name, len(found))
    return found[0]


def container_env():
    """The ENV of the image's runtime stage (deploy/Containerfile)."""
    text = (DEPLOY / "Containerfile").read_text()
    runtime = text[text.rindex("\nFROM "):]
    env = {}
    for block in re.findall(r"^ENV ((?:.*\\\n)*.*)$", runtime, re.M):
        for key, value in re.findall(r"(\w+)=(\S+)", block.replace("\\\n", " ")):
            env[key] = value
    return env


def serve_flags():
    out = subprocess.run([BIN, "serve", "--help"], capture_output=True, text=True, timeout=10, check=True).stdout
    return set(re.findall(r"^\s+--([a-z0-9-]+)", out, re.M))


def flag_of(env_name):
    assert env_name.startswith("DISPOTIFY_"), env_name
    return env_name[len("DISPOTIFY_"):].lower().replace("_", "-")


def flags_in(args):
    return [a[2:].split("=", 1)[0] for a in args if a.startswith("--")]


# ---- shapes ------------------------------------------------------------------------

def test_compose_has_three_nodes_each_with_its_volume_and_port():
    compose = load("compose.yml")
    services = compose["services"]
    assert sorted(services) == ["node1", "node2", "node3"]
    volumes = [s["volumes"][0].split(":")[0] for s in services.values()]
    ports = [s["ports"][0].split(":")[0] for s in services.values()]
    assert len(set(volumes)) == 3 and set(volumes) <= set(compose["volumes"]), volumes
    assert all(s["volumes"][0].endswith(":" + DATA_DIR) for s in services.values())
    assert len(set(ports)) == 3 and all(s["ports"][0].endswith(":4533") for s in services.values())
    for name, s in services.items():
        assert s["command"][0] == "serve"
        assert "%s:4534" % name in s["command"], "each node advertises its service name"


def test_swarm_discovers_through_tasks_and_places_one_replica_per_host():
    swarm = load("swarm.yml")
    (name, service), = swarm["services"].items()
    assert "tasks.%s:4534" % name in service["command"]
    assert service["deploy"]["placement"]["max_replicas_per_node"] == 1
    assert service["deploy"]["replicas"] == 3
    assert service["deploy"]["update_config"]["parallelism"] == 1
    assert all(n["driver"] == "overlay" for n in swarm["networks"].values())
    assert "{{.Task.Slot}}" in swarm["volumes"]["data"]["name"], "one volume per slot"
    assert service["volumes"] == ["data:" + DATA_DIR]


def test_k8s_has_a_statefulset_headless_service_pvcs_probes_and_a_majority_keeping_budget():
    sts = k8s_kind("StatefulSet")
    peers = k8s_kind("Service", sts["spec"]["serviceName"])
    assert peers["spec"]["clusterIP"] == "None" and peers["spec"]["publishNotReadyAddresses"] is True
    client = k8s_kind("Service", "dispotify")
    assert client["spec"].get("clusterIP") != "None"
    assert sts["spec"]["podManagementPolicy"] == "Parallel"
    claim, = sts["spec"]["volumeClaimTemplates"]
    container, = sts["spec"]["template"]["spec"]["containers"]
    assert {"name": claim["metadata"]["name"], "mountPath": DATA_DIR} in container["volumeMounts"]
    assert container["readinessProbe"]["httpGet"]["path"] == "/readyz?caught_up=1"
    assert container["livenessProbe"]["httpGet"]["path"] == "/healthz"
    assert sts["spec"]["template"]["spec"]["securityContext"]["runAsNonRoot"] is True
    pdb = k8s_kind("PodDisruptionBudget")
    replicas = sts["spec"]["replicas"]
    # What may be down at once leaves a majority of the voters up.
    assert replicas - pdb["spec"]["maxUnavailable"] > replicas // 2
    assert pdb["spec"]["selector"] == sts["spec"]["selector"]
    prestop = " ".join(container["lifecycle"]["preStop"]["exec"]["command"])
    assert "dispotify cluster remove" in prestop and "dispotify.io/leave" in prestop


# ---- what they give the binary -----------------------------------------------------

def test_every_setting_they_give_the_node_is_known():
    known = serve_flags()
    given = []
    for s in load("compose.yml")["services"].values():
        given += flags_in(s["command"]) + [flag_of(k) for k in s["environment"]]
    swarm_service, = load("swarm.yml")["services"].values()
    given += flags_in(swarm_service["command"]) + [flag_of(k) for k in swarm_service["environment"]]
    container, = k8s_kind("StatefulSet")["spec"]["template"]["spec"]["containers"]
    given += flags_in(container["args"]) + [flag_of(e["name"]) for e in container["env"]
                                             if e["name"].startswith("DISPOTIFY_")]
    given += [flag_of(k) for k in container_env()]
    unknown = sorted(set(given) - known)
    assert not unknown, "settings `dispotify serve` does not know: %s" % unknown


def test_the_image_healthcheck_and_the_prestop_hook_use_known_commands():
    text = (DEPLOY / "Containerfile").read_text()
    assert re.search(r'^ENTRYPOINT \["/usr/local/bin/dispotify"\]', text, re.M), "exec form: SIGTERM reaches the node"
    assert re.search(r"^USER 10001", text, re.M) and re.search(r"^VOLUME " + DATA_DIR, text, re.M)
    check = re.search(r'CMD \["/usr/local/bin/dispotify", "probe", "([^"]+)"\]', text)
    assert check and check.group(1).endswith("/readyz")
    assert subprocess.run([BIN, "probe", "--help"], capture_output=True, timeout=10).returncode == 0
    out = subprocess.run([BIN, "cluster", "--help"], capture_output=True, text=True, timeout=10).stdout
    assert "--server" in out and "--token" in out and "remove" in out


# ---- their command lines run a cluster ---------------------------------------------

class OrchestratedNode(NetNode):
    """A node started with a deployment file's exact arguments and
    environment, in a namespace whose host name is the one the
    orchestrator gives it; the image's ENV applies, the volume is a temp dir."""

    def __init__(self, root, host, hostname, args, env):
        super().__init__(root, host)
        self.hostname, self.serve_args = hostname, list(args)
        self.env = dict(container_env(), **env)
        self.env["DISPOTIFY_DATA_DIR"] = str(self.data_dir)
        self.env.pop("DISPOTIFY_WEB_DIR", None)
        self.env["DISPOTIFY_MIN_FREE_DISK"] = "1MiB"

    def command(self, port=None, peer_port=None):
        assert self.serve_args[0] == "serve"
        environment = ["%s=%s" % kv for kv in sorted(self.env.items())]
        # A UTS namespace of its own: gethostname() is the orchestrator's
        # host name (for --bootstrap-host).
        return (self.host.exec_prefix() + ["env"] + environment +
                ["unshare", "--uts", "/bin/sh", "-c", 'hostname "$0" && exec "$@"', self.hostname,
                 BIN] + self.serve_args)


def expand_k8s(text, variables):
    return re.sub(r"\$\((\w+)\)", lambda m: variables[m.group(1)], text)


def compose_nodes(tmp_path):
    services = load("compose.yml")["services"]
    secrets = {"DISPOTIFY_JOIN_TOKEN": JOIN_TOKEN, "DISPOTIFY_ADMIN_PASSWORD": ADMIN_PASSWORD}
    nodes = []
    for name, s in services.items():
        env = {k: secrets.get(k, v) for k, v in s["environment"].items()}
        nodes.append((name, s["hostname"], s["command"], env))
    return nodes, dict  # service names only (every node joins through the list of them)


def secret_files(tmp_path):
    (tmp_path / "join-token").write_text(JOIN_TOKEN + "\n")
    (tmp_path / "admin-password").write_text(ADMIN_PASSWORD + "\n")
    return str(tmp_path / "join-token"), str(tmp_path / "admin-password")


def swarm_nodes(tmp_path):
    (name, s), = load("swarm.yml")["services"].items()
    join_file, password_file = secret_files(tmp_path)
    nodes = []
    for slot in (1, 2, 3):
        task = "dispotify_%s.%d.task%d" % (name, slot, slot)
        env = {k: v.replace("{{.Task.Name}}", task) for k, v in s["environment"].items()}
        env["DISPOTIFY_JOIN_TOKEN_FILE"], env["DISPOTIFY_ADMIN_PASSWORD_FILE"] = join_file, password_file
        nodes.append((task, s["hostname"].replace("{{.Task.Slot}}", str(slot)), s["command"], env))
    names = lambda ips: dict(ips, **{"tasks." + name: list(ips.values())})  # noqa: E731
    return nodes, names


def k8s_nodes(tmp_path):
    sts = k8s_kind("StatefulSet")
    container, = sts["spec"]["template"]["spec"]["containers"]
    namespace = sts["metadata"]["namespace"]
    join_file, password_file = secret_files(tmp_path)
    nodes = []
    for ordinal in range(sts["spec"]["replicas"]):
        pod = "%s-%d" % (sts["metadata"]["name"], ordinal)
        variables = {"POD_NAME": pod, "POD_NAMESPACE": namespace}
        env = {e["name"]: e["value"] for e in container["env"] if "value" in e}
        env["DISPOTIFY_JOIN_TOKEN_FILE"], env["DISPOTIFY_ADMIN_PASSWORD_FILE"] = join_file, password_file
        args = [expand_k8s(a, variables) for a in container["args"]]
        fqdn = "%s.%s.%s.svc.cluster.local" % (pod, sts["spec"]["serviceName"], namespace)
        nodes.append((fqdn, pod, args, env))
    service = "%s.%s.svc.cluster.local" % (sts["spec"]["serviceName"], namespace)
    names = lambda ips: dict(ips, **{service: list(ips.values())})  # noqa: E731
    return nodes, names


@pytest.mark.parametrize("spec", [compose_nodes, swarm_nodes, k8s_nodes], ids=["compose", "swarm", "k8s"])
def test_the_command_lines_start_a_working_cluster(spec, tmp_path, net):
    nodes_spec, names_of = spec(tmp_path)
    nodes = []
    try:
        for i, (dns_name, hostname, args, env) in enumerate(nodes_spec):
            host = net.add_host("h%d" % i)
            nodes.append(OrchestratedNode(tmp_path / ("h%d" % i), host, hostname, args, env))
        net.set_names(names_of({dns_name: n.host.ip for (dns_name, _h, _a, _e), n in zip(nodes_spec, nodes)}))
        for n in nodes:  # all at once, as an orchestrator starts them
            n.start(wait=False)
        for n in nodes:
            assert n.wait_ready(timeout=40 * SLOW), "%s not ready\n%s" % (n.hostname, n.stderr_text()[-3000:])
        founders = [n for n in nodes if "this bootstrap host creates the cluster" in n.stderr_text()]
        assert [n.hostname for n in founders] == [nodes_spec[0][1]], "exactly the bootstrap host founds"

        def three_voters():
            v = nodes[0].raft_status()
            return len(v["voters"]) == 3 and not v["learners"] and v["leader"]
        deadline_ok = False
        for _ in range(int(300 * SLOW)):
            try:
                if three_voters():
                    deadline_ok = True
                    break
            except (requests.RequestException, AssertionError):
                pass
            subprocess.run(["sleep", "0.1"], check=False)
        assert deadline_ok, "no cluster of 3 voters"
        token = nodes[1].login("admin", ADMIN_PASSWORD)
        members = nodes[0].status(token)["members"]
        advertised = sorted(m["peer_address"] for m in members)
        assert advertised == sorted("%s:4534" % d for d, _h, _a, _e in nodes_spec), advertised
        assert create_playlist(nodes[2], token, "from-the-deploy-files").status_code == 201
        for _ in range(50):
            if "from-the-deploy-files" in playlist_names(nodes[0], token, stale=True):
                break
            subprocess.run(["sleep", "0.1"], check=False)
        assert "from-the-deploy-files" in playlist_names(nodes[0], token, stale=True)
        if spec is k8s_nodes:
            check_prestop_hook(tmp_path, nodes, token)
    finally:
        for n in nodes:
            n.kill()


def check_prestop_hook(tmp_path, nodes, token):
    """The StatefulSet's preStop command, run as written in the last pod's
    namespace (paths moved to temp files): without the leave annotation it
    does nothing; with it, the pod leaves the cluster."""
    container, = k8s_kind("StatefulSet")["spec"]["template"]["spec"]["containers"]
    command = container["lifecycle"]["preStop"]["exec"]["command"]
    pod = nodes[-1]
    annotations, token_file = tmp_path / "annotations", tmp_path / "token"
    r = pod.post("/api/v1/tokens", token=token, json={"name": "prestop"})
    assert r.status_code == 201, r.text
    token_file.write_text(r.json()["token"])
    script = (command[-1].replace("/etc/podinfo/annotations", str(annotations))
              .replace("/var/lib/dispotify", str(pod.data_dir))
              .replace("/etc/dispotify/admin-token/token", str(token_file)))
    env = {"PATH": "%s:/usr/bin:/bin" % tmp_path}
    (tmp_path / "dispotify").symlink_to(BIN)  # the image has it on PATH

    def run_hook():
        return subprocess.run(pod.host.exec_prefix() + command[:-1] + [script], env=env, capture_output=True,
                              text=True, timeout=30)
    annotations.write_text('kubernetes.io/config.seen="2026-01-01"\n')
    r = run_hook()
    assert r.returncode == 0, r.stderr
    assert len(nodes[0].raft_status()["voters"]) == 3, "a restart must keep its membership"
    annotations.write_text('dispotify.io/leave="true"\nkubernetes.io/config.seen="2026-01-01"\n')
    r = run_hook()
    assert r.returncode == 0, r.stdout + r.stderr
    assert pod.node_id() not in nodes[0].raft_status()["voters"]
    members = nodes[0].status(token)["members"]
    assert pod.node_id() not in [m["node_id"] for m in members]


def test_the_docs_give_settings_the_binary_knows():
    """docs/DEPLOY.md: every YAML example parses, and every flag or
    DISPOTIFY_* variable in it (and in its `dispotify serve` lines) is known."""
    text = (REPO / "docs" / "DEPLOY.md").read_text()
    known = serve_flags()
    used = set()
    for block in re.findall(r"```yaml\n(.*?)```", text, re.S):
        for service in (yaml.safe_load(block).get("services") or {}).values():
            if service.get("command", [""])[0] == "serve":
                used.update(flags_in(service["command"]))
            used.update(flag_of(k) for k in service.get("environment", {}))
    for line in re.findall(r"dispotify serve[^\n`]*", text):
        used.update(flags_in(shlex.split(line.replace("\\", ""), posix=True)))
    assert "bootstrap-host" in used, "the Compose example was not read"
    unknown = sorted(used - known)
    assert not unknown, unknown


def test_the_readme_links_the_deploy_guide():
    assert "docs/DEPLOY.md" in (REPO / "README.md").read_text()
