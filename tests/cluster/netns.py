"""Network partitions for the cluster suite: one Linux network namespace per
node, wired by veth pairs into a bridge in the root namespace.

    net = Network()                # bridge dsp<id>br, 10.77.X.1/24 in the root ns
    a = net.add_host("n0")         # namespace dsp<id>-n0, veth, 10.77.X.10
    net.partition([a], [b, c])     # a cannot talk to b or c, nor they to a
    net.heal()
    net.close()                    # idempotent; also run at exit

Nothing but iproute2 is needed (no nftables, no iptables, no netem):

* Every node gets permanent neighbour (ARP) entries for every other node.
  Cutting a -> b replaces, in a's namespace, b's entry by a MAC address that
  exists nowhere: a's frames to b are flooded by the bridge and dropped by
  every receiver (wrong destination MAC). Packets vanish silently, as on a
  real broken link: connects hang, established connections stall; nobody
  gets an error. That is mode="drop" (the default).
* mode="reject" adds an `unreachable` route instead: the sender's own
  kernel fails the send at once (EHOSTUNREACH), as with an ICMP reject.

The root namespace (the test process) always reaches every node: a
partition is between nodes, the client keeps watching all sides.
unplug() takes a node's link down (the client loses it too).

Names: `ip netns exec NS` bind-mounts /etc/netns/NS/hosts over /etc/hosts
for the command it runs, so every host gets such a file (set_names() writes
the same table into all of them, in place, so running processes see the
change at their next lookup). A name may have several addresses (one DNS
name for a whole service), and readdress() moves a host to a new IP, as an
orchestrator does when it reschedules a container.

delay()/loss() use tc netem, which is not in every kernel (see
netem_unavailable_reason()); throttle() uses tbf.

Names: everything made by this module starts with "dsp" + a 5-character run
id (interface names stay within 15 characters). A run writes
<REGISTRY>/<id> (its pid and start time) before making anything; sweep()
removes namespaces and links of runs whose process is gone (a crashed or
killed earlier run), and is called by every new Network.
"""

import atexit
import ipaddress
import os
import random
import re
import shutil
import signal
import string
import subprocess
import threading
import time

import pytest

IP = shutil.which("ip") or "/usr/sbin/ip"
TC = shutil.which("tc") or "/usr/sbin/tc"
PREFIX = "dsp"
NETNS_ETC = "/etc/netns"
REGISTRY = "/run/dispotify-netns" if os.path.isdir("/run") else "/tmp/dispotify-netns"
CMD_TIMEOUT_S = 10
# A unicast, locally administered MAC that no interface here has.
NOWHERE_MAC = "02:de:ad:00:00:01"
PUBLIC_PORT = 4533
PEER_PORT = 4534

_ID_RE = re.compile(r"^%s([0-9a-z]{5})(?:br|h\d+|n\d+|-.*)$" % PREFIX)


class NetnsError(RuntimeError):
    pass


class NetemUnavailable(NetnsError):
    pass


def run(*args, check=True, timeout=CMD_TIMEOUT_S):
    """Runs a command (bounded in time); returns CompletedProcess (text)."""
    try:
        proc = subprocess.run(list(args), stdin=subprocess.DEVNULL, capture_output=True, text=True,
                              timeout=timeout, check=False)
    except subprocess.TimeoutExpired as e:
        raise NetnsError("timed out after %ss: %s" % (timeout, " ".join(args))) from e
    if check and proc.returncode != 0:
        raise NetnsError("%s -> %d: %s" % (" ".join(args), proc.returncode, proc.stderr.strip()))
    return proc


def ip(*args, **kw):
    return run(IP, *args, **kw)


def ns_ip(ns, *args, **kw):
    return run(IP, "-n", ns, *args, **kw)


# ---- can we run at all -------------------------------------------------------------

_reason_cache = {}


def unavailable_reason():
    """None when namespaces, veth pairs and bridges work here; else why not."""
    if "netns" in _reason_cache:
        return _reason_cache["netns"]
    reason = None
    if os.geteuid() != 0:
        reason = "network namespaces need root (running as uid %d)" % os.geteuid()
    elif not os.access(IP, os.X_OK):
        reason = "iproute2 `ip` not found (%s)" % IP
    else:
        rid = _new_id()
        ns, br, h, n = PREFIX + rid + "-probe", PREFIX + rid + "br", PREFIX + rid + "h0", PREFIX + rid + "n0"
        _register(rid)
        try:
            ip("netns", "add", ns)
            ns_ip(ns, "link", "set", "lo", "up")
            ip("link", "add", br, "type", "bridge")
            ip("link", "add", h, "type", "veth", "peer", "name", n)
            ip("link", "set", n, "netns", ns)
            ip("link", "set", h, "master", br)
        except NetnsError as e:
            reason = "`ip netns`/veth/bridge not usable here: %s" % e
        finally:
            _remove_run(rid)
    _reason_cache["netns"] = reason
    return reason


def netem_unavailable_reason():
    """None when tc netem works (delay/loss); else why not."""
    if "netem" in _reason_cache:
        return _reason_cache["netem"]
    reason = unavailable_reason()
    if reason is None:
        if not os.access(TC, os.X_OK):
            reason = "tc not found (%s)" % TC
        else:
            rid = _new_id()
            a, b = PREFIX + rid + "h0", PREFIX + rid + "n0"
            _register(rid)
            try:
                ip("link", "add", a, "type", "veth", "peer", "name", b)
                r = run(TC, "qdisc", "add", "dev", a, "root", "netem", "delay", "1ms", check=False)
                if r.returncode != 0:
                    reason = "tc netem not available in this kernel: %s" % r.stderr.strip()
            except NetnsError as e:
                reason = str(e)
            finally:
                _remove_run(rid)
    _reason_cache["netem"] = reason
    return reason


# ---- run registry and sweep of leftovers -------------------------------------------

def _new_id():
    return "".join(random.choice(string.ascii_lowercase + string.digits) for _ in range(5))


def _start_time(pid):
    try:
        with open("/proc/%d/stat" % pid) as f:
            return f.read().rsplit(")", 1)[1].split()[19]
    except (OSError, IndexError, ValueError):
        return None


def _register(rid):
    os.makedirs(REGISTRY, exist_ok=True)
    with open(os.path.join(REGISTRY, rid), "w") as f:
        f.write("%d %s\n" % (os.getpid(), _start_time(os.getpid())))


def _alive(rid):
    try:
        with open(os.path.join(REGISTRY, rid)) as f:
            pid, started = f.read().split()
        return _start_time(int(pid)) == started
    except (OSError, ValueError):
        return False


def _namespaces():
    r = ip("netns", "list", check=False)
    return [line.split()[0] for line in r.stdout.splitlines() if line.strip()]


def _links():
    r = ip("-o", "link", "show", check=False)
    out = []
    for line in r.stdout.splitlines():
        m = re.match(r"^\d+:\s+([^:@\s]+)", line)
        if m:
            out.append(m.group(1))
    return out


def _kill_ns_processes(ns):
    """Kills, by pid, what still runs in one of our namespaces (nodes of a
    crashed run: they were started there by this module)."""
    r = ip("netns", "pids", ns, check=False)
    pids = [int(p) for p in r.stdout.split() if p.isdigit()]
    for pid in pids:
        try:
            os.kill(pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
    deadline = time.time() + 5
    while pids and time.time() < deadline:
        pids = [p for p in pids if os.path.exists("/proc/%d" % p)]
        time.sleep(0.02)


def _remove_run(rid, kill=True):
    """Removes every namespace and link of run `rid`, then its registry file."""
    for ns in _namespaces():
        if ns.startswith(PREFIX + rid + "-"):
            if kill:
                _kill_ns_processes(ns)
            ip("netns", "del", ns, check=False)
    for link in _links():
        if link.startswith(PREFIX + rid) and _ID_RE.match(link):
            ip("link", "del", link, check=False)
    if os.path.isdir(NETNS_ETC):
        for name in os.listdir(NETNS_ETC):
            if name.startswith(PREFIX + rid + "-"):
                shutil.rmtree(os.path.join(NETNS_ETC, name), ignore_errors=True)
    try:
        os.unlink(os.path.join(REGISTRY, rid))
    except FileNotFoundError:
        pass


def sweep():
    """Removes what crashed earlier runs left behind (their process is gone).
    Returns the run ids removed."""
    ids = set()
    etc = os.listdir(NETNS_ETC) if os.path.isdir(NETNS_ETC) else []
    for name in _namespaces() + _links() + etc:
        m = _ID_RE.match(name)
        if m:
            ids.add(m.group(1))
    if os.path.isdir(REGISTRY):
        ids.update(f for f in os.listdir(REGISTRY) if re.fullmatch(r"[0-9a-z]{5}", f))
    stale = sorted(rid for rid in ids if not _alive(rid))
    for rid in stale:
        _remove_run(rid)
    return stale


# ---- the network ---------------------------------------------------------------------

def _used_subnets():
    r = ip("-o", "-4", "addr", "show", check=False)
    return set(re.findall(r"inet 10\.77\.(\d+)\.", r.stdout))


class Host:
    """One node's namespace: `ns`, its address `ip`, the root-side veth
    `host_if` (in the bridge) and the namespace-side veth `ns_if`."""

    def __init__(self, net, index, name):
        self.net = net
        self.index = index
        self.name = name
        self.ns = "%s%s-%s" % (PREFIX, net.id, name)
        self.host_if = "%s%sh%d" % (PREFIX, net.id, index)
        self.ns_if = "%s%sn%d" % (PREFIX, net.id, index)
        self.ip = str(net.subnet.network_address + 10 + index)
        self.mac = None

    def exec_prefix(self):
        """Prefix of a command line that runs in this namespace."""
        return [IP, "netns", "exec", self.ns]

    @property
    def public_address(self):
        return "%s:%d" % (self.ip, PUBLIC_PORT)

    @property
    def peer_address(self):
        return "%s:%d" % (self.ip, PEER_PORT)

    def __repr__(self):
        return "Host(%s %s)" % (self.name, self.ip)


class Network:
    """A bridge in the root namespace with one namespace per host."""

    _open = []
    _lock = threading.Lock()

    def __init__(self):
        reason = unavailable_reason()
        if reason:
            raise NetnsError(reason)
        sweep()
        self.hosts = []
        self.names = {}        # DNS name -> [IP, ...] (see set_names)
        self.blocked = set()   # (from host name, to host name)
        self.mode = {}         # (from, to) -> "drop" | "reject"
        self.closed = False
        for _attempt in range(20):
            self.id = _new_id()
            if not any(n.startswith(PREFIX + self.id) for n in _namespaces() + _links()):
                break
        _register(self.id)
        with Network._lock:
            Network._open.append(self)
        self.bridge = PREFIX + self.id + "br"
        try:
            ip("link", "add", self.bridge, "type", "bridge")
            ip("link", "set", self.bridge, "up")
            self.subnet = self._claim_subnet()
        except BaseException:
            self.close()
            raise

    def _claim_subnet(self):
        for _attempt in range(50):
            used = _used_subnets()
            free = [x for x in range(1, 255) if str(x) not in used]
            if not free:
                raise NetnsError("no free 10.77.X.0/24 subnet")
            x = random.choice(free)
            subnet = ipaddress.ip_network("10.77.%d.0/24" % x)
            ip("addr", "add", "%s/24" % (subnet.network_address + 1), "dev", self.bridge)
            # Another run may have taken the same X at the same moment.
            r = ip("-o", "-4", "addr", "show", check=False)
            owners = [line.split()[1] for line in r.stdout.splitlines() if "inet 10.77.%d." % x in line]
            if owners == [self.bridge]:
                return subnet
            ip("addr", "flush", "dev", self.bridge, check=False)
            time.sleep(random.random() * 0.1)
        raise NetnsError("could not claim a 10.77.X.0/24 subnet")

    @property
    def client_ip(self):
        """The root namespace's address on the bridge (where tests talk from)."""
        return str(self.subnet.network_address + 1)

    def add_host(self, name):
        assert re.fullmatch(r"[a-z0-9]{1,8}", name), name
        host = Host(self, len(self.hosts), name)
        self.hosts.append(host)
        ip("netns", "add", host.ns)
        os.makedirs(os.path.join(NETNS_ETC, host.ns), exist_ok=True)
        self._write_hosts_file(host)
        ns_ip(host.ns, "link", "set", "lo", "up")
        ip("link", "add", host.host_if, "type", "veth", "peer", "name", host.ns_if)
        ip("link", "set", host.ns_if, "netns", host.ns)
        ip("link", "set", host.host_if, "master", self.bridge)
        ip("link", "set", host.host_if, "up")
        ns_ip(host.ns, "addr", "add", "%s/%d" % (host.ip, self.subnet.prefixlen), "dev", host.ns_if)
        ns_ip(host.ns, "link", "set", host.ns_if, "up")
        r = ns_ip(host.ns, "-o", "link", "show", host.ns_if)
        host.mac = re.search(r"link/ether ([0-9a-f:]{17})", r.stdout).group(1)
        # Static neighbour entries both ways with every other host: no ARP
        # between nodes, so cutting and healing take effect at once.
        for other in self.hosts[:-1]:
            self._set_neigh(host, other, other.mac)
            self._set_neigh(other, host, host.mac)
        return host

    # -- names and addresses

    def hosts_file_text(self):
        lines = ["127.0.0.1 localhost", "::1 localhost"]
        for name, ips in sorted(self.names.items()):
            lines += ["%s %s" % (addr, name) for addr in ips]
        return "\n".join(lines) + "\n"

    def _write_hosts_file(self, host):
        # In place (same inode): the bind mount of a running process keeps
        # pointing at this file, so it sees the new table.
        path = os.path.join(NETNS_ETC, host.ns, "hosts")
        with open(path, "a+") as f:
            f.seek(0)
            f.truncate()
            f.write(self.hosts_file_text())

    def set_names(self, names):
        """Replaces the hosts table of every host: {name: ip or [ip, ...]}.
        Commands started with exec_prefix() resolve these names."""
        self.names = {n: ([v] if isinstance(v, str) else list(v)) for n, v in names.items()}
        for h in self.hosts:
            self._write_hosts_file(h)

    def readdress(self, host, slot):
        """Moves `host` to the address of `slot` (10.77.X.(10 + slot)), as a
        rescheduled container comes back with a new IP; the hosts table is
        not changed (set_names does that). Not while the host is cut off."""
        host = self.host(host)
        assert not any(host.name in key for key in self.blocked), "heal before readdress"
        new_ip = str(self.subnet.network_address + 10 + slot)
        assert all(h.ip != new_ip for h in self.hosts), new_ip
        old_ip = host.ip
        ns_ip(host.ns, "addr", "flush", "dev", host.ns_if)
        ns_ip(host.ns, "addr", "add", "%s/%d" % (new_ip, self.subnet.prefixlen), "dev", host.ns_if)
        host.ip = new_ip
        for other in self.hosts:
            if other is not host:
                ns_ip(other.ns, "neigh", "del", old_ip, "dev", other.ns_if, check=False)
                self._set_neigh(other, host, host.mac)
        ip("neigh", "flush", "dev", self.bridge, check=False)
        return host

    def host(self, name_or_host):
        if isinstance(name_or_host, Host):
            return name_or_host
        if isinstance(getattr(name_or_host, "host", None), Host):  # a node object living on a host
            return name_or_host.host
        for h in self.hosts:
            if h.name == name_or_host:
                return h
        raise KeyError(name_or_host)

    def _set_neigh(self, src, dst, mac):
        ns_ip(src.ns, "neigh", "replace", dst.ip, "lladdr", mac, "dev", src.ns_if, "nud", "permanent")

    # -- cutting and healing

    def block(self, src, dst, mode="drop"):
        """src can no longer send to dst (one direction). With TCP this stops
        connections both ways (the handshake needs both), but the first SYN
        still arrives at dst when only src -> dst is cut."""
        src, dst = self.host(src), self.host(dst)
        assert src is not dst
        key = (src.name, dst.name)
        if key in self.blocked:
            if self.mode[key] == mode:
                return
            self.unblock(src, dst)
        if mode == "drop":
            self._set_neigh(src, dst, NOWHERE_MAC)
        elif mode == "reject":
            ns_ip(src.ns, "route", "add", "unreachable", dst.ip + "/32")
        else:
            raise ValueError(mode)
        self.blocked.add(key)
        self.mode[key] = mode

    def unblock(self, src, dst):
        src, dst = self.host(src), self.host(dst)
        key = (src.name, dst.name)
        if key not in self.blocked:
            return
        if self.mode[key] == "drop":
            self._set_neigh(src, dst, dst.mac)
        else:
            ns_ip(src.ns, "route", "del", "unreachable", dst.ip + "/32", check=False)
        self.blocked.discard(key)
        del self.mode[key]

    def cut(self, a, b, mode="drop"):
        """No traffic between a and b, either way."""
        self.block(a, b, mode)
        self.block(b, a, mode)

    def partition(self, *groups, mode="drop"):
        """Heals, then cuts every pair of hosts in different groups (both
        ways). Hosts in no group keep talking to everyone."""
        groups = [[self.host(h) for h in g] for g in groups]
        seen = [h.name for g in groups for h in g]
        assert len(seen) == len(set(seen)), "a host is in two groups"
        self.heal()
        for i, g in enumerate(groups):
            for other in groups[i + 1:]:
                for a in g:
                    for b in other:
                        self.cut(a, b, mode)

    def isolate(self, host, mode="drop"):
        """host talks to no other host (the test process still reaches it)."""
        host = self.host(host)
        self.partition([host], [h for h in self.hosts if h is not host], mode=mode)

    def heal(self):
        """Every host talks to every host again (partitions only; see
        clear_shaping() and plug())."""
        for src, dst in sorted(self.blocked):
            self.unblock(src, dst)

    def unplug(self, host):
        """Takes the host's link down: nobody, not even the test, reaches it."""
        ip("link", "set", self.host(host).host_if, "down")

    def plug(self, host):
        ip("link", "set", self.host(host).host_if, "up")

    # -- latency, loss, bandwidth

    def _qdisc(self, host, *spec):
        host = self.host(host)
        # Root side egress = traffic to the node; namespace side egress = from it.
        run(TC, "qdisc", "replace", "dev", host.host_if, "root", *spec)
        run(TC, "-n", host.ns, "qdisc", "replace", "dev", host.ns_if, "root", *spec)

    def shape(self, host, delay_ms=0, jitter_ms=0, loss_pct=0.0):
        """tc netem on both directions of the host's link (each direction gets
        delay_ms, so a round trip gets twice that). NetemUnavailable if the
        kernel has no netem."""
        reason = netem_unavailable_reason()
        if reason:
            raise NetemUnavailable(reason)
        spec = ["netem"]
        if delay_ms or jitter_ms:
            spec += ["delay", "%gms" % delay_ms] + (["%gms" % jitter_ms] if jitter_ms else [])
        if loss_pct:
            spec += ["loss", "%g%%" % loss_pct]
        self._qdisc(host, *spec)

    def delay(self, host, ms, jitter_ms=0):
        self.shape(host, delay_ms=ms, jitter_ms=jitter_ms)

    def loss(self, host, pct):
        self.shape(host, loss_pct=pct)

    def throttle(self, host, rate="1mbit", burst="32kbit", latency="400ms"):
        """Bandwidth limit both ways (tc tbf; works without netem)."""
        self._qdisc(host, "tbf", "rate", rate, "burst", burst, "latency", latency)

    def clear_shaping(self, host=None):
        for h in ([self.host(host)] if host else self.hosts):
            run(TC, "qdisc", "del", "dev", h.host_if, "root", check=False)
            run(TC, "-n", h.ns, "qdisc", "del", "dev", h.ns_if, "root", check=False)

    # -- state and cleanup

    def describe(self):
        """One line per cut, for failure messages."""
        if not self.blocked:
            return "no partition"
        return ", ".join("%s-x->%s(%s)" % (a, b, self.mode[(a, b)]) for a, b in sorted(self.blocked))

    def close(self):
        """Removes every namespace and link of this network; kills (by pid)
        whatever still runs in its namespaces. Idempotent."""
        if self.closed:
            return
        self.closed = True
        try:
            _remove_run(self.id)
        finally:
            with Network._lock:
                if self in Network._open:
                    Network._open.remove(self)


@atexit.register
def _close_all():
    for net in list(Network._open):
        try:
            net.close()
        except Exception:  # noqa: BLE001 - best effort at exit
            pass


@pytest.fixture
def net():
    """A Network for one test (import it into the test module); the test is
    skipped where namespaces cannot be made here."""
    reason = unavailable_reason()
    if reason:
        pytest.skip(reason)
    network = Network()
    yield network
    network.close()
