package io.distillery.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.distillery.cli.DistillCommand;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.KubernetesResource;
import io.fabric8.kubernetes.api.model.NodeSelectorTerm;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.batch.v1.CronJob;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPort;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import io.smallrye.config.WithName;
import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * Parses every manifest of k8s/ (and the root kustomization) with fabric8's Kubernetes model and checks it against
 * what the application really reads: application.properties, the @ConfigMapping/@ConfigProperty keys and the
 * environment variables in src/main/java, the routes/ folder, the Dockerfiles and the distill command's options. A
 * renamed port, key, option or route file makes it fail. Where kubectl or kustomize is installed, it also renders
 * the kustomization and checks the generated ConfigMaps and the name references to them.
 */
class DeploymentManifestsTest {
    private static final Path ROOT = Path.of("").toAbsolutePath();
    private static final Path K8S = ROOT.resolve("k8s");
    private static final String GATEWAY_IMAGE = "distillery-gateway";
    private static final String CUDA_IMAGE = "distillery-gateway-cuda";
    private static final String ROUTES_CONFIGMAP = "distillery-routes";
    private static final String LABELS_CONFIGMAP = "distillery-labels";
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    private static final KubernetesSerialization K8S_MODEL = new KubernetesSerialization();

    private static Properties props;
    private static List<HasMetadata> resources;
    private static Deployment gateway;
    private static Container gatewayContainer;
    private static CronJob distill;

    @BeforeAll
    static void load() throws IOException {
        assertTrue(Files.isRegularFile(ROOT.resolve("pom.xml")), "run from the repository root, not " + ROOT);
        props = new Properties();
        try (InputStream in = Files.newInputStream(ROOT.resolve("src/main/resources/application.properties"))) {
            props.load(in);
        }
        resources = new ArrayList<>();
        for (String file : list(kustomization(K8S), "resources")) {
            resources.addAll(parse(K8S.resolve(file)));
        }
        gateway = one(Deployment.class, "distillery-gateway");
        gatewayContainer = gateway.getSpec().getTemplate().getSpec().getContainers().get(0);
        distill = one(CronJob.class, "distillery-distill");
    }

    @Test
    void everyManifestIsListedAndParsesIntoTheTypedModel() throws IOException {
        Set<String> listed = new TreeSet<>(list(kustomization(K8S), "resources"));
        Set<String> onDisk;
        try (Stream<Path> files = Files.list(K8S)) {
            onDisk = files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".yaml"))
                    .filter(n -> !n.equals("kustomization.yaml") && !n.equals("secrets.example.yaml"))
                    .collect(Collectors.toCollection(TreeSet::new));
        }
        assertEquals(onDisk, listed, "k8s/*.yaml files and the resources of k8s/kustomization.yaml");
        assertEquals(List.of("k8s"), list(kustomization(ROOT), "resources"));
        // secrets.example.yaml too: it documents shapes that must be valid Secrets.
        assertTrue(parse(K8S.resolve("secrets.example.yaml")).stream().allMatch(r -> r instanceof Secret));
        assertTrue(resources.size() >= 10, "resources parsed: " + resources.size());
    }

    @Test
    void selectorsMatchTheirPodsAndNamesAreConsistent() {
        Map<String, Map<String, String>> podLabels = new LinkedHashMap<>();
        for (HasMetadata r : resources) {
            PodTemplateSpec t = podTemplate(r);
            if (t == null) {
                continue;
            }
            Map<String, String> labels = t.getMetadata().getLabels();
            Map<String, String> selector = r instanceof Deployment d ? d.getSpec().getSelector().getMatchLabels()
                    : r instanceof StatefulSet s ? s.getSpec().getSelector().getMatchLabels() : Map.of();
            assertTrue(labels.entrySet().containsAll(selector.entrySet()), r.getKind() + " " + name(r)
                    + ": selector " + selector + " does not select its own pods " + labels);
            assertEquals(name(r), labels.get("app.kubernetes.io/name"), r.getKind() + " pod name label");
            podLabels.put(r.getKind() + "/" + name(r), labels);
        }
        for (Service s : all(Service.class)) {
            assertSelectsSomePods("Service " + name(s), s.getSpec().getSelector(), podLabels);
        }
        for (NetworkPolicy p : all(NetworkPolicy.class)) {
            assertSelectsSomePods("NetworkPolicy " + name(p), p.getSpec().getPodSelector().getMatchLabels(), podLabels);
        }
        for (PodDisruptionBudget b : all(PodDisruptionBudget.class)) {
            assertSelectsSomePods("PodDisruptionBudget " + name(b), b.getSpec().getSelector().getMatchLabels(),
                    podLabels);
        }
        StatefulSet db = one(StatefulSet.class, "distillery-postgres");
        assertEquals("distillery-postgres", db.getSpec().getServiceName());
        one(Service.class, db.getSpec().getServiceName());
        assertTrue(gateway.getSpec().getReplicas() >= 2, "the gateway is scaled out");
    }

    @Test
    void portsEqualTheContainersAndTheConfiguredDefaults() throws Exception {
        int dicom = Integer.parseInt(props.getProperty("distillery.scp.port"));
        int http = Integer.parseInt(props.getProperty("quarkus.http.port"));
        Method scpPort = io.distillery.gateway.GatewayConfig.Scp.class.getMethod("port");
        assertEquals(dicom, Integer.parseInt(scpPort.getAnnotation(WithDefault.class).value()),
                "GatewayConfig default and application.properties agree on the DICOM port");

        Map<String, Integer> ports = gatewayContainer.getPorts().stream()
                .collect(Collectors.toMap(ContainerPort::getName, ContainerPort::getContainerPort));
        assertEquals(Map.of("dicom", dicom, "http", http), ports, "gateway container ports");
        assertEquals(String.valueOf(dicom), env(gatewayContainer, "DISTILLERY_SCP_PORT"));
        assertEquals(String.valueOf(http), env(gatewayContainer, "QUARKUS_HTTP_PORT"));
        for (String probe : List.of("ready", "live")) {
            String path = "/q/health/" + probe;
            var p = probe.equals("ready") ? gatewayContainer.getReadinessProbe() : gatewayContainer.getLivenessProbe();
            assertEquals(path, p.getHttpGet().getPath());
            assertEquals(http, resolvePort(p.getHttpGet().getPort().getStrVal(), ports));
        }

        assertEquals(String.valueOf(http), gateway.getSpec().getTemplate().getMetadata().getAnnotations()
                .get("prometheus.io/port"), "metrics are scraped on the HTTP port");

        Set<String> dicomServices = new TreeSet<>();
        for (Service s : all(Service.class)) {
            if (!"distillery-gateway".equals(s.getSpec().getSelector().get("app.kubernetes.io/name"))) {
                continue;
            }
            for (ServicePort sp : s.getSpec().getPorts()) {
                int target = resolvePort(sp.getTargetPort().getStrVal(), ports);
                assertEquals(target, sp.getPort(), name(s) + " port " + sp.getName() + " equals the container's");
                assertEquals(ports.get(sp.getName()), target, name(s) + " port name " + sp.getName());
                if (sp.getName().equals("dicom")) {
                    dicomServices.add(name(s));
                }
            }
        }
        assertEquals(Set.of("distillery-gateway", "distillery-gateway-dicom"), dicomServices);
        Service external = one(Service.class, "distillery-gateway-dicom");
        assertEquals(List.of("dicom"), external.getSpec().getPorts().stream().map(ServicePort::getName).toList(),
                "only DICOM leaves the cluster");
        assertEquals("Local", external.getSpec().getExternalTrafficPolicy(),
                "the NetworkPolicy's CIDRs need the sender's own address");

        NetworkPolicy policy = one(NetworkPolicy.class, "distillery-gateway");
        Set<Integer> policyPorts = new TreeSet<>();
        for (var rule : policy.getSpec().getIngress()) {
            for (NetworkPolicyPort p : rule.getPorts()) {
                policyPorts.add(p.getPort().getIntVal());
            }
            boolean dicomRule = rule.getPorts().stream().anyMatch(p -> p.getPort().getIntVal() == dicom);
            if (dicomRule) {
                assertFalse(rule.getFrom().isEmpty(), "the DICOM port is not open to everyone");
                rule.getFrom().forEach(peer -> assertNotNull(peer.getIpBlock(),
                        "the DICOM port opens to address ranges only: " + peer));
            }
        }
        assertEquals(new TreeSet<>(ports.values()), policyPorts, "NetworkPolicy ports");

        for (String dockerfile : List.of("Dockerfile.jvm", "Dockerfile.jvm-cuda")) {
            String text = Files.readString(ROOT.resolve("src/main/docker").resolve(dockerfile));
            Matcher m = Pattern.compile("(?m)^EXPOSE\\s+(.+)$").matcher(text);
            assertTrue(m.find(), dockerfile + " EXPOSE");
            assertEquals(new TreeSet<>(ports.values()), Stream.of(m.group(1).trim().split("\\s+"))
                    .map(Integer::valueOf).collect(Collectors.toCollection(TreeSet::new)), dockerfile + " EXPOSE");
        }
    }

    @Test
    void everyEnvironmentVariableIsAKeyOrAVariableTheCodeReads() throws IOException {
        Set<String> keyVars = configKeys().stream().map(DeploymentManifestsTest::envName)
                .collect(Collectors.toCollection(TreeSet::new));
        Set<String> codeVars = environmentVariablesReadByCode();
        for (HasMetadata r : resources) {
            PodTemplateSpec t = podTemplate(r);
            if (t == null) {
                continue;
            }
            List<Container> containers = new java.util.ArrayList<>(t.getSpec().getContainers());
            containers.addAll(Optional.ofNullable(t.getSpec().getInitContainers()).orElse(List.of()));
            for (Container c : containers) {
                if (!c.getImage().startsWith(GATEWAY_IMAGE)) {
                    continue; // PostgreSQL's own variables
                }
                String args = String.join(" ", Optional.ofNullable(c.getArgs()).orElse(List.of()));
                for (EnvVar e : c.getEnv()) {
                    boolean expandedInArgs = args.contains("$(" + e.getName() + ")");
                    assertTrue(keyVars.contains(e.getName()) || codeVars.contains(e.getName()) || expandedInArgs,
                            name(r) + ": " + e.getName() + " is no configuration key the application reads "
                                    + "(@ConfigMapping, @ConfigProperty, {{placeholder}} in routes/, framework key) "
                                    + "and no variable the code reads");
                    if (e.getName().matches(".*(PASSWORD|SECRET).*")) {
                        assertTrue(e.getValueFrom() != null && e.getValueFrom().getSecretKeyRef() != null,
                                name(r) + ": " + e.getName() + " must come from a Secret");
                    }
                }
            }
        }
        // The ones a deployment cannot do without, by their real names.
        assertEquals("0.0.0.0", env(gatewayContainer, envName("distillery.scp.bind-address")));
        assertEquals("0.0.0.0", env(gatewayContainer, envName("quarkus.http.host")));
        assertNotNull(secretRef(gatewayContainer, props.getProperty("distillery.deid.secret-env")),
                "the variable named by distillery.deid.secret-env comes from a Secret");
        assertNotNull(secretRef(gatewayContainer, envName("distillery.store.password")));
        for (String key : List.of("distillery.store.jdbc-url", "distillery.study-aggregation.jdbc-url")) {
            String url = env(gatewayContainer, envName(key));
            Matcher m = Pattern.compile("jdbc:postgresql://([a-z0-9-]+):(\\d+)/\\w+").matcher(url);
            assertTrue(m.matches(), key + " = " + url);
            Service db = one(Service.class, m.group(1));
            assertTrue(db.getSpec().getPorts().stream().anyMatch(p -> p.getPort() == Integer.parseInt(m.group(2))),
                    key + " names a port of Service " + m.group(1));
        }

        for (String dockerfile : List.of("Dockerfile.jvm", "Dockerfile.jvm-cuda")) {
            String text = Files.readString(ROOT.resolve("src/main/docker").resolve(dockerfile));
            Matcher env = Pattern.compile("(?m)^\\s*(?:ENV\\s+)?((?:DISTILLERY|QUARKUS)_[A-Z0-9_]+)=").matcher(text);
            int seen = 0;
            while (env.find()) {
                assertTrue(keyVars.contains(env.group(1)), dockerfile + ": " + env.group(1) + " is no key read");
                seen++;
            }
            assertTrue(seen >= 3, dockerfile + " sets the writable folders");
        }
    }

    @Test
    void volumesAreMountedWhereTheConfigurationPoints() throws IOException {
        PodSpec pod = gateway.getSpec().getTemplate().getSpec();
        String workdir = gatewayContainer.getWorkingDir();
        String pattern = props.getProperty("camel.main.routes-include-pattern");
        Matcher m = Pattern.compile("file:([^*]+)/\\*\\.yaml").matcher(pattern);
        assertTrue(m.matches(), "routes-include-pattern " + pattern);
        assertEquals(workdir + "/" + m.group(1), mountOf(pod, gatewayContainer, v -> v.getConfigMap() != null
                && v.getConfigMap().getName().startsWith(ROUTES_CONFIGMAP)), "routes ConfigMap mount");

        assertEquals(env(gatewayContainer, envName("distillery.scp.spool-dir")),
                mountOf(pod, gatewayContainer, v -> v.getEphemeral() != null), "spool: a per-pod volume");
        String claim = "distillery-store";
        assertEquals(env(gatewayContainer, envName("distillery.store.dir")), mountOf(pod, gatewayContainer,
                v -> v.getPersistentVolumeClaim() != null && claim.equals(v.getPersistentVolumeClaim().getClaimName())),
                "store: the shared claim");
        assertTrue(one(PersistentVolumeClaim.class, claim).getSpec().getAccessModes().contains("ReadWriteMany"),
                "all replicas mount the store folder");

        Path labels = Path.of(env(gatewayContainer, envName("distillery.labels.csv")));
        assertEquals(labels.getParent().toString(), mountOf(pod, gatewayContainer, v -> v.getConfigMap() != null
                && v.getConfigMap().getName().startsWith(LABELS_CONFIGMAP)), "labels ConfigMap mount");
        assertTrue(generatorFiles(K8S, LABELS_CONFIGMAP).contains(labels.getFileName().toString()));

        Path signing = Path.of(env(gatewayContainer, "DISTILLERY_SIGNING_KEY"));
        assertEquals(signing.getParent().toString(), mountOf(pod, gatewayContainer,
                v -> v.getSecret() != null && v.getSecret().getSecretName().equals("distillery-signing-key")));
        assertEquals(Set.of(signing.getFileName().toString(), signing.getFileName() + ".pub"),
                secretKeys("distillery-signing-key"), "the key file and the .pub file SigningKeys reads beside it");

        assertTrue(gatewayContainer.getSecurityContext().getReadOnlyRootFilesystem());
        assertEquals("/tmp", mountOf(pod, gatewayContainer, v -> v.getEmptyDir() != null));
        assertTrue(pod.getSecurityContext().getRunAsNonRoot());
        for (String dockerfile : List.of("Dockerfile.jvm", "Dockerfile.jvm-cuda")) {
            String text = Files.readString(ROOT.resolve("src/main/docker").resolve(dockerfile));
            assertTrue(text.contains("\nWORKDIR " + workdir + "\n"), dockerfile + " WORKDIR equals the pod's");
            assertTrue(text.contains("routes/ " + workdir + "/" + m.group(1) + "/"), dockerfile + " ships routes/");
            assertTrue(text.contains("\nUSER " + pod.getSecurityContext().getRunAsUser() + ":"),
                    dockerfile + " runs as the pods' uid");
        }
    }

    @Test
    void theRoutesConfigMapIsGeneratedFromEveryRouteFile() throws Exception {
        Set<String> routeFiles;
        try (Stream<Path> files = Files.list(ROOT.resolve("routes"))) {
            routeFiles = files.map(p -> "routes/" + p.getFileName()).filter(n -> n.endsWith(".yaml"))
                    .collect(Collectors.toCollection(TreeSet::new));
        }
        assertFalse(routeFiles.isEmpty());
        assertEquals(routeFiles, new TreeSet<>(generatorFiles(ROOT, ROUTES_CONFIGMAP)),
                "the root kustomization's configMapGenerator lists every routes/*.yaml");

        Optional<List<String>> kustomize = kustomizeCommand();
        if (kustomize.isEmpty()) {
            System.out.println("DeploymentManifestsTest: no kubectl/kustomize on PATH; rendering not checked");
            return;
        }
        List<HasMetadata> rendered = render(kustomize.get(), ROOT);
        var configMaps = rendered.stream().filter(r -> r instanceof io.fabric8.kubernetes.api.model.ConfigMap)
                .map(r -> (io.fabric8.kubernetes.api.model.ConfigMap) r).toList();
        var routes = configMaps.stream().filter(c -> name(c).startsWith(ROUTES_CONFIGMAP + "-")).findFirst()
                .orElseThrow(() -> new AssertionError("no generated routes ConfigMap in " + configMaps));
        for (String file : routeFiles) {
            String key = Path.of(file).getFileName().toString();
            assertEquals(Files.readString(ROOT.resolve(file)), routes.getData().get(key), "rendered " + key);
        }
        assertEquals(routeFiles.size(), routes.getData().size());
        Deployment d = rendered.stream().filter(r -> r instanceof Deployment).map(r -> (Deployment) r)
                .findFirst().orElseThrow();
        Set<String> mounted = d.getSpec().getTemplate().getSpec().getVolumes().stream()
                .filter(v -> v.getConfigMap() != null).map(v -> v.getConfigMap().getName())
                .collect(Collectors.toSet());
        Set<String> generated = configMaps.stream().map(DeploymentManifestsTest::name).collect(Collectors.toSet());
        assertEquals(generated, mounted, "the Deployment mounts the generated (hash-suffixed) ConfigMaps");
    }

    @Test
    void theSiteOverlayOfTheDeployGuideDoesWhatItSays() throws Exception {
        Optional<List<String>> kustomize = kustomizeCommand();
        assumeTrue(kustomize.isPresent(), "no kubectl/kustomize on PATH");
        Matcher block = Pattern.compile("<!-- site-overlay[^>]*-->\\s*```yaml\\n(.*?)```", Pattern.DOTALL)
                .matcher(Files.readString(ROOT.resolve("docs/deploy.md")));
        assertTrue(block.find(), "docs/deploy.md has the site overlay block");
        // The guide puts the overlay in site/ beside the clone, which it calls distillery/.
        Path dir = Files.createTempDirectory("distillery-site");
        Path clone = Files.createSymbolicLink(dir.resolve("distillery"), ROOT);
        Path site = Files.createDirectories(dir.resolve("site"));
        String labels = "accession_number,label\nA0001,pneumonia\n";
        List<HasMetadata> rendered;
        try {
            Files.writeString(site.resolve("kustomization.yaml"), block.group(1));
            Files.writeString(site.resolve("labels.csv"), labels);
            rendered = render(kustomize.get(), site);
        } finally {
            for (Path p : List.of(site.resolve("kustomization.yaml"), site.resolve("labels.csv"), site, clone, dir)) {
                Files.deleteIfExists(p);
            }
        }
        assertTrue(rendered.stream().allMatch(r -> "distillery".equals(r.getMetadata().getNamespace())), "namespace");
        Map<String, HasMetadata> byKindAndName = rendered.stream()
                .collect(Collectors.toMap(r -> r.getKind() + "/" + name(r), r -> r));
        Deployment d = (Deployment) byKindAndName.get("Deployment/distillery-gateway");
        assertEquals(3, d.getSpec().getReplicas());
        assertEquals("registry.hospital.example/distillery/gateway:0.1.0",
                d.getSpec().getTemplate().getSpec().getContainers().get(0).getImage());
        CronJob j = (CronJob) byKindAndName.get("CronJob/distillery-distill");
        assertEquals("registry.hospital.example/distillery/gateway-cuda:0.1.0",
                podTemplate(j).getSpec().getContainers().get(0).getImage());
        var pvc = (PersistentVolumeClaim) byKindAndName.get("PersistentVolumeClaim/distillery-store");
        assertEquals("nfs-client", pvc.getSpec().getStorageClassName());
        // The patch replaces rule 0: it must still be the DICOM rule, now with the site's ranges.
        var policy = (NetworkPolicy) byKindAndName.get("NetworkPolicy/distillery-gateway");
        var rule = policy.getSpec().getIngress().get(0);
        assertEquals(List.of(Integer.parseInt(props.getProperty("distillery.scp.port"))),
                rule.getPorts().stream().map(p -> p.getPort().getIntVal()).toList());
        assertEquals(List.of("10.20.30.0/24", "10.40.0.0/16"),
                rule.getFrom().stream().map(f -> f.getIpBlock().getCidr()).toList());
        var labelMap = rendered.stream().filter(r -> r instanceof io.fabric8.kubernetes.api.model.ConfigMap)
                .map(r -> (io.fabric8.kubernetes.api.model.ConfigMap) r)
                .filter(c -> name(c).startsWith(LABELS_CONFIGMAP + "-")).toList();
        assertEquals(1, labelMap.size());
        assertEquals(labels, labelMap.get(0).getData().get("labels.csv"), "the site's label manifest replaces ours");
        assertTrue(d.getSpec().getTemplate().getSpec().getVolumes().stream()
                .anyMatch(v -> v.getConfigMap() != null && v.getConfigMap().getName().equals(name(labelMap.get(0)))));
    }

    @Test
    void theDistillationStepRunsDistillOnOneSupportedGpu() {
        PodSpec pod = distill.getSpec().getJobTemplate().getSpec().getTemplate().getSpec();
        Container c = pod.getContainers().get(0);
        assertEquals(CUDA_IMAGE, c.getImage());
        assertEquals(new Quantity("1"), c.getResources().getRequests().get("nvidia.com/gpu"));
        assertEquals(new Quantity("1"), c.getResources().getLimits().get("nvidia.com/gpu"));
        assertTrue(distill.getSpec().getSuspend(), "applying the manifests starts no GPU work");

        // The arguments are real options of the distill command, with paths on the mounted volume.
        List<String> args = c.getArgs();
        assertEquals("distill", args.get(0));
        CommandLine.Model.CommandSpec spec = new CommandLine(new DistillCommand()).getCommandSpec();
        assertEquals("distill", spec.name());
        for (String a : args.subList(1, args.size())) {
            if (a.startsWith("--")) {
                assertNotNull(spec.findOption(a), "distill has no option " + a);
            }
        }
        String volume = mountOf(pod, c, v -> v.getPersistentVolumeClaim() != null);
        for (String option : List.of("--data", "--out")) {
            String value = args.get(args.indexOf(option) + 1);
            assertTrue(value.startsWith(volume + "/"), option + " " + value + " lies on the mounted volume " + volume);
        }
        one(PersistentVolumeClaim.class, pod.getVolumes().stream().filter(v -> v.getPersistentVolumeClaim() != null)
                .findFirst().orElseThrow().getPersistentVolumeClaim().getClaimName());

        // Its init container exports that cohort from the gateway's shared store: real `cohort export` options, the
        // gateway's labels in the gateway's order, the same database and credentials from the same Secret.
        Container export = pod.getInitContainers().get(0);
        assertEquals(GATEWAY_IMAGE, export.getImage(), "the CPU image exports; only distilling needs the GPU");
        List<String> exportArgs = export.getArgs();
        assertEquals(List.of("cohort", "export"), exportArgs.subList(0, 2));
        CommandLine.Model.CommandSpec exportSpec = new CommandLine(new io.distillery.cli.DistilleryCommand())
                .getSubcommands().get("cohort").getSubcommands().get("export").getCommandSpec();
        for (String a : exportArgs.subList(2, exportArgs.size())) {
            if (a.startsWith("--")) {
                assertNotNull(exportSpec.findOption(a), "cohort export has no option " + a);
            }
        }
        assertEquals(props.getProperty("distillery.distillation.labels"),
                exportArgs.get(exportArgs.indexOf("--labels") + 1));
        assertEquals(args.get(args.indexOf("--data") + 1), exportArgs.get(exportArgs.indexOf("--out") + 1),
                "distill reads what the export wrote");
        assertEquals(volume, mountOf(pod, export, v -> v.getPersistentVolumeClaim() != null));
        assertEquals("$(DISTILLERY_STORE_JDBC_URL)", exportArgs.get(exportArgs.indexOf("--jdbc-url") + 1));
        assertEquals(env(gatewayContainer, "DISTILLERY_STORE_JDBC_URL"), env(export, "DISTILLERY_STORE_JDBC_URL"));
        for (String v : List.of("DISTILLERY_STORE_USERNAME", "DISTILLERY_STORE_PASSWORD")) {
            assertEquals(String.valueOf(secretRef(gatewayContainer, v)), String.valueOf(secretRef(export, v)), v);
        }
        // ...and the database's NetworkPolicy lets the job's pods in.
        NetworkPolicy db = one(NetworkPolicy.class, "distillery-postgres");
        String jobName = distill.getSpec().getJobTemplate().getSpec().getTemplate().getMetadata().getLabels()
                .get("app.kubernetes.io/name");
        assertTrue(db.getSpec().getIngress().stream().flatMap(r -> r.getFrom().stream())
                .anyMatch(f -> f.getPodSelector() != null
                        && jobName.equals(f.getPodSelector().getMatchLabels().get("app.kubernetes.io/name"))),
                "distillery-postgres admits " + jobName);

        // Every node a term admits has a GPU of compute capability 3.7 to 8.6 (ND4J CUDA 11.6's binaries, no PTX):
        // never Hopper (9.0) or later, never a 3.0/3.5 or an 8.9 by an unbounded minor.
        List<NodeSelectorTerm> terms = pod.getAffinity().getNodeAffinity()
                .getRequiredDuringSchedulingIgnoredDuringExecution().getNodeSelectorTerms();
        assertFalse(terms.isEmpty());
        for (NodeSelectorTerm t : terms) {
            List<String> majors = values(t, "nvidia.com/gpu.compute.major");
            List<String> minors = values(t, "nvidia.com/gpu.compute.minor");
            assertFalse(majors.isEmpty(), "a term without nvidia.com/gpu.compute.major admits any GPU: " + t);
            for (String major : majors) {
                int mj = Integer.parseInt(major);
                if (minors.isEmpty()) {
                    assertTrue(mj > 3 && mj < 8, "major " + mj + " needs a minor bound to stay within 3.7-8.6");
                }
                for (String minor : minors) {
                    int cc = mj * 10 + Integer.parseInt(minor);
                    assertTrue(cc >= 37 && cc <= 86, "compute capability " + mj + "." + minor + " outside 3.7-8.6");
                }
            }
        }
        assertTrue(Files.isRegularFile(ROOT.resolve("src/main/docker/Dockerfile.jvm-cuda")));
    }

    @Test
    void noSecretHoldsAValue() throws IOException {
        assertTrue(all(Secret.class).isEmpty(), "Secrets come from the cluster's secret store, not from k8s/");
        JsonNode k = kustomization(K8S);
        assertFalse(k.has("secretGenerator") || kustomization(ROOT).has("secretGenerator"), "no secretGenerator");
        List<HasMetadata> examples = parse(K8S.resolve("secrets.example.yaml"));
        assertFalse(examples.isEmpty());
        for (HasMetadata r : examples) {
            Secret s = (Secret) r;
            Map<String, String> values = new LinkedHashMap<>();
            Optional.ofNullable(s.getData()).ifPresent(values::putAll);
            Optional.ofNullable(s.getStringData()).ifPresent(values::putAll);
            assertFalse(values.isEmpty(), name(s));
            values.forEach((key, value) -> assertEquals("", value, name(s) + "." + key + " holds a value"));
        }
        // Every Secret a pod refers to is documented there, with the key the pod reads.
        for (HasMetadata r : resources) {
            PodTemplateSpec t = podTemplate(r);
            if (t == null) {
                continue;
            }
            for (Container c : t.getSpec().getContainers()) {
                for (EnvVar e : c.getEnv()) {
                    if (e.getValueFrom() != null && e.getValueFrom().getSecretKeyRef() != null) {
                        var ref = e.getValueFrom().getSecretKeyRef();
                        assertTrue(secretKeys(ref.getName()).contains(ref.getKey()), name(r) + ": " + ref);
                    }
                }
            }
            for (Volume v : t.getSpec().getVolumes()) {
                if (v.getSecret() != null) {
                    assertFalse(secretKeys(v.getSecret().getSecretName()).isEmpty(), name(r) + ": " + v.getName());
                }
            }
        }
    }

    // ---- configuration the application really reads

    /**
     * Keys the application reads: framework keys (quarkus.*, camel.*, ...) set in application.properties, and
     * distillery.* keys only where code or routes read them (@ConfigMapping leaves, @ConfigProperty names,
     * {{placeholders}} in routes/*.yaml), so a key renamed in the code no longer counts even if a stale line for
     * it is left in application.properties.
     */
    private static Set<String> configKeys() throws IOException {
        Set<String> keys = props.stringPropertyNames().stream().filter(k -> !k.startsWith("distillery."))
                .collect(Collectors.toCollection(TreeSet::new));
        try (Stream<Path> routes = Files.list(ROOT.resolve("routes"))) {
            for (Path route : routes.toList()) {
                Matcher placeholder = Pattern.compile("\\{\\{([a-z][a-z0-9.-]*)}}").matcher(Files.readString(route));
                while (placeholder.find()) {
                    keys.add(placeholder.group(1));
                }
            }
        }
        Pattern property = Pattern.compile("@ConfigProperty\\(name\\s*=\\s*\"([^\"]+)\"");
        for (Path src : javaSources()) {
            String code = Files.readString(src);
            Matcher p = property.matcher(code);
            while (p.find()) {
                keys.add(p.group(1));
            }
            if (code.contains("@ConfigMapping")) {
                String className = ROOT.resolve("src/main/java").relativize(src).toString()
                        .replace(".java", "").replace('/', '.');
                try {
                    addMappings(Class.forName(className), keys);
                } catch (ClassNotFoundException e) {
                    fail("@ConfigMapping class " + className + " not on the test classpath");
                }
            }
        }
        return keys;
    }

    /** The keys of every @ConfigMapping interface in {@code type} or among its member classes, at any depth. */
    private static void addMappings(Class<?> type, Set<String> keys) {
        ConfigMapping mapping = type.getAnnotation(ConfigMapping.class);
        if (mapping != null) {
            addMappingKeys(type, mapping.prefix(), keys);
        }
        for (Class<?> member : type.getDeclaredClasses()) {
            addMappings(member, keys);
        }
    }

    /** Method names in kebab case (or @WithName); a method returning one of our own interfaces is a group. */
    private static void addMappingKeys(Class<?> type, String prefix, Set<String> keys) {
        for (Method method : type.getDeclaredMethods()) {
            if (Modifier.isStatic(method.getModifiers()) || method.isDefault() || method.getParameterCount() > 0) {
                continue;
            }
            WithName named = method.getAnnotation(WithName.class);
            String key = prefix + "." + (named != null ? named.value() : kebab(method.getName()));
            Class<?> result = method.getReturnType();
            if (result.isInterface() && result.getName().startsWith("io.distillery.")) {
                addMappingKeys(result, key, keys);
            } else {
                keys.add(key);
            }
        }
    }

    /** Variables src/main/java reads by name: {@code getenv("X")} and the deid secret variable's default. */
    private static Set<String> environmentVariablesReadByCode() throws IOException {
        Set<String> vars = new TreeSet<>();
        Pattern getenv = Pattern.compile("getenv\\(\"([A-Z0-9_]+)\"\\)");
        for (Path src : javaSources()) {
            Matcher m = getenv.matcher(Files.readString(src));
            while (m.find()) {
                vars.add(m.group(1));
            }
        }
        vars.add(props.getProperty("distillery.deid.secret-env"));
        return vars;
    }

    private static List<Path> javaSources() throws IOException {
        try (Stream<Path> files = Files.walk(ROOT.resolve("src/main/java"))) {
            return files.filter(p -> p.toString().endsWith(".java")).toList();
        }
    }

    /** SmallRye Config's environment name of a key: upper case, every other character an underscore. */
    static String envName(String key) {
        return key.replaceAll("[^A-Za-z0-9]", "_").toUpperCase();
    }

    private static String kebab(String camel) {
        return camel.replaceAll("([a-z0-9])([A-Z])", "$1-$2").toLowerCase();
    }

    // ---- manifests

    private static JsonNode kustomization(Path dir) throws IOException {
        return YAML.readTree(dir.resolve("kustomization.yaml").toFile());
    }

    private static List<String> list(JsonNode node, String field) {
        List<String> out = new ArrayList<>();
        node.path(field).forEach(n -> out.add(n.asText()));
        return out;
    }

    private static List<String> generatorFiles(Path dir, String configMap) throws IOException {
        for (JsonNode g : kustomization(dir).path("configMapGenerator")) {
            if (configMap.equals(g.path("name").asText())) {
                return list(g, "files");
            }
        }
        throw new AssertionError(dir.relativize(ROOT) + "kustomization.yaml has no configMapGenerator " + configMap);
    }

    /** Every document of a YAML file, as typed fabric8 objects, with no field the model does not know. */
    private static List<HasMetadata> parse(Path file) throws IOException {
        List<HasMetadata> out = new ArrayList<>();
        for (String doc : Files.readString(file).split("(?m)^---\\s*$")) {
            if (YAML.readTree(doc) == null) {
                continue;
            }
            KubernetesResource r = K8S_MODEL.unmarshal(doc, KubernetesResource.class);
            String where = file.getFileName() + " " + r.getClass().getSimpleName();
            assertFalse(r instanceof GenericKubernetesResource, where + ": kind unknown to the Kubernetes model");
            List<String> unknown = new ArrayList<>();
            unknownFields(r, "", unknown);
            assertEquals(List.of(), unknown, where + ": fields the Kubernetes model does not know (typos?)");
            out.add((HasMetadata) r);
        }
        return out;
    }

    /** Paths of fields fabric8 could not map (it keeps them as "additional properties" instead of failing). */
    private static void unknownFields(Object o, String path, List<String> out) {
        if (o instanceof Collection<?> c) {
            int i = 0;
            for (Object e : c) {
                unknownFields(e, path + "[" + i++ + "]", out);
            }
            return;
        }
        if (o instanceof Map<?, ?> m) {
            m.forEach((k, v) -> unknownFields(v, path + "." + k, out));
            return;
        }
        if (o == null || !o.getClass().getName().startsWith("io.fabric8.kubernetes.api.model")) {
            return;
        }
        for (Method g : o.getClass().getMethods()) {
            if (g.getParameterCount() != 0 || !g.getName().startsWith("get") || g.getDeclaringClass() == Object.class) {
                continue;
            }
            try {
                Object v = g.invoke(o);
                if (g.getName().equals("getAdditionalProperties")) {
                    if (v instanceof Map<?, ?> extra && !extra.isEmpty()) {
                        out.add(path + " " + extra.keySet());
                    }
                } else {
                    unknownFields(v, path + "." + g.getName().substring(3), out);
                }
            } catch (ReflectiveOperationException e) {
                throw new AssertionError(g.toString(), e);
            }
        }
    }

    private static List<String> values(NodeSelectorTerm term, String label) {
        return term.getMatchExpressions().stream().filter(e -> e.getKey().equals(label))
                .peek(e -> assertEquals("In", e.getOperator(), label)).flatMap(e -> e.getValues().stream()).toList();
    }

    private static <T extends HasMetadata> List<T> all(Class<T> type) {
        return resources.stream().filter(type::isInstance).map(type::cast).toList();
    }

    private static <T extends HasMetadata> T one(Class<T> type, String name) {
        return all(type).stream().filter(r -> name.equals(name(r))).findFirst()
                .orElseThrow(() -> new AssertionError("no " + type.getSimpleName() + " " + name + " in k8s/"));
    }

    private static String name(HasMetadata r) {
        return r.getMetadata().getName();
    }

    private static PodTemplateSpec podTemplate(HasMetadata r) {
        if (r instanceof Deployment d) {
            return d.getSpec().getTemplate();
        }
        if (r instanceof StatefulSet s) {
            return s.getSpec().getTemplate();
        }
        if (r instanceof CronJob j) {
            return j.getSpec().getJobTemplate().getSpec().getTemplate();
        }
        return null;
    }

    private static void assertSelectsSomePods(String what, Map<String, String> selector,
            Map<String, Map<String, String>> podLabels) {
        assertFalse(selector == null || selector.isEmpty(), what + " selects everything");
        assertTrue(podLabels.values().stream().anyMatch(l -> l.entrySet().containsAll(selector.entrySet())),
                what + ": selector " + selector + " matches no pod of " + podLabels.keySet());
    }

    private static int resolvePort(String name, Map<String, Integer> ports) {
        assertNotNull(name, "ports are referred to by name");
        Integer p = ports.get(name);
        assertNotNull(p, "no container port named " + name);
        return p;
    }

    private static String env(Container c, String name) {
        return c.getEnv().stream().filter(e -> e.getName().equals(name)).findFirst()
                .map(EnvVar::getValue).orElseThrow(() -> new AssertionError(c.getName() + " does not set " + name));
    }

    private static Object secretRef(Container c, String name) {
        return c.getEnv().stream().filter(e -> e.getName().equals(name)).findFirst()
                .map(e -> e.getValueFrom() == null ? null : e.getValueFrom().getSecretKeyRef()).orElse(null);
    }

    private static String mountOf(PodSpec pod, Container c, java.util.function.Predicate<Volume> volume) {
        List<String> names = pod.getVolumes().stream().filter(volume).map(Volume::getName).toList();
        assertEquals(1, names.size(), "volumes matching: " + names);
        return c.getVolumeMounts().stream().filter(m -> m.getName().equals(names.get(0))).findFirst()
                .map(VolumeMount::getMountPath).orElseThrow(() -> new AssertionError(names.get(0) + " not mounted"));
    }

    private static Set<String> secretKeys(String secret) {
        try {
            for (HasMetadata r : parse(K8S.resolve("secrets.example.yaml"))) {
                if (name(r).equals(secret)) {
                    return ((Secret) r).getStringData().keySet();
                }
            }
        } catch (IOException e) {
            throw new AssertionError(e);
        }
        throw new AssertionError("secret " + secret + " is not documented in k8s/secrets.example.yaml");
    }

    // ---- kustomize, where installed

    /** kubectl's built-in kustomize or a kustomize binary, of major version 5 or later (older lack `labels`). */
    private static Optional<List<String>> kustomizeCommand() {
        Map<List<String>, List<String>> versionCommands = new LinkedHashMap<>();
        versionCommands.put(List.of("kubectl", "kustomize"), List.of("kubectl", "version", "--client"));
        versionCommands.put(List.of("kustomize", "build"), List.of("kustomize", "version"));
        for (var candidate : versionCommands.entrySet()) {
            try {
                Process p = new ProcessBuilder(candidate.getValue()).redirectErrorStream(true).start();
                String out = new String(p.getInputStream().readAllBytes());
                Matcher v = Pattern.compile("(?:Kustomize Version: |^)v(\\d+)\\.", Pattern.MULTILINE).matcher(out);
                if (p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0 && v.find()
                        && Integer.parseInt(v.group(1)) >= 5) {
                    return Optional.of(candidate.getKey());
                }
            } catch (IOException | InterruptedException e) {
                // not installed: try the next one
            }
        }
        return Optional.empty();
    }

    private static List<HasMetadata> render(List<String> kustomize, Path dir) throws Exception {
        List<String> cmd = new ArrayList<>(kustomize);
        cmd.add(dir.toString());
        Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        byte[] out = p.getInputStream().readAllBytes();
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "kustomize timed out");
        assertEquals(0, p.exitValue(), String.join(" ", cmd) + " failed");
        Path rendered = Files.createTempFile("distillery-k8s", ".yaml");
        try {
            Files.write(rendered, out);
            return parse(rendered);
        } finally {
            Files.delete(rendered);
        }
    }
}
