package io.distillery.camel;

import io.distillery.dicom.DicomException;
import io.distillery.dicom.net.AccessControl;
import io.distillery.dicom.net.ClientConfig;
import io.distillery.dicom.net.DuplicatePolicy;
import io.distillery.dicom.net.RemoteAe;
import io.distillery.dicom.net.TlsConfig;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.camel.Category;
import org.apache.camel.Consumer;
import org.apache.camel.Processor;
import org.apache.camel.Producer;
import org.apache.camel.spi.IdempotentRepository;
import org.apache.camel.spi.Metadata;
import org.apache.camel.spi.UriEndpoint;
import org.apache.camel.spi.UriParam;
import org.apache.camel.spi.UriPath;
import org.apache.camel.support.DefaultEndpoint;

/**
 * DICOM networking (DIMSE over TCP, optionally TLS) and DICOMweb (over Camel's HTTP component): receive instances as
 * a Storage SCP, send them with C-STORE or STOW-RS, query with C-FIND or QIDO-RS, retrieve with C-MOVE, C-GET or
 * WADO-RS.
 */
@UriEndpoint(firstVersion = "0.1.0", scheme = "dicom", title = "DICOM", syntax = "dicom:operation",
        category = {Category.HEALTH, Category.NETWORKING}, headersClass = DicomConstants.class)
public class DicomEndpoint extends DefaultEndpoint {

    @UriPath(description = "What the endpoint does: scp (consumer) or store, echo, find, move, get, qido, wado, stow"
            + " (producers).")
    @Metadata(required = true)
    private DicomOperation operation;

    @UriParam(defaultValue = "DISTILLERY", description = "Our AE title: the called AE of the SCP, the calling AE of"
            + " the SCU operations.")
    private String aet = "DISTILLERY";

    // ---- consumer (scp)
    @UriParam(label = "consumer", defaultValue = "11112", description = "TCP port the SCP listens on (0: any free"
            + " port, see DicomConsumer#getLocalPort).")
    private int port = 11112;
    @UriParam(label = "consumer", defaultValue = "127.0.0.1", description = "Address the SCP binds to. Loopback by"
            + " default; set 0.0.0.0 (or an interface address) in production.")
    private String bindAddress = "127.0.0.1";
    @UriParam(label = "consumer", description = "Directory where incoming instances are spooled as Part 10 files"
            + " while they stream in. The exchange body is the spooled java.io.File; the file is deleted after the"
            + " exchange completes, so a route must copy or move it to keep it (see moveSpoolFile).")
    private String spoolDirectory;
    @UriParam(label = "consumer,security", description = "Comma-separated calling AE titles allowed to associate;"
            + " empty allows any (others are rejected with calling-AE-title-not-recognized).")
    private String allowedCallingAets;
    @UriParam(label = "consumer,security", description = "Comma-separated remote address ranges (CIDR, e.g."
            + " 10.0.0.0/8 or 127.0.0.1) allowed to connect; empty allows any.")
    private String allowedNetworks;
    @UriParam(label = "consumer,security", defaultValue = "true", description = "Reject associations whose called"
            + " AE title is not ours.")
    private boolean checkCalledAet = true;
    @UriParam(label = "consumer", defaultValue = "536870912", description = "Free bytes to keep under the spool"
            + " directory; below it C-STORE is answered out of resources (0xA700).")
    private long minFreeSpace = 512L * 1024 * 1024;
    @UriParam(label = "consumer", defaultValue = "OVERWRITE", enums = "OVERWRITE,KEEP_EXISTING,REJECT,KEEP_BOTH",
            description = "What to do with an instance whose SOP Instance UID was already accepted (as recorded in"
            + " the idempotentRepository): OVERWRITE and KEEP_BOTH route it again; KEEP_EXISTING answers warning"
            + " 0xB006 without routing it; REJECT answers failure 0x0111 without routing it.")
    private DuplicatePolicy duplicatePolicy = DuplicatePolicy.OVERWRITE;
    @UriParam(label = "consumer,advanced", description = "Where accepted SOP Instance UIDs are remembered for the"
            + " duplicatePolicy (a key is added only once the exchange completed). Default: in memory, 10000"
            + " entries; use a JDBC repository to survive restarts.")
    private IdempotentRepository idempotentRepository;
    @UriParam(label = "consumer,advanced", defaultValue = "50", description = "Associations served at once; more"
            + " are rejected (local limit exceeded).")
    private int maxAssociations = 50;
    @UriParam(label = "consumer,advanced", defaultValue = "60000", description = "Idle timeout of an association in"
            + " milliseconds (0: none).")
    private int idleTimeout = 60_000;
    @UriParam(label = "consumer", description = "Comma-separated transfer syntax UIDs the SCP accepts; empty accepts"
            + " every syntax the toolkit knows (an archive stores instances as received). Of the syntaxes a sender"
            + " proposes in a presentation context, its first accepted one is taken.")
    private String transferSyntaxes;
    @UriParam(label = "consumer,advanced", defaultValue = "true", description = "Durability before the C-STORE"
            + " response: fsync each spooled file before the route sees it and, if a file: step of the route wrote"
            + " the instance (header CamelFileNameProduced), that file and its directory entry once the route"
            + " completed, so an acknowledged instance survives a crash (a directory the file: step newly created is"
            + " not synced). Off: the operating system writes when it likes.")
    private boolean fsync = true;
    @UriParam(label = "consumer", defaultValue = "false", description = "Hand the spooled file to a file: step by"
            + " renaming it instead of copying it: the consumer sets header CamelFileLocalWorkPath to the spool file,"
            + " which Camel's file producer then moves into place (spool directory and target on the same file"
            + " system; put the spool in the target directory for a same-directory rename). After that step the"
            + " body's file is gone, so use it when the file: step is the last one that reads the instance.")
    private boolean moveSpoolFile;

    // ---- producers (DIMSE)
    @UriParam(label = "producer", description = "The peer, as AET@host:port (store, echo, find, move, get).")
    private String remote;
    @UriParam(label = "producer", defaultValue = "false", description = "store: count warning statuses (e.g. 0xB000"
            + " coercion) as success. By default a warning, like a failure, fails the exchange.")
    private boolean acceptWarnings;
    @UriParam(label = "producer", defaultValue = "STUDY", enums = "PATIENT,STUDY,SERIES,IMAGE", description = "find,"
            + " move, get, qido: query/retrieve level.")
    private String level = "STUDY";
    @UriParam(label = "producer", defaultValue = "STUDY_ROOT", enums = "PATIENT_ROOT,STUDY_ROOT", description = "find,"
            + " move, get: information model.")
    private String model = "STUDY_ROOT";
    @UriParam(label = "producer", description = "find, qido: matching and return keys as keyword=value pairs"
            + " separated by '&' or ',' (e.g. PatientID=123,ModalitiesInStudy=CT,StudyDate=). The DicomQuery header"
            + " overrides it.")
    private String query;
    @UriParam(label = "producer", description = "move: AE title that receives the moved instances (must be known to"
            + " the peer).")
    private String destination;
    @UriParam(label = "producer", description = "get, wado: directory where retrieved instances are written as"
            + " <SOP Instance UID>.dcm; the body becomes the list of written files.")
    private String directory;
    @UriParam(label = "producer,advanced", defaultValue = "10000", description = "Connect timeout in milliseconds.")
    private int connectTimeout = 10_000;
    @UriParam(label = "producer,advanced", defaultValue = "60000", description = "Time to wait for each DIMSE response"
            + " in milliseconds.")
    private int responseTimeout = 60_000;
    @UriParam(label = "advanced", defaultValue = "65536", description = "Maximum PDU length we receive.")
    private int maxPduLength = 65536;

    // ---- DICOMweb
    @UriParam(label = "producer", description = "qido, wado, stow: DICOMweb base URL, e.g."
            + " http://127.0.0.1:8042/dicom-web. Requests go through Camel's http component.")
    private String url;

    // ---- TLS
    @UriParam(label = "security", description = "PKCS#12 key store with our certificate; setting it enables DICOM"
            + " TLS (required for the SCP with TLS, optional client certificate for SCU operations).")
    private String tlsKeyStore;
    @UriParam(label = "security", secret = true, description = "Password of tlsKeyStore.")
    private String tlsKeyStorePassword;
    @UriParam(label = "security", description = "PKCS#12 trust store with the peers' certificates or their CA;"
            + " setting it on an SCU enables TLS.")
    private String tlsTrustStore;
    @UriParam(label = "security", secret = true, description = "Password of tlsTrustStore.")
    private String tlsTrustStorePassword;
    @UriParam(label = "consumer,security", defaultValue = "false", description = "SCP: require a client certificate"
            + " (mutual TLS).")
    private boolean tlsNeedClientAuth;
    @UriParam(label = "security", defaultValue = "TLSv1.3,TLSv1.2", description = "Comma-separated TLS protocols.")
    private String tlsProtocols = "TLSv1.3,TLSv1.2";

    public DicomEndpoint(String uri, DicomComponent component, DicomOperation operation) {
        super(uri, component);
        this.operation = operation;
    }

    @Override
    public Producer createProducer() throws Exception {
        return switch (operation) {
            case store -> new DicomStoreProducer(this);
            case echo -> new DicomEchoProducer(this);
            case find -> new DicomFindProducer(this);
            case move, get -> new DicomRetrieveProducer(this);
            case qido, wado, stow -> new DicomWebProducer(this);
            case scp -> throw new IllegalArgumentException("dicom:scp is a consumer; use it in from:");
        };
    }

    @Override
    public Consumer createConsumer(Processor processor) throws Exception {
        if (operation != DicomOperation.scp) {
            throw new IllegalArgumentException("dicom:" + operation + " is a producer; only dicom:scp can be used in from:");
        }
        Consumer consumer = new DicomScpConsumer(this, processor);
        configureConsumer(consumer);
        return consumer;
    }

    // ---- derived configuration for the network layer

    RemoteAe remoteAe() {
        if (remote == null || remote.isBlank()) {
            throw new DicomException("dicom:" + operation + " needs remote=AET@host:port");
        }
        return RemoteAe.parse(remote);
    }

    ClientConfig clientConfig() {
        return new ClientConfig(aet, maxPduLength, connectTimeout, connectTimeout, responseTimeout, tlsConfig());
    }

    TlsConfig tlsConfig() {
        if (tlsKeyStore == null && tlsTrustStore == null) {
            return null;
        }
        return new TlsConfig(tlsKeyStore == null ? null : Path.of(tlsKeyStore), chars(tlsKeyStorePassword),
                tlsTrustStore == null ? null : Path.of(tlsTrustStore), chars(tlsTrustStorePassword), tlsNeedClientAuth,
                split(tlsProtocols));
    }

    AccessControl accessControl() {
        return new AccessControl(Set.copyOf(split(allowedCallingAets)), split(allowedNetworks), checkCalledAet);
    }

    /** The accepted transfer syntaxes; empty means every registered one. */
    List<String> transferSyntaxList() {
        return split(transferSyntaxes);
    }

    /** The query keys: the DicomQuery header if present, else the query option. */
    Map<String, String> queryKeys(Map<?, ?> header) {
        Map<String, String> keys = new LinkedHashMap<>();
        if (header != null) {
            header.forEach((k, v) -> keys.put(String.valueOf(k), v == null ? "" : String.valueOf(v)));
            return keys;
        }
        if (query != null) {
            for (String pair : query.split("[&,]")) {
                if (pair.isBlank()) {
                    continue;
                }
                int eq = pair.indexOf('=');
                keys.put((eq < 0 ? pair : pair.substring(0, eq)).trim(), eq < 0 ? "" : pair.substring(eq + 1).trim());
            }
        }
        return keys;
    }

    private static char[] chars(String s) {
        return s == null ? null : s.toCharArray();
    }

    static List<String> split(String csv) {
        if (csv == null || csv.isBlank()) {
            return List.of();
        }
        return Arrays.stream(csv.split(",")).map(String::trim).filter(s -> !s.isEmpty()).collect(Collectors.toList());
    }

    // ---- getters and setters (used by the generated configurer)

    public DicomOperation getOperation() {
        return operation;
    }

    /**
     * What the endpoint does: scp (consumer) or store, echo, find, move, get, qido, wado, stow (producers).
     */
    public void setOperation(DicomOperation operation) {
        this.operation = operation;
    }

    public String getAet() {
        return aet;
    }

    /** Our AE title: the called AE of the SCP, the calling AE of the SCU operations. */
    public void setAet(String aet) {
        this.aet = aet;
    }

    public int getPort() {
        return port;
    }

    /** TCP port the SCP listens on (0: any free port). */
    public void setPort(int port) {
        this.port = port;
    }

    public String getBindAddress() {
        return bindAddress;
    }

    /** Address the SCP binds to; loopback by default. */
    public void setBindAddress(String bindAddress) {
        this.bindAddress = bindAddress;
    }

    public String getSpoolDirectory() {
        return spoolDirectory;
    }

    /** Directory where incoming instances are spooled while they stream in. */
    public void setSpoolDirectory(String spoolDirectory) {
        this.spoolDirectory = spoolDirectory;
    }

    public String getAllowedCallingAets() {
        return allowedCallingAets;
    }

    /** Comma-separated calling AE titles allowed to associate; empty allows any. */
    public void setAllowedCallingAets(String allowedCallingAets) {
        this.allowedCallingAets = allowedCallingAets;
    }

    public String getTransferSyntaxes() {
        return transferSyntaxes;
    }

    /** Comma-separated transfer syntax UIDs the SCP accepts; empty accepts every one the toolkit knows. */
    public void setTransferSyntaxes(String transferSyntaxes) {
        this.transferSyntaxes = transferSyntaxes;
    }

    public String getAllowedNetworks() {
        return allowedNetworks;
    }

    /** Comma-separated remote address ranges (CIDR) allowed to connect; empty allows any. */
    public void setAllowedNetworks(String allowedNetworks) {
        this.allowedNetworks = allowedNetworks;
    }

    public boolean isCheckCalledAet() {
        return checkCalledAet;
    }

    /** Reject associations whose called AE title is not ours. */
    public void setCheckCalledAet(boolean checkCalledAet) {
        this.checkCalledAet = checkCalledAet;
    }

    public long getMinFreeSpace() {
        return minFreeSpace;
    }

    /** Free bytes to keep under the spool directory; below it C-STORE is answered out of resources. */
    public void setMinFreeSpace(long minFreeSpace) {
        this.minFreeSpace = minFreeSpace;
    }

    public DuplicatePolicy getDuplicatePolicy() {
        return duplicatePolicy;
    }

    /** What to do with an instance whose SOP Instance UID was already accepted. */
    public void setDuplicatePolicy(DuplicatePolicy duplicatePolicy) {
        this.duplicatePolicy = duplicatePolicy;
    }

    public IdempotentRepository getIdempotentRepository() {
        return idempotentRepository;
    }

    /** Where accepted SOP Instance UIDs are remembered for the duplicatePolicy. */
    public void setIdempotentRepository(IdempotentRepository idempotentRepository) {
        this.idempotentRepository = idempotentRepository;
    }

    public int getMaxAssociations() {
        return maxAssociations;
    }

    /** Associations served at once. */
    public void setMaxAssociations(int maxAssociations) {
        this.maxAssociations = maxAssociations;
    }

    public int getIdleTimeout() {
        return idleTimeout;
    }

    /** Idle timeout of an association in milliseconds (0: none). */
    public void setIdleTimeout(int idleTimeout) {
        this.idleTimeout = idleTimeout;
    }

    public boolean isFsync() {
        return fsync;
    }

    /** fsync each spooled file before the route sees it, and the file a file: step produced before the response. */
    public void setFsync(boolean fsync) {
        this.fsync = fsync;
    }

    public boolean isMoveSpoolFile() {
        return moveSpoolFile;
    }

    /** Let a file: step rename the spooled file into place instead of copying it. */
    public void setMoveSpoolFile(boolean moveSpoolFile) {
        this.moveSpoolFile = moveSpoolFile;
    }

    public String getRemote() {
        return remote;
    }

    /** The peer, as AET@host:port. */
    public void setRemote(String remote) {
        this.remote = remote;
    }

    public boolean isAcceptWarnings() {
        return acceptWarnings;
    }

    /** store: count warning statuses as success. */
    public void setAcceptWarnings(boolean acceptWarnings) {
        this.acceptWarnings = acceptWarnings;
    }

    public String getLevel() {
        return level;
    }

    /** Query/retrieve level: PATIENT, STUDY, SERIES or IMAGE. */
    public void setLevel(String level) {
        this.level = level;
    }

    public String getModel() {
        return model;
    }

    /** Information model: PATIENT_ROOT or STUDY_ROOT. */
    public void setModel(String model) {
        this.model = model;
    }

    public String getQuery() {
        return query;
    }

    /** Matching and return keys as keyword=value pairs. */
    public void setQuery(String query) {
        this.query = query;
    }

    public String getDestination() {
        return destination;
    }

    /** move: AE title that receives the moved instances. */
    public void setDestination(String destination) {
        this.destination = destination;
    }

    public String getDirectory() {
        return directory;
    }

    /** get, wado: directory where retrieved instances are written. */
    public void setDirectory(String directory) {
        this.directory = directory;
    }

    public int getConnectTimeout() {
        return connectTimeout;
    }

    /** Connect timeout in milliseconds. */
    public void setConnectTimeout(int connectTimeout) {
        this.connectTimeout = connectTimeout;
    }

    public int getResponseTimeout() {
        return responseTimeout;
    }

    /** Time to wait for each DIMSE response in milliseconds. */
    public void setResponseTimeout(int responseTimeout) {
        this.responseTimeout = responseTimeout;
    }

    public int getMaxPduLength() {
        return maxPduLength;
    }

    /** Maximum PDU length we receive. */
    public void setMaxPduLength(int maxPduLength) {
        this.maxPduLength = maxPduLength;
    }

    public String getUrl() {
        return url;
    }

    /** DICOMweb base URL. */
    public void setUrl(String url) {
        this.url = url;
    }

    public String getTlsKeyStore() {
        return tlsKeyStore;
    }

    /** PKCS#12 key store with our certificate. */
    public void setTlsKeyStore(String tlsKeyStore) {
        this.tlsKeyStore = tlsKeyStore;
    }

    public String getTlsKeyStorePassword() {
        return tlsKeyStorePassword;
    }

    /** Password of tlsKeyStore. */
    public void setTlsKeyStorePassword(String tlsKeyStorePassword) {
        this.tlsKeyStorePassword = tlsKeyStorePassword;
    }

    public String getTlsTrustStore() {
        return tlsTrustStore;
    }

    /** PKCS#12 trust store. */
    public void setTlsTrustStore(String tlsTrustStore) {
        this.tlsTrustStore = tlsTrustStore;
    }

    public String getTlsTrustStorePassword() {
        return tlsTrustStorePassword;
    }

    /** Password of tlsTrustStore. */
    public void setTlsTrustStorePassword(String tlsTrustStorePassword) {
        this.tlsTrustStorePassword = tlsTrustStorePassword;
    }

    public boolean isTlsNeedClientAuth() {
        return tlsNeedClientAuth;
    }

    /** SCP: require a client certificate. */
    public void setTlsNeedClientAuth(boolean tlsNeedClientAuth) {
        this.tlsNeedClientAuth = tlsNeedClientAuth;
    }

    public String getTlsProtocols() {
        return tlsProtocols;
    }

    /** Comma-separated TLS protocols. */
    public void setTlsProtocols(String tlsProtocols) {
        this.tlsProtocols = tlsProtocols;
    }
}
