// Cross-file invariants of the deployment that no schema can see.
// Usage: node consistency-check.mjs RENDERED_BASE.yaml REPO_ROOT
import fs from "node:fs";
import path from "node:path";
import { parseAllDocuments } from "yaml";

const [renderedFile, root] = process.argv.slice(2);
const objects = parseAllDocuments(fs.readFileSync(renderedFile, "utf8")).map((d) => d.toJS()).filter(Boolean);
const find = (kind, name) => objects.find((o) => o.kind === kind && (!name || o.metadata.name === name));
let failures = 0;
const check = (ok, what) => {
  console.log(`${ok ? "ok  " : "FAIL"} ${what}`);
  if (!ok) failures++;
};
const seconds = (d) => {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m|h)$/.exec(String(d));
  if (!m) throw new Error(`cannot read duration ${d}`);
  return Number(m[1]) * { ms: 0.001, s: 1, m: 60, h: 3600 }[m[2]];
};

const deploy = find("Deployment", "socialcheck");
const pod = deploy.spec.template.spec;
const c = pod.containers[0];
const cm = find("ConfigMap", "socialcheck-config");
const props = Object.fromEntries(
  cm.data["socialcheck.properties"].split("\n").map((l) => l.trim())
    .filter((l) => l && !l.startsWith("#")).map((l) => [l.slice(0, l.indexOf("=")), l.slice(l.indexOf("=") + 1)]));
const portOf = (name) => c.ports.find((p) => p.name === name).containerPort;

// Shutdown timing: the kubelet's grace period covers preStop + --shutdown-grace, with margin.
const preStop = Number(c.lifecycle.preStop.exec.command[1]);
const grace = seconds(props["shutdown-grace"]);
check(pod.terminationGracePeriodSeconds >= preStop + grace + 5,
  `terminationGracePeriodSeconds ${pod.terminationGracePeriodSeconds} >= preStop ${preStop}s + shutdown-grace ${grace}s + 5s`);

// Ports agree everywhere.
check(Number(props.port) === portOf("grpc"), `config port ${props.port} = containerPort grpc ${portOf("grpc")}`);
check(Number(props["metrics-port"]) === portOf("metrics"), `config metrics-port = containerPort metrics`);
check(deploy.spec.template.metadata.annotations["prometheus.io/port"] === String(portOf("metrics")),
  "prometheus.io/port annotation = metrics port");
// Plaintext: native gRPC probes. TLS (the kubelet's gRPC probe cannot do TLS): TCP probes.
const tls = (c.env ?? []).some((e) => e.name === "SOCIALCHECK_TLS_CERT");
for (const probe of ["startupProbe", "readinessProbe", "livenessProbe"]) {
  if (tls) {
    check([portOf("grpc"), "grpc"].includes(c[probe].tcpSocket?.port), `${probe} is a TCP probe on the gRPC port (TLS)`);
  } else {
    check(c[probe].grpc?.port === portOf("grpc"), `${probe} is a gRPC probe on ${portOf("grpc")}`);
  }
}
const np = find("NetworkPolicy", "socialcheck");
const ingressPorts = np.spec.ingress.flatMap((r) => r.ports.map((p) => p.port)).sort();
check(JSON.stringify(ingressPorts) === JSON.stringify([portOf("grpc"), portOf("metrics")].sort()),
  `NetworkPolicy ingress ports ${ingressPorts} = gRPC + metrics`);
check(np.spec.egress.some((r) => r.ports.some((p) => p.port === 443)) &&
  np.spec.egress.some((r) => r.ports.some((p) => p.port === 53)), "NetworkPolicy egress: DNS and HTTPS");

// Never exposed outside the cluster; headless Service for client-side balancing.
const component = (o) => o.metadata.labels?.["app.kubernetes.io/component"];
const serverServices = objects.filter((o) => o.kind === "Service" && component(o) === "server");
for (const s of objects.filter((o) => o.kind === "Service")) {
  check(!["LoadBalancer", "NodePort"].includes(s.spec.type), `Service ${s.metadata.name} is not LoadBalancer/NodePort`);
}
for (const s of serverServices) {
  check(s.spec.ports.some((p) => p.name === "grpc" && p.appProtocol === "grpc"), `Service ${s.metadata.name} port grpc, appProtocol grpc`);
}
check(find("Service", "socialcheck-headless")?.spec.clusterIP === "None", "socialcheck-headless is headless");

// Every Service, the PDB and the NetworkPolicy select the Deployment's pods.
const podLabels = deploy.spec.template.metadata.labels;
const selects = (sel) => Object.entries(sel).every(([k, v]) => podLabels[k] === v);
for (const o of serverServices) check(selects(o.spec.selector), `Service ${o.metadata.name} selects the pods`);
check(selects(find("PodDisruptionBudget").spec.selector.matchLabels), "PodDisruptionBudget selects the pods");
check(selects(np.spec.podSelector.matchLabels), "NetworkPolicy selects the pods");

// The shared Redis: the server's --redis points at its Service, the server may reach it and only
// the server may; it keeps nothing on disk.
const redisDeploy = find("Deployment", "socialcheck-redis");
if (redisDeploy) {
  const redisSvc = find("Service", "socialcheck-redis");
  const redisNp = find("NetworkPolicy", "socialcheck-redis");
  const rc = redisDeploy.spec.template.spec.containers[0];
  const redisPort = rc.ports.find((p) => p.name === "redis").containerPort;
  const uri = (c.env ?? []).find((e) => e.name === "SOCIALCHECK_REDIS")?.value ?? props.redis ?? "";
  const m = /^rediss?:\/\/(?:[^@]*@)?([^:/]+):(\d+)/.exec(uri);
  check(m && m[1] === redisSvc.metadata.name && Number(m[2]) === redisSvc.spec.ports[0].port,
    `--redis ${uri.replace(/:\/\/[^@]*@/, "://***@")} = Service ${redisSvc.metadata.name}:${redisSvc.spec.ports[0].port}`);
  const redisLabels = redisDeploy.spec.template.metadata.labels;
  const selectsRedis = (sel) => Object.entries(sel).every(([k, v]) => redisLabels[k] === v);
  check(selectsRedis(redisSvc.spec.selector) && !selects(redisSvc.spec.selector), "Redis Service selects the Redis pod only");
  check(!selectsRedis(deploy.spec.selector.matchLabels), "server Deployment does not select the Redis pod");
  check(np.spec.egress.some((r) => r.to.some((t) => t.podSelector && selectsRedis(t.podSelector.matchLabels)) &&
    r.ports.some((p) => p.port === redisPort)), `NetworkPolicy socialcheck: egress to the Redis pod on ${redisPort}`);
  check(selectsRedis(redisNp.spec.podSelector.matchLabels) &&
    redisNp.spec.ingress.every((r) => r.from.every((f) => f.podSelector && selects(f.podSelector.matchLabels))) &&
    redisNp.spec.ingress.every((r) => r.ports.every((p) => p.port === redisPort)) &&
    (redisNp.spec.egress ?? []).length === 0, "NetworkPolicy socialcheck-redis: only the server pods in, nothing out");
  const args = rc.args.join(" ");
  check(/--save  --appendonly no/.test(args) && /--requirepass \$\(REDIS_PASSWORD\)/.test(args),
    "Redis: no persistence, password from the Secret");
  check(rc.securityContext.readOnlyRootFilesystem === true && redisDeploy.spec.template.spec.securityContext.runAsNonRoot === true,
    "Redis: read-only root, non-root");
}

// Security context matches the image's user.
const dockerfile = fs.readFileSync(path.join(root, "Dockerfile"), "utf8");
const user = /^USER (\d+):(\d+)$/m.exec(dockerfile);
check(user && Number(user[1]) === pod.securityContext.runAsUser && Number(user[2]) === pod.securityContext.runAsGroup,
  `runAsUser/runAsGroup = Dockerfile USER ${user?.[1]}:${user?.[2]}`);
check(pod.securityContext.runAsNonRoot === true && pod.securityContext.seccompProfile?.type === "RuntimeDefault",
  "runAsNonRoot, seccomp RuntimeDefault");
check(c.securityContext.readOnlyRootFilesystem === true && c.securityContext.allowPrivilegeEscalation === false &&
  JSON.stringify(c.securityContext.capabilities.drop) === '["ALL"]', "read-only root, no privilege escalation, all capabilities dropped");
check(c.volumeMounts.some((m) => m.mountPath === "/tmp") , "/tmp is writable (emptyDir)");
check(pod.enableServiceLinks === false, "enableServiceLinks: false (no SOCIALCHECK_PORT=tcp://... from Service links)");
check(c.args.join(" ").includes("--config /etc/socialcheck/config/socialcheck.properties") &&
  c.volumeMounts.some((m) => m.mountPath === "/etc/socialcheck/config"), "--config points into the ConfigMap mount");
check(props["auth-tokens-file"].startsWith(c.volumeMounts.find((m) => m.name === "auth").mountPath + "/"),
  "auth-tokens-file lies in the Secret mount");
// --redis requires the cache key secret (a file from the Secret, never the environment).
if (redisDeploy) {
  const mount = c.volumeMounts.find((m) => m.name === "cache-key");
  const volume = pod.volumes.find((v) => v.name === "cache-key");
  const file = props["cache-key-secret-file"] ?? "";
  check(mount && volume?.secret?.secretName === "socialcheck-secrets" &&
    volume.secret.items.some((i) => file === `${mount.mountPath}/${i.path}` && i.key === "cache-key-secret"),
    `cache-key-secret-file ${file} is the Secret's key cache-key-secret, mounted`);
  check(!(c.env ?? []).some((e) => e.name === "SOCIALCHECK_CACHE_KEY_SECRET_FILE" || e.valueFrom?.secretKeyRef?.key === "cache-key-secret"),
    "the cache key secret is not in the environment");
}

// No secret values are applied or committed.
check(!objects.some((o) => o.kind === "Secret"), "the kustomization applies no Secret");
const example = fs.readFileSync(path.join(root, "deploy/kubernetes/secret.example.yaml"), "utf8");
const values = parseAllDocuments(example)[0].toJS().stringData;
check(Object.values(values).every((v) => /REPLACE/.test(v)), "secret.example.yaml holds placeholders only");

console.log(failures ? `consistency check: ${failures} FAILED` : "consistency check: all ok");
process.exit(failures ? 1 : 0);
